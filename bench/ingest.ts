/**
 * End-to-end ingestion benchmark: events in over HTTP → stored → derived into the ledger.
 *
 *   npx tsx bench/ingest.ts --backend sqlite|postgres [--events 200000] [--batch 500]
 *     [--concurrency 4] [--partners 50] [--time-limit S] [--stall 30] [--seed 7] [--runs 3]
 *     [--terms demo|no-monthly-cap|growth] [--quiet-wait 30] [--cpu-prof [dir]] [--query-stats]
 *     [--no-ceiling]
 *
 *   --runs N                 N runs, each on a fresh database; every run and the medians are
 *                            reported (the workload is generated once: 1,000,000 events take
 *                            ~10 s and ~600 MiB in this process)
 *   --time-limit S           per run; default max(300, events / 400) s (1,000,000 → 2,500 s:
 *                            SQLite needs ~1,450 s of it on a quiet 2-core machine)
 *   --no-ceiling             skip the storage ceiling (bench/storage-ceiling.ts), which each
 *                            run otherwise measures in its own database after the server stops
 *
 *   --terms no-monthly-cap   demoTerms without caps.per_partner_per_month (isolates the cost
 *                            of partner-month derivation)
 *   --terms growth           the demo's second version: tiers, accelerators, a bonus and a
 *                            budget, so accruals are settled per program-month
 *   --stall S                stop early when everything is acknowledged but the derivation
 *                            queue has not shrunk for S seconds while the server logs errors
 *                            (a failing worker), or for 3×S seconds in any case
 *   --quiet-wait S           wait up to S seconds for other processes to go quiet first
 *   --cpu-prof [dir]         run the server under node --cpu-prof (bench/profile-summary.ts)
 *   --query-stats            time every SQL statement in the server and print the top ones
 *
 * The real server (bench/serve.ts: buildServer + worker) runs in a child process on a fresh
 * database — a SQLite file in a temp dir, or a scratch PostgreSQL database tandem_bench_<ts>
 * that is dropped at the end. During setup the child creates a program on demoTerms, the
 * partners (each with a link, a referral code and a coupon) and records every click the
 * signups will quote. Here, a deterministic generator makes the events — signups (quoting a
 * click, a referral code, a coupon, or nothing), activations, monthly payments and some
 * refunds, about 4.6 per customer — sorted by occurred_at like a live feed, pre-serialized
 * into batches. The clock starts with the first POST /v1/events and stops when every event is
 * acknowledged AND the derivation queue (dirty_units, read through a second, read-only
 * connection) is empty. If --time-limit seconds pass first, sending stops and the rates are
 * reported over what completed, flagged `complete: false`.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { WAITING_SQL } from '../src/engine/dirty-units.js';
import { demoTerms } from '../src/engine/seed-demo.js';
import {
  args,
  type Child,
  CpuMeter,
  machine,
  mediansOf,
  memoryOf,
  onInterrupt,
  pick,
  post,
  queryTable,
  runsOption,
  scratchDatabase,
  sleep,
  startChild,
  table,
  today,
  waitForQuiet,
  writeResult,
} from './lib.js';
import { type CeilingFigures, postgresCeiling, sqliteCeiling } from './storage-ceiling.js';
import { generate } from './workload.js';

/** A cheap read-only view of the server's database for the benchmark's own polling. */
interface Monitor {
  dirty(): Promise<number>;
  counts(): Promise<Record<string, number>>;
  /**
   * Net accrued per partner (by name, so runs and backends compare), its total and a hash: the
   * same events must give the same figures on both backends, whatever the arrival timing.
   */
  balances(): Promise<{ total: string; sha256: string }>;
  /** Accrual lines by kind (accrual, reversal, adjustment). */
  linesByKind(): Promise<Record<string, number>>;
  /** PostgreSQL: the server's backends plus the shared background processes (WAL writer,
   * checkpointer, autovacuum), to count their CPU; SQLite: none. */
  backendPids(): Promise<number[]>;
  /** Events whose customer is no longer waiting for derivation. */
  derivedEvents(): Promise<number>;
  close(): Promise<void>;
}

