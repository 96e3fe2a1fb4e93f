/**
 * Read-path benchmark (PostgreSQL): latency of the partner dashboard and the operator overview
 * API calls with millions of events stored.
 *
 *   npx tsx bench/read-paths.ts [--events 10000000] [--partners 1000] [--calls 200]
 *     [--block 500000] [--quiet-wait 20] [--keep] [--reuse <postgres url>]
 *
 *   --keep          keep the scratch database (its URL is printed) to measure it again
 *   --reuse <url>   measure a kept database (no loading)
 *
 * Load (timed, not part of the figures): a scratch database tandem_bench_rp_<pid>_<ts> on
 * BENCH_PG_URL's server, migrated by openTandem, a program on demoTerms through the engine,
 * then bench/read-paths-load.ts writes the dataset with INSERT … SELECT (partners, links,
 * clicks, events, conversions, attributions, accrual lines, ledger transactions and entries,
 * releases, holds, and the summaries `daily_stats` and `account_balances`), ANALYZE, and
 * bench/dashboard-check.ts compares every summary with the rows it sums. Disk: about 1 GB per
 * million events with their conversions and indexes (check `df -h` before 10,000,000).
 *
 * Measured: the real server (buildServer + worker, bench/dashboard-serve.ts) in a child process
 * on 127.0.0.1, after its worker went idle; `--calls` sequential GETs (after 5 unmeasured
 * ones) of each of: the dashboard of the partner with most customers, last 30 days (default)
 * and 90 days, with an admin key and with the partner's own key; the overview, 30 and 90
 * days. p50 / p95 / max per series. Writes bench/results/read-paths-postgres-<events>-<date>.json.
 */
import http from 'node:http';
import os from 'node:os';
import { sql } from 'kysely';
import { DAY_MS } from '../src/core/time.js';
import { createApiKey } from '../src/engine/api-keys.js';
import { fixedClock } from '../src/engine/deps.js';
import { openTandem } from '../src/engine/open-tandem.js';
import { createProgram, publishVersion } from '../src/engine/programs.js';
import { demoTerms } from '../src/engine/seed-demo.js';
import { checkSummaries } from './dashboard-check.js';
import {
  args,
  type Child,
  machine,
  memoryOf,
  onInterrupt,
  scratchDatabase,
  startChild,
  table,
  waitForQuiet,
  writeResult,
} from './lib.js';
import { bulkLoad, type LoadReport } from './read-paths-load.js';

function get(port: number, path: string, key: string): Promise<{ status: number; ms: number }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${key}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const r1 = (x: number) => Math.round(x * 10) / 10;

