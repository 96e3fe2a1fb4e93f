/**
 * Dashboards at scale (issue 7): with the demo enlarged to 1,000,000 events, how fast the
 * partner dashboard and the operator overview answer and render.
 *
 *   npm run bench:dashboard -- [--backend sqlite|postgres] [--events 1000000] [--batch 1000]
 *     [--clicks-per-customer 3] [--time-limit 1800] [--drain-limit 600] [--settle-ms 30000]
 *     [--seed 7] [--calls 50] [--loads 10] [--quiet-wait 30] [--keep] [--reuse <file>]
 *     [--web-dist <dir>] [--shots <dir>]
 *
 *   --time-limit S   stop sending events after S seconds (the figures say what was reached)
 *   --drain-limit S  then derive what is still queued for at most S seconds
 *   --settle-ms MS   how old a partner-month's first mark must be before it is settled again
 *                    while loading (the worker: 1000; see bench/dashboard-load.ts)
 *   --keep           keep the enlarged SQLite file (its path is printed) for --reuse
 *   --reuse FILE     skip loading: measure an enlarged SQLite file kept by an earlier run
 *   --web-dist DIR   serve this build of the web app instead of building web/ afresh
 *   --shots DIR      save a screenshot of each page after its last load
 *
 * Load (not part of the figures, but timed and reported): a fresh database — a SQLite file in
 * a temp dir, or a scratch PostgreSQL database tandem_bench_dash_<pid>_<ts>, dropped at the end
 * — the demo marketplace (seedDemo: 12 partners, ~120 days), then new customers of the demo's
 * partners up to `--events` events in all, sent in occurred_at order through the engine:
 * each batch's clicks with recordClicks, the batch with ingestEvents, then derivation and
 * hold releases as the worker does between requests (bench/dashboard-load.ts). The
 * summaries the dashboards read (daily_stats, account_balances) are kept by those writes.
 *
 * Measured: the real server (buildServer + worker, bench/dashboard-serve.ts) in a child
 * process on 127.0.0.1 serving the web app, after its worker has gone idle —
 *  (a) GET /v1/partners/{id}/dashboard (the partner with most signups) and GET /v1/overview,
 *      default range (last 30 days) and 90 days, `--calls` sequential calls each after one
 *      untimed-in-the-stats first call, with an admin key and the partner's own key;
 *  (b) chromium signed in as that partner's contact (magic link from /outbox): /portal loaded
 *      `--loads` times (the first in a fresh context: nothing cached), timed inside the page
 *      from the start of navigation until the Signups card shows a number and that frame is
 *      painted, and from the dashboard response's arrival (its resource timing) to that paint;
 *  (c) the same for the operator owner@tandem.local on /console (the overview), until the
 *      Attributed revenue card shows an amount.
 * Writes bench/results/dashboard-<backend>-<date>.json (`-<events>` for another size, `-reused`
 * for a run on a kept file).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { DAY_MS } from '../src/core/time.js';
import { createApiKey } from '../src/engine/api-keys.js';
import { claimFirstStart } from '../src/engine/first-start.js';
import { openTandem } from '../src/engine/open-tandem.js';
import { seedDemo } from '../src/engine/seed-demo.js';
import { launchBrowser, type PageLoad, timePage } from './dashboard-browser.js';
import { checkSummaries, type SummaryCheck } from './dashboard-check.js';
import { enlargeDemo, type LoadReport } from './dashboard-load.js';
import {
  args,
  type Child,
  CpuMeter,
  machine,
  memoryOf,
  onInterrupt,
  ROOT,
  scratchStore,
  startChild,
  table,
  today,
  waitForQuiet,
  writeResult,
} from './lib.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const OWNER = 'owner@tandem.local';
const COUNTED = [
  'events',
  'clicks',
  'conversions',
  'accrual_lines',
  'ledger_entries',
  'daily_stats',
  'account_balances',
] as const;

/** What a kept SQLite file remembers of the run that loaded it (`<file>.bench.json`). */
interface Sidecar {
  seeded_at: string;
  seed_seconds: number;
  load: LoadReport;
  settings: Record<string, unknown>;
}