const COUNTED = [
  'events',
  'clicks',
  'accrual_lines',
  'ledger_entries',
  'ledger_transactions',
  'attributions',
  'conversions',
  'accrual_candidates',
  'hold_queue',
  'releases',
];
const BALANCES = `SELECT p.name AS name, a.currency AS currency, SUM(a.amount) AS amount
  FROM accrual_lines a JOIN partners p ON p.id = a.partner_id
  GROUP BY p.name, a.currency ORDER BY p.name, a.currency`;
type BalanceRow = { name: string; currency: string; amount: number | bigint | string };
function fingerprint(rows: BalanceRow[]): { total: string; sha256: string } {
  let total = 0n;
  const h = createHash('sha256');
  for (const r of rows) {
    const amount = BigInt(r.amount);
    total += amount;
    h.update(`${r.name}|${r.currency}|${amount}\n`);
  }
  return { total: total.toString(), sha256: h.digest('hex').slice(0, 16) };
}
const LINES_BY_KIND = 'SELECT kind, COUNT(*) AS n FROM accrual_lines GROUP BY kind ORDER BY kind';
const DERIVED_EVENTS = `SELECT COUNT(*) AS n FROM events e WHERE NOT EXISTS
  (SELECT 1 FROM dirty_units d WHERE d.unit = 'c:' || e.customer_id)
  AND NOT EXISTS (SELECT 1 FROM dirty_marks m WHERE m.unit = 'c:' || e.customer_id)`;

function sqliteMonitor(file: string): Monitor {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const one = (q: string) => Number((db.prepare(q).get() as { n: number | bigint }).n);
  const dirty = db.prepare(`SELECT ${WAITING_SQL} AS n`);
  return {
    dirty: async () => Number((dirty.get() as { n: number | bigint }).n),
    counts: async () =>
      Object.fromEntries(COUNTED.map((t) => [t, one(`SELECT COUNT(*) AS n FROM ${t}`)])),
    derivedEvents: async () => one(DERIVED_EVENTS),
    linesByKind: async () =>
      Object.fromEntries(
        (db.prepare(LINES_BY_KIND).all() as { kind: string; n: number | bigint }[]).map((r) => [
          r.kind,
          Number(r.n),
        ]),
      ),
    balances: async () => fingerprint(db.prepare(BALANCES).all() as BalanceRow[]),
    backendPids: async () => [],
    close: async () => {
      db.close();
    },
  };
}

async function pgMonitor(url: string): Promise<Monitor> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const one = async (q: string) => Number((await c.query(q)).rows[0].n);
  return {
    dirty: () => one(`SELECT ${WAITING_SQL} AS n`),
    counts: async () => {
      const out: Record<string, number> = {};
      for (const t of COUNTED) out[t] = await one(`SELECT COUNT(*) AS n FROM ${t}`);
      return out;
    },
    derivedEvents: () => one(DERIVED_EVENTS),
    balances: async () => fingerprint((await c.query(BALANCES)).rows),
    linesByKind: async () =>
      Object.fromEntries((await c.query(LINES_BY_KIND)).rows.map((r) => [r.kind, Number(r.n)])),
    backendPids: async () =>
      (
        await c.query(
          `SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()
           AND (datname = current_database() OR backend_type <> 'client backend')`,
        )
      ).rows.map((r) => Number(r.pid)),
    close: () => c.end(),
  };
}

/** Events acknowledged per second between two times, from the [t, acked, dirty] timeline. */
function rateBetween(timeline: [number, number, number][], from: number, to: number): number {
  const inside = timeline.filter(([t]) => t >= Math.max(0, from) && t <= to);
  const a = inside[0];
  const b = inside[inside.length - 1];
  return a && b && b[0] > a[0] ? Math.round((b[1] - a[1]) / (b[0] - a[0])) : 0;
}

