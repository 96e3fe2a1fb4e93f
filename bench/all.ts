/**
 * `npm run bench`: every benchmark, each in its own process, then a summary that sets the
 * medians next to the goals of issue 8 (met or missed, and by how much).
 *
 *   npx tsx bench/all.ts [--runs 3] [--events 1000000] [--duration 10] [--quiet-wait 20]
 *     [--read-events 10000000] [--backtest-events 1000000] [--partners 100000]
 *     [--only redirect,ingest,backtest,payout,read-paths] [--quick]
 *
 *   --runs N          repetitions of redirect, ingestion (each on a fresh database, with the
 *                     storage ceiling in the same run), backtest and payout run
 *   --events N        ingestion workload per run and backend (1,000,000 on a quiet 2-core
 *                     machine: ~12 min a run on PostgreSQL, ~25 on SQLite; a run stops at N/400 s)
 *   --read-events N   events bulk-loaded for the read paths (10,000,000: ~10 GB of disk)
 *   --quick           200,000 events, 1 run, 200,000 backtest events, 1,000,000 read-path events
 *   --reuse K=FILE,…  take benchmark K (redirect, ingest_sqlite, ingest_postgres, backtest,
 *                     payout, read_paths) from a result file in bench/results instead of running
 *                     it — for a summary over runs made one by one (the summary names the files)
 *
 * Duration with the defaults, on a quiet 2-core machine: redirect ~2 min, ingestion ~2 h
 * (3 runs × 2 backends × 1,000,000 events: ~40 min on PostgreSQL, ~80 on SQLite), backtest
 * ~5 min, payout ~3 min, read paths ~35 min of loading plus ~1 min: about 3 hours. `--quick`
 * takes about 15 minutes.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { args, onInterrupt, pick, RESULTS, ROOT, table, today, writeResult } from './lib.js';

const opts = args();
const quick = opts.has('quick');
const runs = opts.get('runs') ?? (quick ? '1' : '3');
const events = opts.get('events') ?? (quick ? '200000' : '1000000');
const backtestEvents = opts.get('backtest-events') ?? (quick ? '200000' : '1000000');
const readEvents = opts.get('read-events') ?? (quick ? '1000000' : '10000000');
const duration = opts.get('duration') ?? '10';
const quiet = opts.get('quiet-wait') ?? '20';
const only = new Set(
  (opts.get('only') ?? 'redirect,ingest,backtest,payout,read-paths').split(',').filter(Boolean),
);
const t0 = performance.now();

type Result = Record<string, unknown>;

/** Runs one benchmark script, echoing its output, and returns the JSON result line it printed. */
function run(
  script: string,
  argv: string[],
  nodeFlags: string[] = [],
): Promise<Result | undefined> {
  process.stdout.write(`\n=== ${script} ${argv.join(' ')}\n`);
  const child = spawn(
    process.execPath,
    [...nodeFlags, '--import', 'tsx', join(ROOT, script), ...argv],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // Interrupted: stop the running benchmark so that it cleans up after itself.
  const forget = onInterrupt(
    () =>
      new Promise((resolve) => {
        child.once('close', resolve);
        child.kill('SIGTERM');
      }),
  );
  let result: Result | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    // {"bench":…} or {"benchmark":…}
    if (line.startsWith('{"bench')) result = JSON.parse(line);
    else process.stdout.write(`${line}\n`);
  });
  return new Promise((resolve) =>
    child.on('close', () => {
      forget();
      resolve(result);
    }),
  );
}

const results: Record<string, Result | undefined> = {};
const KEYS = ['redirect', 'ingest_sqlite', 'ingest_postgres', 'backtest', 'payout', 'read_paths'];
// A reused benchmark is read from its file and never run, whatever --only says.
const reused: Record<string, string> = {};
for (const pair of (opts.get('reuse') ?? '').split(',').filter(Boolean)) {
  const [key, file] = pair.split('=');
  if (!key || !file || !KEYS.includes(key))
    throw new Error(`--reuse takes K=FILE pairs with K one of ${KEYS.join(', ')}; got ${pair}`);
  results[key] = JSON.parse(readFileSync(join(RESULTS, file), 'utf8')) as Result;
  reused[key] = file;
}
const toRun = (key: string, name = key) => only.has(name) && !(key in reused);
if (toRun('redirect'))
  results.redirect = await run('bench/redirect.ts', [
    '--duration',
    duration,
    '--runs',
    runs,
    '--quiet-wait',
    quiet,
  ]);
for (const backend of ['sqlite', 'postgres'])
  if (toRun(`ingest_${backend}`, 'ingest'))
    results[`ingest_${backend}`] = await run('bench/ingest.ts', [
      '--backend',
      backend,
      '--events',
      events,
      '--runs',
      runs,
      '--quiet-wait',
      quiet,
    ]);
if (toRun('backtest'))
  results.backtest = await run(
    'bench/backtest.ts',
    ['--events', backtestEvents, '--runs', runs, '--quiet-wait', quiet],
    ['--expose-gc'],
  );
if (toRun('payout'))
  results.payout = await run('bench/payout-run.ts', [
    '--partners',
    opts.get('partners') ?? '100000',
    '--runs',
    runs,
    '--quiet-wait',
    quiet,
  ]);
if (toRun('read_paths', 'read-paths'))
  results.read_paths = await run('bench/read-paths.ts', [
    '--events',
    readEvents,
    '--quiet-wait',
    quiet,
  ]);

// ---- The summary: the goals next to the medians.
const fmt = (x: number, d = 0) =>
  x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