async function main() {
  const opts = args();
  const events = Number(opts.get('events') ?? 10_000_000);
  const partners = Number(opts.get('partners') ?? 1000);
  const calls = Number(opts.get('calls') ?? 200);
  const block = Number(opts.get('block') ?? 500_000);
  const reuse = opts.get('reuse');
  const keep = opts.has('keep') || reuse !== undefined;
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const end = Math.floor(Date.now() / DAY_MS) * DAY_MS;

  let drop: (() => Promise<void>) | undefined;
  let url: string;
  if (reuse) url = reuse;
  else {
    const db = await scratchDatabase(`tandem_bench_rp_${process.pid}_${Date.now()}`);
    drop = db.drop;
    url = db.url;
    log(`database: ${url}`);
  }
  const forget = drop && !keep ? onInterrupt(drop) : () => {};
  let child: Child | undefined;
  try {
    const deps = await openTandem({ url });
    let loaded: LoadReport | undefined;
    let storedEvents: number;
    let check: Awaited<ReturnType<typeof checkSummaries>>;
    let partner: { id: string; customers: number };
    let adminKey: string;
    let partnerKey: string;
    try {
      if (!reuse) {
        const past = { ...deps, clock: fixedClock(end - 200 * DAY_MS) };
        const program = await createProgram(past, { key: 'rp', name: 'Read paths' });
        const version = await publishVersion(past, {
          program: 'rp',
          effectiveFrom: end - 199 * DAY_MS,
          terms: demoTerms,
        });
        log(`loading ${events} events for ${partners} partners (blocks of ${block})`);
        loaded = await bulkLoad(
          deps,
          { events, partners, programId: program.id, versionId: version.id, end },
          { block, log },
        );
        log(`loaded in ${loaded.seconds} s: ${JSON.stringify(loaded.rows)}`);
      }
      storedEvents = Number(
        (await sql<{ n: string }>`SELECT COUNT(*) AS n FROM events`.execute(deps.store.db)).rows[0]
          ?.n,
      );
      const tc = performance.now();
      check = await checkSummaries(deps);
      log(
        `summaries against raw rows: ${check.compared} figures compared, ${check.differences} differ ` +
          `(${((performance.now() - tc) / 1000).toFixed(1)} s)${check.first.length ? `: ${check.first.join('; ')}` : ''}`,
      );
      const top = (
        await sql<{ partner_id: string; n: unknown }>`
          SELECT partner_id, SUM(value) AS n FROM daily_stats WHERE metric = 'signups'
          GROUP BY partner_id ORDER BY 2 DESC LIMIT 1`.execute(deps.store.db)
      ).rows[0];
      if (!top) throw new Error('no partner has signups');
      partner = { id: top.partner_id, customers: Number(top.n) };
      adminKey = (await createApiKey(deps, { name: 'bench read paths (admin)', scopes: ['admin'] }))
        .key;
      partnerKey = (
        await createApiKey(deps, {
          name: 'bench read paths (partner)',
          scopes: [],
          partnerId: partner.id,
        })
      ).key;
    } finally {
      await deps.close();
    }

    const busy = await waitForQuiet(Number(opts.get('quiet-wait') ?? 20));
    child = await startChild('bench/dashboard-serve.ts', ['--url', url], {
      readyTimeoutMs: 700_000,
    });
    const port = child.ready.port as number;
    const d90 = `from=${new Date(end + DAY_MS - 90 * DAY_MS).toISOString()}&to=${new Date(end + DAY_MS).toISOString()}`;
    const dash = `/v1/partners/${partner.id}/dashboard`;
    const series = [
      { name: 'dashboard, 30 days (default), admin key', path: dash, key: adminKey },
      { name: 'dashboard, 90 days, admin key', path: `${dash}?${d90}`, key: adminKey },
      { name: 'dashboard, 30 days (default), partner key', path: dash, key: partnerKey },
      { name: 'dashboard, 90 days, partner key', path: `${dash}?${d90}`, key: partnerKey },
      { name: 'overview, 30 days (default)', path: '/v1/overview', key: adminKey },
      { name: 'overview, 90 days', path: `/v1/overview?${d90}`, key: adminKey },
    ];
    const measured: {
      name: string;
      path: string;
      calls: number;
      first_ms: number;
      p50_ms: number;
      p95_ms: number;
      max_ms: number;
    }[] = [];
    for (const s of series) {
      const first = await get(port, s.path, s.key);
      if (first.status !== 200) throw new Error(`${s.name}: HTTP ${first.status}`);
      for (let i = 0; i < 4; i++) await get(port, s.path, s.key);
      const times: number[] = [];
      for (let i = 0; i < calls; i++) {
        const r = await get(port, s.path, s.key);
        if (r.status !== 200) throw new Error(`${s.name}: HTTP ${r.status}`);
        times.push(r.ms);
      }
      times.sort((a, b) => a - b);
      measured.push({
        name: s.name,
        path: s.path.replace(/\?.*/, s.path.includes('?') ? '?from=…&to=…' : ''),
        calls,
        first_ms: r1(first.ms),
        p50_ms: r1(pct(times, 50)),
        p95_ms: r1(pct(times, 95)),
        max_ms: r1(times[times.length - 1] ?? 0),
      });
    }
    const memory = memoryOf(child.pid);
    await child.stop();
    child = undefined;

    const worstP95 = Math.max(...measured.map((m) => m.p95_ms));
    const result = {
      bench: 'read-paths',
      backend: 'postgres',
      date: new Date().toISOString(),
      machine: await machine(),
      other_cores_busy_before_start: busy,
      loadavg_at_start: os.loadavg().map((x) => Math.round(x * 100) / 100),
      settings: { events, partners, calls, block, reused: reuse !== undefined },
      load: loaded ?? null,
      summary_check: check,
      partner,
      series: measured,
      worst_p95_ms: worstP95,
      server_peak_rss_mib: memory.peakRssMiB,
    };
    process.stdout.write(`${JSON.stringify(result)}\n\n`);
    process.stdout.write(
      `${table([
        ['read path', 'first ms', 'p50 ms', 'p95 ms', 'max ms'],
        ...measured.map((m) => [m.name, m.first_ms, m.p50_ms, m.p95_ms, m.max_ms]),
      ])}\n\n` +
        `read paths: worst p95 ${worstP95} ms over ${calls} calls per series with ${storedEvents} events stored ` +
        `(PostgreSQL; partner with ${partner.customers} signups); summaries: ${check.differences} of ${check.compared} differ\n`,
    );
    const path = writeResult(`read-paths-postgres-${storedEvents}`, result);
    process.stdout.write(`written: ${path}\n`);
    if (check.differences) process.exitCode = 1;
  } finally {
    if (child) await child.stop().catch(() => {});
    if (drop) {
      if (keep) log(`kept ${url} (measure again with --reuse ${url})`);
      else await drop().catch((e) => log(`could not drop the scratch database: ${e}`));
    }
    forget();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 1;
});