async function main() {
  const opts = args();
  const backend = opts.get('backend') ?? 'sqlite';
  if (backend !== 'sqlite' && backend !== 'postgres')
    throw new Error('--backend must be sqlite or postgres');
  const nEvents = Number(opts.get('events') ?? 200_000);
  const batch = Number(opts.get('batch') ?? 500);
  const concurrency = Number(opts.get('concurrency') ?? 4);
  const partners = Number(opts.get('partners') ?? 50);
  // 1,000,000 events take ~12 min on PostgreSQL and ~24 on SQLite (~700 events/s, falling as
  // histories grow) on a quiet 2-core machine; leave room for a busy one.
  const limitS = Number(opts.get('time-limit') ?? Math.max(300, Math.ceil(nEvents / 400)));
  const runs = runsOption(opts);
  const ceiling = !opts.has('no-ceiling');
  const seed = Number(opts.get('seed') ?? 7);
  const cpuProf = opts.get('cpu-prof');
  const queryStats = opts.get('query-stats') !== undefined;
  const log = (s: string) => process.stderr.write(`${s}\n`);
  if (batch > 1000) throw new Error('--batch is at most 1000 (the API limit)');

  const terms = (opts.get('terms') ?? 'demo') as 'demo' | 'no-monthly-cap' | 'growth';
  if (terms !== 'demo' && terms !== 'no-monthly-cap' && terms !== 'growth')
    throw new Error('--terms must be demo, no-monthly-cap or growth');
  const stallS = Number(opts.get('stall') ?? 30);
  // The history ends at the start of today (UTC), so every run on one day sends the same events.
  const now = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const tGen = performance.now();
  const gen = generate({ events: nEvents, batch, partners, seed, now, terms });
  log(
    `generated ${gen.events} events for ${gen.customers} customers (${JSON.stringify(gen.byType)}), ` +
      `${gen.plan.clicks.length} clicks, ${gen.batches.length} batches of ${batch} ` +
      `in ${((performance.now() - tGen) / 1000).toFixed(1)}s`,
  );

  const ctx: RunContext = {
    opts,
    backend,
    nEvents,
    batch,
    concurrency,
    partners,
    limitS,
    seed,
    cpuProf,
    queryStats,
    log,
    terms,
    stallS,
    now,
    gen,
    ceiling,
  };
  const all: Record<string, unknown>[] = [];
  for (let run = 1; run <= runs; run++) {
    if (runs > 1) log(`--- run ${run} of ${runs} (${backend}, a fresh database)`);
    all.push(await runOnce(ctx));
  }
  report(ctx, all);
}

interface RunContext {
  opts: Map<string, string>;
  backend: 'sqlite' | 'postgres';
  nEvents: number;
  batch: number;
  concurrency: number;
  partners: number;
  limitS: number;
  seed: number;
  cpuProf: string | undefined;
  queryStats: boolean;
  log: (s: string) => void;
  terms: 'demo' | 'no-monthly-cap' | 'growth';
  stallS: number;
  now: number;
  gen: ReturnType<typeof generate>;
  /** Measure the storage ceiling (bench/storage-ceiling.ts) in the same database after the run. */
  ceiling: boolean;
}