interface Latency {
  name: string;
  path: string;
  key: 'admin' | 'partner';
  first_ms: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  mean_ms: number;
  calls: number;
  bytes: number;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
function percentile(sorted: number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
    Number.NaN
  );
}
function median(xs: number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

/** One call not counted (the first, reported apart), then `n` sequential timed calls. */
async function timeCalls(
  base: string,
  key: string,
  c: { name: string; path: string; key: 'admin' | 'partner' },
  n: number,
): Promise<Latency> {
  const once = async () => {
    const t = performance.now();
    const res = await fetch(`${base}${c.path}`, { headers: { authorization: `Bearer ${key}` } });
    const body = await res.text();
    const ms = performance.now() - t;
    if (!res.ok) throw new Error(`${c.path}: ${res.status} ${body.slice(0, 300)}`);
    return { ms, bytes: Buffer.byteLength(body) };
  };
  const first = await once();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) ms.push((await once()).ms);
  ms.sort((a, b) => a - b);
  return {
    ...c,
    first_ms: r1(first.ms),
    p50_ms: r1(percentile(ms, 50)),
    p95_ms: r1(percentile(ms, 95)),
    max_ms: r1(ms[ms.length - 1] ?? Number.NaN),
    mean_ms: r1(ms.reduce((s, x) => s + x, 0) / ms.length),
    calls: n,
    bytes: first.bytes,
  };
}

/** Median and max over the warm loads (reloads), and the cold first load apart. */
function summarizeLoads(loads: PageLoad[]) {
  const warm = loads.filter((l) => !l.cold);
  const cold = loads.find((l) => l.cold);
  const stat = (f: (l: PageLoad) => number) => ({
    median: r1(median(warm.map(f))),
    max: r1(Math.max(...warm.map(f))),
  });
  return {
    loads: loads.length,
    cold_painted_ms: cold?.painted_ms ?? null,
    cold_response_to_painted_ms: cold?.response_to_painted_ms ?? null,
    painted_ms: stat((l) => l.painted_ms),
    response_to_painted_ms: stat((l) => l.response_to_painted_ms),
    api_response_ms: stat((l) => l.api_response_ms),
    api_request_ms: stat((l) => l.api_request_ms),
    dom_content_loaded_ms: stat((l) => l.dom_content_loaded_ms),
    card_text: loads[loads.length - 1]?.card_text ?? '',
  };
}

/** The API requests of the warm load with the median paint time: what the page waited for. */
function waterfall(loads: PageLoad[]): string[] {
  const warm = loads.filter((l) => !l.cold).sort((a, b) => a.painted_ms - b.painted_ms);
  const mid = warm[Math.floor((warm.length - 1) / 2)];
  return (mid?.requests ?? []).map(
    (q) =>
      `${q.start.toFixed(0)}→${q.end.toFixed(0)} ms (${(q.end - q.start).toFixed(0)} ms) ${q.path.replace(/\?.*/, '?…')}`,
  );
}

async function buildWeb(): Promise<{ dir: string; built: boolean }> {
  const dir = mkdtempSync(join(os.tmpdir(), 'tandem-bench-web-'));
  try {
    const { build } = await import('vite');
    await build({
      configFile: join(ROOT, 'web', 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: dir, emptyOutDir: true, sourcemap: false },
    });
    return { dir, built: true };
  } catch (e) {
    log(`building web/ failed (${String(e).slice(0, 200)}); serving web/dist as it is`);
    rmSync(dir, { recursive: true, force: true });
    return { dir: join(ROOT, 'web', 'dist'), built: false };
  }
}