interface Goal {
  goal: string;
  figure: string;
  verdict: string;
  met: boolean | null;
}
/** At least `target`: met, or missed at x % of it. */
function atLeast(name: string, value: unknown, target: number, unit: string, d = 0): Goal {
  const v = Number(value);
  if (!Number.isFinite(v)) return { goal: name, figure: 'not measured', verdict: '–', met: null };
  const met = v >= target;
  return {
    goal: name,
    figure: `${fmt(v, d)}${unit}`,
    verdict: met
      ? `met (${fmt((v / target) * 100)} % of the goal)`
      : `MISSED: ${fmt((v / target) * 100)} % of the goal (×${fmt(target / v, 1)} needed)`,
    met,
  };
}
/** Below `target`: met with x % to spare, or missed by x %. */
function below(name: string, value: unknown, target: number, unit: string, d = 1): Goal {
  const v = Number(value);
  if (!Number.isFinite(v)) return { goal: name, figure: 'not measured', verdict: '–', met: null };
  const met = v < target;
  return {
    goal: name,
    figure: `${fmt(v, d)}${unit}`,
    verdict: met
      ? `met (${fmt((1 - v / target) * 100)} % under)`
      : `MISSED: ${fmt((v / target - 1) * 100)} % over`,
    met,
  };
}

const r = results;
/** A median by its flat key ("latency_ms.p99") under a result's `medians` (or a part of it). */
const med = (x: Result | undefined, key: string, under = 'medians') =>
  (pick(x, under) as Record<string, unknown> | undefined)?.[key];
const goals: Goal[] = [
  atLeast('redirect: Tandem ≥ 70 % of bare req/s', pick(r.redirect, 'ratio_rps'), 0.7, '×', 3),
  below(
    'redirect: Tandem p99 < 10 ms',
    med(r.redirect, 'latency_ms.p99', 'medians.tandem'),
    10,
    ' ms',
    2,
  ),
  atLeast(
    'ingestion, PostgreSQL: ≥ 10,000 events/s',
    med(r.ingest_postgres, 'events_per_s_end_to_end'),
    10_000,
    ' events/s',
  ),
  atLeast(
    'ingestion, PostgreSQL: ≥ 25 % of the raw-insert ceiling',
    med(r.ingest_postgres, 'ratio_of_medians'),
    0.25,
    '×',
    3,
  ),
  atLeast(
    'replay (backtest): ≥ 250,000 events/s',
    pick(r.backtest, 'backtest.events_per_second'),
    250_000,
    ' events/s',
  ),
  below('payout run, 100,000 partners: < 30 s', pick(r.payout, 'total_seconds'), 30, ' s'),
  below(
    `read paths: p95 < 100 ms at ${fmt(Number(pick(r.read_paths, 'load.events') ?? readEvents))} events (worst series)`,
    pick(r.read_paths, 'worst_p95_ms'),
    100,
    ' ms',
  ),
];

const figures: (string | number)[][] = [['benchmark', 'median', 'note']];
const row = (name: string, v: unknown, unit: string, note = '') => {
  if (v === undefined || v === null) return;
  figures.push([name, `${fmt(Number(v), Number(v) < 10 ? 3 : 0)}${unit}`, note]);
};
row('redirect, bare node:http', med(r.redirect, 'rps', 'medians.bare'), ' req/s');
row(
  'redirect, Tandem',
  med(r.redirect, 'rps', 'medians.tandem'),
  ' req/s',
  `p50 ${med(r.redirect, 'latency_ms.p50', 'medians.tandem')} ms, p99 ${med(r.redirect, 'latency_ms.p99', 'medians.tandem')} ms; clicks ${pick(r.redirect, 'clicks.equal') ? 'all stored' : 'MISMATCH'}`,
);
for (const b of ['sqlite', 'postgres']) {
  const x = r[`ingest_${b}`];
  row(
    `ingestion ${b}, end to end`,
    med(x, 'events_per_s_end_to_end'),
    ' events/s',
    `${pick(x, 'settings.events')} events × ${pick(x, 'settings.runs')} runs${pick(x, 'complete') ? '' : ' (NOT ALL COMPLETE)'}`,
  );
  row(`ingestion ${b}, storage ceiling`, med(x, 'storage_ceiling.events_per_s'), ' events/s');
  row(`ingestion ${b}, Tandem / ceiling`, med(x, 'ratio_of_medians'), '×');
  row(`ingestion ${b}, server peak RSS`, med(x, 'server_peak_rss_mib'), ' MiB');
}
row('backtest replay', pick(r.backtest, 'backtest.events_per_second'), ' events/s');
row('payout run, total', pick(r.payout, 'total_seconds'), ' s');
row('read paths, worst p95', pick(r.read_paths, 'worst_p95_ms'), ' ms');

const elapsed = Math.round((performance.now() - t0) / 1000);
process.stdout.write(
  `\n=== summary (${today()}, ${elapsed} s, ${runs} run(s) each)\n${table(figures)}\n\n` +
    `${table([['goal (issue 8)', 'median', 'verdict'], ...goals.map((g) => [g.goal, g.figure, g.verdict])])}\n`,
);
const path = writeResult('summary', {
  date: new Date().toISOString(),
  settings: { runs: Number(runs), events: Number(events), read_events: Number(readEvents), quick },
  reused,
  seconds: elapsed,
  goals,
  // A reused result stays in its own file (named in `reused`), not copied here.
  results: Object.fromEntries(Object.entries(results).filter(([k]) => !(k in reused))),
});
process.stdout.write(`written: ${path}\n`);