/** One run on a fresh database: Tandem end to end, then the storage ceiling in that database. */
async function runOnce(ctx: RunContext): Promise<Record<string, unknown>> {
  const {
    opts,
    backend,
    nEvents,
    batch,
    concurrency,
    partners,
    limitS,
    seed,
    cpuProf,
    queryStats,
    log,
    terms,
    stallS,
    now,
    gen,
    ceiling,
  } = ctx;
  const dir = mkdtempSync(join(os.tmpdir(), `tandem-bench-ingest-${backend}-`));
  const forgetDir = onInterrupt(() => rmSync(dir, { recursive: true, force: true }));
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(gen.plan));
  let scratch: Awaited<ReturnType<typeof scratchDatabase>> | undefined;
  let child: Child | undefined;
  let monitor: Monitor | undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const dbArgs: string[] = [];
    let monitorTarget: string;
    if (backend === 'postgres') {
      scratch = await scratchDatabase(`tandem_bench_${Date.now()}`);
      const db = scratch;
      onInterrupt(() => db.drop());
      dbArgs.push('--url', scratch.url);
      monitorTarget = scratch.url;
      log(`database: ${scratch.url}`);
    } else {
      monitorTarget = join(dir, 'tandem.db');
      dbArgs.push('--file', monitorTarget);
      log(`database: ${monitorTarget}`);
    }
    const profDir = cpuProf
      ? cpuProf === 'true'
        ? join(os.tmpdir(), 'tandem-bench-profiles')
        : cpuProf
      : undefined;
    const tSetup = performance.now();
    const queryFile = join(dir, 'queries.json');
    if (queryStats) dbArgs.push('--query-stats', queryFile);
    child = await startChild(
      'bench/serve.ts',
      ['--mode', 'ingest', '--plan', planFile, ...dbArgs],
      {
        nodeFlags: profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [],
        readyTimeoutMs: 300_000,
      },
    );
    const port = child.ready.port as number;
    const key = child.ready.adminKey as string;
    log(
      `server pid ${child.pid} on port ${port}; setup took ${((performance.now() - tSetup) / 1000).toFixed(1)}s`,
    );
    monitor =
      backend === 'postgres' ? await pgMonitor(monitorTarget) : sqliteMonitor(monitorTarget);
    // Setup marks nothing normally; let the worker drain it before the clock starts if it did.
    for (let waited = 0; (await monitor.dirty()) !== 0; waited += 100) {
      if (waited > 60_000) throw new Error('the derivation queue did not drain after setup');
      await sleep(100);
    }

    // ---- the measured phase
    const busyBefore = await waitForQuiet(Number(opts.get('quiet-wait') ?? 30));
    const loadAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
    const deadline = performance.now() + limitS * 1000;
    const meter = new CpuMeter(child.pid);
    meter.track(await monitor.backendPids());
    const t0 = performance.now();
    let next = 0;
    let acked = 0;
    let accepted = 0;
    let rejected = 0;
    let duplicates = 0;
    let tAck = 0;
    const firstErrors: string[] = [];
    const batchMs: number[] = [];
    const sender = async () => {
      while (next < gen.batches.length && performance.now() < deadline) {
        const i = next++;
        const body = gen.batches[i] as string;
        const ts = performance.now();
        const res = await post(agent, port, key, body);
        batchMs.push(performance.now() - ts);
        if (res.status !== 200)
          throw new Error(`batch ${i}: HTTP ${res.status} ${res.body.slice(0, 500)}`);
        const r = JSON.parse(res.body) as {
          accepted: number;
          duplicates: number;
          rejected: number;
          results: { status: string; error?: unknown }[];
        };
        accepted += r.accepted;
        duplicates += r.duplicates;
        rejected += r.rejected;
        acked += r.accepted + r.duplicates + r.rejected;
        if (r.rejected && firstErrors.length < 5)
          firstErrors.push(JSON.stringify(r.results.find((x) => x.status === 'rejected')));
      }
    };
    const timeline: [number, number, number][] = [];
    let lastLog = 0;
    let sending = true;
    const sent = Promise.all(Array.from({ length: concurrency }, sender)).then(() => {
      tAck = performance.now();
      sending = false;
    });
    sent.catch(() => {
      sending = false;
    });
    let dirty = -1;
    let tDone = 0;
    let stalled = false;
    let lowest = Number.POSITIVE_INFINITY;
    let tLowest = performance.now();
    let errorsAtLowest = child.errors.count;
    for (;;) {
      await sleep(100);
      dirty = await monitor.dirty();
      if (sending || dirty < lowest) {
        lowest = dirty;
        tLowest = performance.now();
        errorsAtLowest = child.errors.count;
      }
      const t = (performance.now() - t0) / 1000;
      if (t - lastLog >= 1) {
        lastLog = t;
        timeline.push([Math.round(t * 10) / 10, acked, dirty]);
        meter.track(await monitor.backendPids());
        if (timeline.length % 10 === 0)
          log(`  t=${t.toFixed(0)}s acknowledged ${acked} events, ${dirty} units waiting`);
      }
      if (!sending) {
        await sent; // rethrows a failed batch
        if (dirty === 0) {
          // The worker deletes a unit in the transaction that derives it, so 0 means done.
          tDone = performance.now();
          break;
        }
      }
      if (performance.now() >= deadline && !sending) break;
      const still = (performance.now() - tLowest) / 1000;
      if (
        !sending &&
        still > stallS &&
        (child.errors.count > errorsAtLowest || still > 3 * stallS)
      ) {
        // Everything is acknowledged but the queue has not shrunk for a while and the server
        // logs errors (or nothing moved for 3× as long): the worker is failing or stuck.
        // Report that instead of waiting it out.
        stalled = true;
        log(`  derivation stalled: ${dirty} units waiting, no progress for ${Math.round(still)}s`);
        break;
      }
    }
    meter.track(await monitor.backendPids());
    const cpu = meter.read();
    const tEnd = tDone || performance.now();
    const complete = tDone > 0 && acked === gen.events;
    const memory = memoryOf(child.pid);
    const derived = complete ? acked : await monitor.derivedEvents();
    const counts = await monitor.counts();
    const linesByKind = await monitor.linesByKind();
    const balances = await monitor.balances();
    const elapsed = (tEnd - t0) / 1000;
    const ackSeconds = ((tAck || tEnd) - t0) / 1000;
    batchMs.sort((a, b) => a - b);
    const pct = (p: number) =>
      Math.round(
        batchMs[Math.min(batchMs.length - 1, Math.ceil((p / 100) * batchMs.length) - 1)] ?? 0,
      );

    const serverErrors = child.errors;
    const stopped = await child.stop(60_000);
    child = undefined;
    const queries = queryStats
      ? (JSON.parse(readFileSync(queryFile, 'utf8')) as {
          sql: string;
          calls: number;
          ms: number;
          rows: number;
        }[])
      : undefined;
    await monitor.close();
    monitor = undefined;

    // The storage ceiling, in the same database now that the server has stopped (not timed
    // with the run; bench/storage-ceiling.ts says what it measures).
    let ceilingFigures: CeilingFigures | undefined;
    if (ceiling) {
      log('storage ceiling: the same rows, multi-row INSERTs into a bare table');
      ceilingFigures = scratch
        ? await postgresCeiling(scratch.url, gen.batches, now)
        : sqliteCeiling(monitorTarget, gen.batches, now);
      log(
        `storage ceiling: ${ceilingFigures.rows} rows in ${ceilingFigures.seconds}s = ${ceilingFigures.events_per_s} events/s`,
      );
    }

    const result = {
      bench: 'ingest',
      backend,
      date: new Date().toISOString(),
      machine: await machine(),
      settings: {
        terms,
        events: nEvents,
        batch,
        concurrency,
        partners,
        seed,
        time_limit_s: limitS,
        hold_days: demoTerms.hold_days,
      },
      workload: {
        customers: gen.customers,
        clicks_recorded_in_setup: gen.plan.clicks.length,
        events_by_type: gen.byType,
        signup_evidence: gen.evidence,
      },
      complete,
      stalled,
      server_errors: { count: serverErrors.count, first: serverErrors.first ?? null },
      events_acknowledged: acked,
      accepted,
      duplicates,
      rejected,
      events_derived: derived,
      dirty_units_left: complete ? 0 : dirty,
      seconds_end_to_end: Math.round(elapsed * 100) / 100,
      seconds_ack_phase: Math.round(ackSeconds * 100) / 100,
      seconds_drain_after_last_ack: Math.round((elapsed - ackSeconds) * 100) / 100,
      events_per_s_end_to_end: Math.round(derived / elapsed),
      events_per_s_ack: Math.round(acked / ackSeconds),
      // Acknowledgement rate over the first and the last 30 s of sending: a falling rate means
      // the cost per event grows with the data already stored.
      ack_rate_first_30s: rateBetween(timeline, 0, 30),
      ack_rate_last_30s: rateBetween(timeline, ackSeconds - 30, ackSeconds),
      batch_latency_ms: {
        p50: pct(50),
        p99: pct(99),
        max: Math.round(batchMs[batchMs.length - 1] ?? 0),
      },
      accrual_lines: counts.accrual_lines,
      accrual_lines_by_kind: linesByKind,
      net_accrued_minor_units: balances,
      table_rows: counts,
      storage_ceiling: ceilingFigures ?? null,
      // Tandem end to end as a share of the bare storage's speed.
      ratio_to_ceiling: ceilingFigures
        ? Math.round((derived / elapsed / ceilingFigures.events_per_s) * 1000) / 1000
        : null,
      server_peak_rss_mib: memory.peakRssMiB,
      server_rss_at_end_mib: memory.rssMiB,
      cpu_seconds: cpu,
      loadavg_at_start: loadAtStart,
      other_cores_busy_before_start: busyBefore,
      server_exit_code: stopped.code,
      first_rejections: firstErrors,
      timeline_t_acked_dirty: timeline,
      ...(queries ? { top_queries: queries.slice(0, 15) } : {}),
      ...(cpuProf
        ? {
            cpu_profile_dir:
              cpuProf === 'true' ? join(os.tmpdir(), 'tandem-bench-profiles') : cpuProf,
          }
        : {}),
    };
    process.stdout.write(
      `${table([
        ['ingest', backend],
        [
          'events',
          `${acked} acknowledged (${accepted} accepted, ${rejected} rejected), ${derived} derived`,
        ],
        [
          'complete',
          complete
            ? 'yes'
            : stalled
              ? `NO — derivation STALLED (queue not shrinking, ${serverErrors.count} server errors), ${result.dirty_units_left} units still dirty`
              : `NO — time limit ${limitS}s reached, ${result.dirty_units_left} units still dirty`,
        ],
        ...(serverErrors.count
          ? [['server errors', `${serverErrors.count}, first: ${serverErrors.first}`]]
          : []),
        [
          'end to end',
          `${result.events_per_s_end_to_end} events/s (${result.seconds_end_to_end}s)`,
        ],
        [
          'acknowledgement phase',
          `${result.events_per_s_ack} events/s (${result.seconds_ack_phase}s)`,
        ],
        [
          'acknowledgement rate',
          `${result.ack_rate_first_30s} events/s in the first 30 s, ${result.ack_rate_last_30s} in the last 30 s of sending`,
        ],
        ['drain after last ack', `${result.seconds_drain_after_last_ack}s`],
        [
          'batch latency',
          `p50 ${result.batch_latency_ms.p50} ms, p99 ${result.batch_latency_ms.p99} ms (${batch} events, ${concurrency} in flight)`,
        ],
        ['accrual lines', `${counts.accrual_lines ?? 0} ${JSON.stringify(linesByKind)}`],
        [
          'net accrued',
          `${balances.total} minor units, per-partner hash ${balances.sha256}${complete ? '' : ' (incomplete run)'}`,
        ],
        ...(ceilingFigures
          ? [
              [
                'storage ceiling',
                `${ceilingFigures.events_per_s} events/s (${ceilingFigures.rows} rows, ${ceilingFigures.seconds}s in INSERTs; ${ceilingFigures.indexes}); Tandem / ceiling ${result.ratio_to_ceiling}`,
              ],
            ]
          : []),
        ['server peak RSS', `${memory.peakRssMiB} MiB`],
        [
          'CPU seconds',
          `server ${cpu.server}` +
            (cpu.postgres_backends !== undefined
              ? `, PostgreSQL backends ${cpu.postgres_backends}`
              : '') +
            `, load generator ${cpu.load_generator}, other processes ${cpu.other}; ` +
            `machine ${cpu.machine} of ${cpu.capacity} available`,
        ],
      ])}\n(${today()})\n`,
    );
    if (queries) process.stdout.write(`\n${queryTable('SQL time by statement', queries)}\n`);
    return result;
  } finally {
    agent.destroy();
    if (monitor) await monitor.close().catch(() => {});
    if (child) await child.stop().catch(() => {});
    if (scratch)
      await scratch.drop().catch((e) => log(`could not drop the scratch database: ${e}`));
    rmSync(dir, { recursive: true, force: true });
    forgetDir();
  }
}