async function main() {
  const opts = args();
  const backend = opts.get('backend') === 'postgres' ? 'postgres' : 'sqlite';
  const target = Number(opts.get('events') ?? 1_000_000);
  const calls = Number(opts.get('calls') ?? 50);
  const loads = Number(opts.get('loads') ?? 10);
  const reuse = opts.get('reuse');
  const keep = opts.has('keep');
  const shots = opts.get('shots');
  const settings = {
    events: target,
    batch: Number(opts.get('batch') ?? 1000),
    clicks_per_customer: Number(opts.get('clicks-per-customer') ?? 3),
    time_limit_s: Number(opts.get('time-limit') ?? 1800),
    drain_limit_s: Number(opts.get('drain-limit') ?? 600),
    settle_ms: Number(opts.get('settle-ms') ?? 30_000),
    seed: Number(opts.get('seed') ?? 7),
  };
  if (reuse && backend !== 'sqlite') throw new Error('--reuse takes a SQLite file');

  let scratch: Awaited<ReturnType<typeof scratchStore>> | undefined;
  let child: Child | undefined;
  let web: { dir: string; built: boolean } | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  const forgetWeb = onInterrupt(() => {
    if (web?.built) rmSync(web.dir, { recursive: true, force: true });
  });
  try {
    // ---- Load: the demo, enlarged through the engine.
    let open: { file: string } | { url: string };
    let sidecar: Sidecar | undefined;
    if (reuse) {
      open = { file: reuse };
      try {
        sidecar = JSON.parse(readFileSync(`${reuse}.bench.json`, 'utf8')) as Sidecar;
      } catch {}
      log(
        `reusing ${reuse}${sidecar ? ` (loaded ${sidecar.load.events_ingested} events on ${sidecar.seeded_at})` : ''}`,
      );
    } else {
      scratch = await scratchStore(backend, 'tandem_bench_dash');
      open = scratch.open;
      const deps = await openTandem(open);
      try {
        await claimFirstStart(deps, { ownerEmail: OWNER });
        const seededAt = Date.now();
        log('seeding the demo marketplace…');
        const demo = await seedDemo(deps);
        const seedSeconds = r1((Date.now() - seededAt) / 1000);
        log(`demo seeded in ${seedSeconds} s (${demo.events} events, ${demo.clicks} clicks)`);
        // The demo's days: from its first midnight (seedDemo's `start`) to now.
        const start = Math.floor((seededAt - 120 * DAY_MS) / DAY_MS) * DAY_MS;
        const load = await enlargeDemo(deps, {
          target,
          start,
          end: Date.now(),
          seed: settings.seed,
          batch: settings.batch,
          clicksPerCustomer: settings.clicks_per_customer,
          settleMs: settings.settle_ms,
          timeLimitS: settings.time_limit_s,
          drainLimitS: settings.drain_limit_s,
          log,
        });
        sidecar = {
          seeded_at: new Date(seededAt).toISOString(),
          seed_seconds: seedSeconds,
          load,
          settings,
        };
      } finally {
        await deps.close();
      }
      if ('file' in open && keep) writeFileSync(`${open.file}.bench.json`, JSON.stringify(sidecar));
    }

    // ---- Table sizes, the partner to look at, and the keys.
    const deps = await openTandem(open);
    let counts: Record<string, number>;
    let check: SummaryCheck;
    let partner: { id: string; name: string; email: string; signups: number };
    let adminKey: string;
    let partnerKey: string;
    try {
      counts = {};
      for (const t of COUNTED)
        counts[t] = Number(
          (
            await sql<{ n: unknown }>`SELECT COUNT(*) AS n FROM ${sql.table(t)}`.execute(
              deps.store.db,
            )
          ).rows[0]?.n,
        );
      // The figures must be the data's: every summary against the rows it sums.
      check = await checkSummaries(deps);
      const top = (
        await sql<{ id: string; name: string; email: string; signups: unknown }>`
          SELECT p.id, p.name, p.email, SUM(s.value) AS signups
          FROM daily_stats s JOIN partners p ON p.id = s.partner_id
          WHERE s.metric = 'signups' GROUP BY p.id, p.name, p.email ORDER BY 4 DESC LIMIT 1`.execute(
          deps.store.db,
        )
      ).rows[0];
      if (!top) throw new Error('no partner has signups');
      partner = { id: top.id, name: top.name, email: top.email, signups: Number(top.signups) };
      adminKey = (await createApiKey(deps, { name: 'bench dashboard (admin)', scopes: ['admin'] }))
        .key;
      partnerKey = (
        await createApiKey(deps, {
          name: 'bench dashboard (partner)',
          scopes: [],
          partnerId: partner.id,
        })
      ).key;
    } finally {
      await deps.close();
    }
    log(`tables: ${JSON.stringify(counts)}`);
    log(
      `summaries against raw rows: ${check.compared} figures compared, ${check.differences} differ${check.first.length ? ` (${check.first.join('; ')})` : ''}`,
    );
    log(`partner: ${partner.name} <${partner.email}>, ${partner.signups} signups`);

    // ---- The server, once the machine is quiet.
    web = opts.get('web-dist')
      ? { dir: opts.get('web-dist') as string, built: false }
      : await buildWeb();
    const quietWait = Number(opts.get('quiet-wait') ?? 30);
    const busyBefore = await waitForQuiet(quietWait);
    log(`starting the server (other processes used ${busyBefore} cores)…`);
    child = await startChild(
      'bench/dashboard-serve.ts',
      [...('file' in open ? ['--file', open.file] : ['--url', open.url]), '--web-dist', web.dir],
      { readyTimeoutMs: 700_000 },
    );
    const base = `http://127.0.0.1:${child.ready.port}`;
    log(`server ready at ${base} (worker idle after ${child.ready.worker_idle_ms} ms)`);

    // ---- (a) API latency.
    const to = (Math.floor(Date.now() / DAY_MS) + 1) * DAY_MS;
    const d90 = `from=${new Date(to - 90 * DAY_MS).toISOString()}&to=${new Date(to).toISOString()}`;
    const dash = `/v1/partners/${partner.id}/dashboard`;
    const cases = [
      { name: 'dashboard, 30 days (default)', path: dash, key: 'admin' as const },
      { name: 'dashboard, 90 days', path: `${dash}?${d90}`, key: 'admin' as const },
      { name: 'dashboard, 30 days (default)', path: dash, key: 'partner' as const },
      { name: 'dashboard, 90 days', path: `${dash}?${d90}`, key: 'partner' as const },
      { name: 'overview, 30 days (default)', path: '/v1/overview', key: 'admin' as const },
      { name: 'overview, 90 days', path: `/v1/overview?${d90}`, key: 'admin' as const },
    ];
    const apiCpu = new CpuMeter(child.pid);
    const latency: Latency[] = [];
    for (const c of cases) {
      const l = await timeCalls(base, c.key === 'admin' ? adminKey : partnerKey, c, calls);
      latency.push(l);
      log(
        `  ${c.name} (${c.key} key): p50 ${l.p50_ms} ms, p95 ${l.p95_ms} ms, max ${l.max_ms} ms, first ${l.first_ms} ms, ${l.bytes} bytes`,
      );
    }
    const apiCpuSeconds = apiCpu.read();

    // ---- (b), (c) Pages in chromium.
    browser = await launchBrowser();
    const pageCpu = new CpuMeter(child.pid);
    const portal = await timePage(browser, {
      base,
      email: partner.email,
      path: '/portal',
      selector: '[role=group][aria-label="Signups"] .stat-value',
      summary: '/dashboard',
      loads,
      ...(shots ? { screenshot: join(shots, `dashboard-${backend}-portal.png`) } : {}),
      log,
    });
    const consolePage = await timePage(browser, {
      base,
      email: OWNER,
      path: '/console',
      selector: '[role=group][aria-label="Attributed revenue"] .stat-value',
      summary: '/v1/overview',
      loads,
      ...(shots ? { screenshot: join(shots, `dashboard-${backend}-console.png`) } : {}),
      log,
    });
    const pageCpuSeconds = pageCpu.read();
    await browser.close();
    browser = undefined;

    const memory = memoryOf(child.pid);
    const workerIdleMs = Number(child.ready.worker_idle_ms);
    const serverErrors = child.errors;
    await child.stop();
    child = undefined;

    const portalSummary = summarizeLoads(portal);
    const consoleSummary = summarizeLoads(consolePage);
    const load = sidecar?.load;
    const result = {
      bench: 'dashboard',
      backend,
      date: new Date().toISOString(),
      machine: await machine(),
      settings: { ...(sidecar?.settings ?? settings), calls, loads, reused: reuse ?? null },
      seeded_at: sidecar?.seeded_at ?? null,
      seed_seconds: sidecar?.seed_seconds ?? null,
      load: load ?? null,
      table_rows: counts,
      summaries_match_raw_rows: check,
      partner,
      server: {
        worker_idle_before_ready_ms: workerIdleMs,
        peak_rss_mib: memory.peakRssMiB,
        errors: serverErrors.count,
        first_error: serverErrors.first ?? null,
      },
      api_latency: latency,
      portal: { ...portalSummary, requests_of_median_load: waterfall(portal) },
      console: { ...consoleSummary, requests_of_median_load: waterfall(consolePage) },
      page_loads: { portal, console: consolePage },
      cpu_seconds: { api: apiCpuSeconds, pages: pageCpuSeconds },
      other_cores_busy_before_start: busyBefore,
    };
    process.stdout.write(`${JSON.stringify({ ...result, page_loads: undefined })}\n\n`);
    const lines: (string | number)[][] = [
      ['dashboard', backend],
      [
        'data',
        `${counts.events} events, ${counts.clicks} clicks, ${counts.conversions} conversions, ${counts.accrual_lines} accrual lines, ${counts.ledger_entries} ledger entries`,
      ],
      [
        'summaries',
        `daily_stats ${counts.daily_stats} rows, account_balances ${counts.account_balances} rows`,
      ],
      [
        'summaries = raw rows',
        check.differences === 0
          ? `yes (${check.compared} figures compared)`
          : `NO: ${check.differences} of ${check.compared} differ, e.g. ${check.first[0]}`,
      ],
      ...(load
        ? [
            [
              'load',
              `${load.events_ingested} events ingested + derived in ${r1(load.seconds.ingest_and_derive + load.seconds.drain)} s (${load.events_per_s} events/s)${load.complete ? '' : ' — INCOMPLETE'}; demo seed ${sidecar?.seed_seconds} s, scheduled jobs ${load.seconds.scheduled_jobs} s`,
            ],
          ]
        : []),
      ['partner', `${partner.name} (${partner.signups} signups)`],
      ...latency.map((l) => [
        `GET ${l.name}, ${l.key} key`,
        `p50 ${l.p50_ms} ms, p95 ${l.p95_ms} ms, max ${l.max_ms} ms (first call ${l.first_ms} ms, ${l.bytes} bytes)`,
      ]),
      ...(
        [
          ['/portal', portalSummary],
          ['/console', consoleSummary],
        ] as const
      ).map(([name, s]) => [
        `${name} card painted`,
        `median ${s.painted_ms.median} ms, max ${s.painted_ms.max} ms from navigation (cold ${s.cold_painted_ms} ms); ` +
          `response → painted median ${s.response_to_painted_ms.median} ms, max ${s.response_to_painted_ms.max} ms (cold ${s.cold_response_to_painted_ms} ms); ` +
          `summary request ${s.api_request_ms.median} ms`,
      ]),
      ['server peak RSS', `${memory.peakRssMiB} MiB`],
      [
        'CPU seconds (pages)',
        `server ${pageCpuSeconds.server}, bench ${pageCpuSeconds.load_generator}, other (chromium${backend === 'postgres' ? ', PostgreSQL' : ''}, the rest of the machine) ${pageCpuSeconds.other} of ${pageCpuSeconds.capacity}`,
      ],
    ];
    process.stdout.write(`${table(lines)}\n(${today()})\n`);
    for (const [name, loadsOf] of [
      ['/portal', portal],
      ['/console', consolePage],
    ] as const)
      process.stdout.write(
        `\n${name}, API requests of the median load:\n  ${waterfall(loadsOf).join('\n  ')}\n`,
      );
    // Runs on less data than the million, and runs on a reused file, keep their own file.
    const suffix = `${(counts.events ?? 0) >= 1_000_000 ? '' : `-${counts.events}`}${reuse ? '-reused' : ''}`;
    const path = writeResult(`dashboard-${backend}${suffix}`, result);
    process.stdout.write(`written: ${path}\n`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (child) await child.stop().catch(() => {});
    if (web?.built) rmSync(web.dir, { recursive: true, force: true });
    forgetWeb();
    if (scratch) await scratch.cleanup(keep && backend === 'sqlite');
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
