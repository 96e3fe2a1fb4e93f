/**
 * `npm run bench`: the redirect benchmark, then ingestion on SQLite and on PostgreSQL, each in
 * its own process, then a summary. The whole run is bounded (--budget, 14 minutes by default):
 * each ingestion run gets at most --time-limit seconds (300) and less if the budget runs short.
 *
 *   npx tsx bench/all.ts [--duration 10] [--events 200000] [--time-limit 300] [--budget 840]
 *     [--quiet-wait 20]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { args, onInterrupt, ROOT, table, today, writeResult } from './lib.js';

const opts = args();
const budgetS = Number(opts.get('budget') ?? 840);
const limitS = Number(opts.get('time-limit') ?? 300);
const events = opts.get('events') ?? '200000';
const duration = opts.get('duration') ?? '10';
const t0 = performance.now();
const left = () => budgetS - (performance.now() - t0) / 1000;

/** Runs one benchmark script, echoing its output, and returns the JSON result line it printed. */
function run(script: string, argv: string[]): Promise<Record<string, unknown> | undefined> {
  process.stdout.write(`\n=== ${script} ${argv.join(' ')}\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...argv], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Interrupted: stop the running benchmark so that it cleans up after itself.
  const forget = onInterrupt(
    () =>
      new Promise((resolve) => {
        child.once('close', resolve);
        child.kill('SIGTERM');
      }),
  );
  let result: Record<string, unknown> | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('{"bench"')) result = JSON.parse(line);
    else process.stdout.write(`${line}\n`);
  });
  return new Promise((resolve) =>
    child.on('close', () => {
      forget();
      resolve(result);
    }),
  );
}

const quiet = opts.get('quiet-wait') ?? '20';
const redirect = await run('bench/redirect.ts', ['--duration', duration, '--quiet-wait', quiet]);
const ingest: Record<string, Record<string, unknown> | undefined> = {};
for (const backend of ['sqlite', 'postgres']) {
  // Leave room for setup, the drain after the limit and the other backend.
  const share = backend === 'sqlite' ? left() / 2 : left();
  const limit = Math.floor(Math.min(limitS, share - 45));
  if (limit < 30) {
    process.stdout.write(`\nskipping ingest on ${backend}: the time budget is spent\n`);
    continue;
  }
  ingest[backend] = await run('bench/ingest.ts', [
    '--backend',
    backend,
    '--events',
    events,
    '--time-limit',
    String(limit),
    '--quiet-wait',
    quiet,
  ]);
}

type Run = { rps: number; latency_ms: { p50: number; p99: number } };
const bare = redirect?.bare as Run | undefined;
const tandem = redirect?.tandem as Run | undefined;
const clicks = redirect?.clicks as { equal: boolean; clicks_stored: number } | undefined;
const rows: (string | number)[][] = [['benchmark', 'figure', 'note']];
if (bare && tandem) {
  rows.push([
    'redirect, bare node:http',
    `${bare.rps} req/s`,
    `p50 ${bare.latency_ms.p50} ms, p99 ${bare.latency_ms.p99} ms`,
  ]);
  rows.push([
    'redirect, tandem',
    `${tandem.rps} req/s`,
    `p50 ${tandem.latency_ms.p50} ms, p99 ${tandem.latency_ms.p99} ms`,
  ]);
  rows.push([
    'redirect, tandem / bare',
    `${redirect?.ratio_rps}×`,
    clicks?.equal ? `all ${clicks.clicks_stored} clicks stored` : 'CLICK COUNT MISMATCH',
  ]);
}
for (const [backend, r] of Object.entries(ingest)) {
  if (!r) continue;
  const note = r.complete
    ? `${r.events_acknowledged} events, complete`
    : `${r.events_derived} of ${r.settings && (r.settings as { events: number }).events} events derived ${r.stalled ? '(STALLED)' : '(time limit)'}`;
  rows.push([`ingest ${backend}, end to end`, `${r.events_per_s_end_to_end} events/s`, note]);
  rows.push([
    `ingest ${backend}, acknowledgement`,
    `${r.events_per_s_ack} events/s`,
    `${r.accrual_lines} accrual lines, server peak RSS ${r.server_peak_rss_mib} MiB`,
  ]);
}
const s = ingest.sqlite;
const p = ingest.postgres;
if (s?.complete && p?.complete) {
  const fs = s.net_accrued_minor_units as { sha256: string; total: string };
  const fp = p.net_accrued_minor_units as { sha256: string; total: string };
  rows.push([
    'convergence across backends',
    fs.sha256 === fp.sha256 ? 'same balances' : 'BALANCES DIFFER',
    `net accrued ${fs.total} (SQLite) vs ${fp.total} (PostgreSQL) minor units`,
  ]);
}
process.stdout.write(
  `\n=== summary (${today()}, ${Math.round((performance.now() - t0) / 1000)} s)\n${table(rows)}\n`,
);
const path = writeResult('summary', { date: new Date().toISOString(), redirect, ingest });
process.stdout.write(`written: ${path}\n`);