/** Figures whose medians over runs are reported. */
const MEDIAN_PATHS = [
  'events_per_s_end_to_end',
  'events_per_s_ack',
  'seconds_end_to_end',
  'seconds_drain_after_last_ack',
  'batch_latency_ms.p50',
  'batch_latency_ms.p99',
  'accrual_lines',
  'server_peak_rss_mib',
  'storage_ceiling.events_per_s',
  'ratio_to_ceiling',
];

/** Every run and the medians: one JSON line (read by bench/all.ts), a table and the result file. */
function report(ctx: RunContext, runs: Record<string, unknown>[]): void {
  const { backend, cpuProf, queryStats } = ctx;
  const medians = mediansOf(runs, MEDIAN_PATHS);
  const ceilingMedian = medians['storage_ceiling.events_per_s'] as number;
  const first = runs[0] as Record<string, unknown>;
  const result = {
    bench: 'ingest',
    backend,
    date: new Date().toISOString(),
    machine: first.machine,
    settings: { ...(first.settings as object), runs: runs.length },
    workload: first.workload,
    complete: runs.every((r) => r.complete === true),
    stalled: runs.some((r) => r.stalled === true),
    medians: {
      ...medians,
      // The ratio of the medians (the per-run ratios' median is `ratio_to_ceiling`).
      ratio_of_medians: Number.isFinite(ceilingMedian)
        ? Math.round(((medians.events_per_s_end_to_end as number) / ceilingMedian) * 1000) / 1000
        : null,
    },
    // What earlier single-run result files had at the top level, now the medians.
    events_per_s_end_to_end: medians.events_per_s_end_to_end,
    events_per_s_ack: medians.events_per_s_ack,
    server_peak_rss_mib: medians.server_peak_rss_mib,
    net_accrued_minor_units: first.net_accrued_minor_units,
    same_balances_every_run: runs.every(
      (r) =>
        (r.net_accrued_minor_units as { sha256: string }).sha256 ===
        (first.net_accrued_minor_units as { sha256: string }).sha256,
    ),
    runs,
  };
  process.stdout.write(
    `${JSON.stringify({ ...result, runs: runs.map((r) => ({ ...r, timeline_t_acked_dirty: undefined })) })}\n\n`,
  );
  const cell = (r: Record<string, unknown>, p: string) => {
    const v = pick(r, p);
    return v === null || v === undefined ? '–' : (v as number);
  };
  const label = (r: Record<string, unknown>) =>
    r.complete ? 'yes' : r.stalled ? 'STALLED' : 'time limit';
  process.stdout.write(
    `${table([
      [
        'ingest ' + backend,
        'end to end ev/s',
        'ack ev/s',
        'seconds',
        'ceiling ev/s',
        'ratio',
        'peak RSS MiB',
        'complete',
      ],
      ...runs.map((r, i) => [
        `run ${i + 1}`,
        cell(r, 'events_per_s_end_to_end'),
        cell(r, 'events_per_s_ack'),
        cell(r, 'seconds_end_to_end'),
        cell(r, 'storage_ceiling.events_per_s'),
        cell(r, 'ratio_to_ceiling'),
        cell(r, 'server_peak_rss_mib'),
        label(r),
      ]),
      [
        'median',
        medians.events_per_s_end_to_end as number,
        medians.events_per_s_ack as number,
        medians.seconds_end_to_end as number,
        Number.isFinite(ceilingMedian) ? ceilingMedian : '–',
        result.medians.ratio_of_medians ?? '–',
        medians.server_peak_rss_mib as number,
        result.complete ? 'all' : 'NOT ALL',
      ],
    ])}\n` +
      `ingest ${backend}: median ${medians.events_per_s_end_to_end} events/s end to end over ${runs.length} run(s)` +
      (result.medians.ratio_of_medians !== null
        ? `, ${result.medians.ratio_of_medians} of the storage ceiling (${ceilingMedian} events/s)`
        : '') +
      `, peak RSS ${medians.server_peak_rss_mib} MiB; same balances every run: ${result.same_balances_every_run}\n`,
  );
  // Instrumented runs are slower; keep them apart from the plain figures.
  const instrumented = cpuProf || queryStats ? '-instrumented' : '';
  const events = ctx.nEvents === 200_000 ? '' : `-${ctx.nEvents}`;
  const path = writeResult(`ingest-${backend}${events}${instrumented}`, result);
  process.stdout.write(`written: ${path}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
