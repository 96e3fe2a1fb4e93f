/**
 * Redirect benchmark: `GET /r/<code>` → 302, in one run, against
 *   (a) bare   — a bare node:http server with a Map lookup (bench/bare-server.ts), the ceiling;
 *   (b) tandem — the full Tandem server (bench/serve.ts: Fastify, worker, clicks group-committed
 *                to a fresh SQLite file in WAL mode with synchronous=FULL).
 * Each server runs in its own child process; autocannon runs here, against 127.0.0.1.
 *
 *   npx tsx bench/redirect.ts [--duration 10] [--connections 10] [--warmup 2] [--codes 10]
 *     [--runs 3]           (rounds; each measures both servers, alternating which goes first)
 *     [--quiet-wait 30]    (wait up to 30 s for other processes on the machine to go quiet)
 *     [--cpu-prof [dir]]   (profile the Tandem child; summarize with bench/profile-summary.ts)
 *
 * Each measured run lasts --duration seconds; at the deadline every connection finishes the
 * request it has in flight and sends no more, so every 302 the server sent is a 302 autocannon
 * counted. After SIGTERM (graceful stop, which flushes buffered clicks) the clicks in the
 * database must equal the 302s counted over warm-up + run. req/s is responses ÷ elapsed time;
 * p50/p99 are exact percentiles of every response time (autocannon's own histogram, with 1 ms
 * resolution, is kept in the JSON as `autocannon`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import autocannon, { type Client, type Result } from 'autocannon';
import Database from 'better-sqlite3';
import {
  args,
  CpuMeter,
  machine,
  mediansOf,
  memoryOf,
  onInterrupt,
  runsOption,
  startChild,
  table,
  today,
  waitForQuiet,
  writeResult,
} from './lib.js';

const UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

export interface RunFigures {
  seconds: number;
  responses: number;
  responses_302: number;
  other_status: Record<string, number>;
  errors: number;
  timeouts: number;
  rps: number;
  latency_ms: { mean: number; p50: number; p90: number; p99: number; max: number };
  autocannon: { rps_mean: number; p50: number; p99: number };
  cpu_seconds: Record<string, number>;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** One bounded autocannon run that drains in-flight requests at the deadline. */
async function load(
  pid: number,
  port: number,
  codes: string[],
  seconds: number,
  connections: number,
): Promise<RunFigures> {
  const clients: Client[] = [];
  const times: number[] = [];
  let t0 = 0;
  let tEnd = 0;
  const meter = new CpuMeter(pid);
  let done = 0;
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections,
        pipelining: 1,
        // A safety net only: the deadline below ends the run.
        duration: seconds + 30,
        headers: { 'user-agent': UA, accept: 'text/html' },
        requests: codes.map((c) => ({ method: 'GET', path: `/r/${c}` })),
        setupClient: (client) => {
          clients.push(client);
          client.on('done', () => {
            if (++done === connections) {
              tEnd = performance.now();
            }
          });
        },
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client: Client, _status: number, _bytes: number, ms: number) => {
      times.push(ms);
    });
    instance.on('start', () => {
      t0 = performance.now();
      setTimeout(() => {
        // Each connection finishes its in-flight request, then stops (autocannon's own
        // per-connection request limit); the run ends when all have stopped.
        for (const c of clients) c.responseMax = Math.max(1, c.reqsMade);
      }, seconds * 1000);
    });
  });
  const cpu = meter.read();
  const sorted = Float64Array.from(times).sort();
  const elapsed = ((tEnd || performance.now()) - t0) / 1000;
  const other: Record<string, number> = {};
  let responses = 0;
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) {
    responses += count;
    if (code !== '302') other[code] = count;
  }
  const mean = times.reduce((s, x) => s + x, 0) / Math.max(1, times.length);
  return {
    seconds: round(elapsed, 3),
    responses,
    responses_302: result.statusCodeStats['302']?.count ?? 0,
    other_status: other,
    errors: result.errors,
    timeouts: result.timeouts,
    rps: Math.round(responses / elapsed),
    latency_ms: {
      mean: round(mean, 3),
      p50: round(percentile(sorted, 50), 3),
      p90: round(percentile(sorted, 90), 3),
      p99: round(percentile(sorted, 99), 3),
      max: round(sorted[sorted.length - 1] ?? 0, 3),
    },
    autocannon: {
      rps_mean: round(result.requests.mean, 1),
      p50: result.latency.p50,
      p99: result.latency.p99,
    },
    cpu_seconds: cpu,
  };
}

interface ServerRun extends RunFigures {
  peak_rss_mib: number;
}

interface TandemRun extends ServerRun {
  clicks: {
    responses_302_counted: number;
    of_which_warmup: number;
    clicks_stored: number;
    equal: boolean;
    server_exit_code: number | null;
    pending_after_close: unknown;
  };
}

/** (a) the ceiling: warm-up, then the measured load, in a fresh bare-server child. */
async function measureBare(
  nCodes: number,
  warmup: number,
  seconds: number,
  connections: number,
): Promise<ServerRun> {
  const child = await startChild('bench/bare-server.ts', ['--codes', String(nCodes)]);
  try {
    const codes = child.ready.codes as string[];
    const port = child.ready.port as number;
    if (warmup > 0) await load(child.pid, port, codes, warmup, connections);
    const bare = await load(child.pid, port, codes, seconds, connections);
    return { ...bare, peak_rss_mib: memoryOf(child.pid).peakRssMiB };
  } finally {
    await child.stop();
  }
}

/**
 * (b) the full server on a fresh SQLite file, clicks durable; after SIGTERM the clicks stored
 * must equal the 302s counted over warm-up + run.
 */
async function measureTandem(
  nCodes: number,
  warmup: number,
  seconds: number,
  connections: number,
  profDir: string | undefined,
): Promise<TandemRun> {
  const dir = mkdtempSync(join(os.tmpdir(), 'tandem-bench-redirect-'));
  const file = join(dir, 'tandem.db');
  const forgetDir = onInterrupt(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const child = await startChild(
      'bench/serve.ts',
      ['--mode', 'redirect', '--file', file, '--codes', String(nCodes)],
      profDir ? { nodeFlags: ['--cpu-prof', '--cpu-prof-dir', profDir] } : {},
    );
    let warm302 = 0;
    let tandem: RunFigures;
    let peak: number;
    try {
      const codes = child.ready.codes as string[];
      const port = child.ready.port as number;
      if (warmup > 0)
        warm302 = (await load(child.pid, port, codes, warmup, connections)).responses_302;
      tandem = await load(child.pid, port, codes, seconds, connections);
      peak = memoryOf(child.pid).peakRssMiB;
    } catch (e) {
      await child.stop();
      throw e;
    }
    const stopped = await child.stop();
    const db = new Database(file, { readonly: true });
    const clicksStored = Number(
      (db.prepare('SELECT COUNT(*) AS n FROM clicks').get() as { n: number | bigint }).n,
    );
    db.close();
    const expected = warm302 + tandem.responses_302;
    return {
      ...tandem,
      peak_rss_mib: peak,
      clicks: {
        responses_302_counted: expected,
        of_which_warmup: warm302,
        clicks_stored: clicksStored,
        equal: clicksStored === expected,
        server_exit_code: stopped.code,
        pending_after_close: stopped.stopped?.pendingClicks ?? null,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    forgetDir();
  }
}

const MEDIAN_PATHS = [
  'rps',
  'latency_ms.p50',
  'latency_ms.p90',
  'latency_ms.p99',
  'latency_ms.max',
  'peak_rss_mib',
];

async function main() {
  const opts = args();
  const seconds = Number(opts.get('duration') ?? 10);
  const warmup = Number(opts.get('warmup') ?? 2);
  const connections = Number(opts.get('connections') ?? 10);
  const nCodes = Number(opts.get('codes') ?? 10);
  const runs = runsOption(opts);
  const cpuProf = opts.get('cpu-prof');
  const profDir = cpuProf === 'true' ? join(os.tmpdir(), 'tandem-bench-profiles') : cpuProf;
  if (!(seconds > 0 && seconds <= 120)) throw new Error('--duration must be in (0, 120] seconds');
  const log = (s: string) => process.stderr.write(`${s}\n`);

  const busyBefore = await waitForQuiet(Number(opts.get('quiet-wait') ?? 30));
  const loadAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const bares: ServerRun[] = [];
  const tandems: TandemRun[] = [];
  for (let run = 1; run <= runs; run++) {
    // Alternate which server goes first, so that a drift of the machine's speed during the
    // benchmark weighs on both alike.
    const order = run % 2 === 1 ? (['bare', 'tandem'] as const) : (['tandem', 'bare'] as const);
    for (const which of order) {
      log(
        `run ${run}/${runs}, ${which === 'bare' ? 'bare node:http' : 'tandem (SQLite, clicks durable)'}: ` +
          `warm-up ${warmup}s, then ${seconds}s × ${connections} connections`,
      );
      if (which === 'bare') bares.push(await measureBare(nCodes, warmup, seconds, connections));
      else tandems.push(await measureTandem(nCodes, warmup, seconds, connections, profDir));
    }
  }

  const bareMedians = mediansOf(bares as unknown as Record<string, unknown>[], MEDIAN_PATHS);
  const tandemMedians = mediansOf(tandems as unknown as Record<string, unknown>[], MEDIAN_PATHS);
  const perRunRatios = tandems.map((t, i) => round(t.rps / (bares[i] as ServerRun).rps, 3));
  const ratio = round((tandemMedians.rps as number) / (bareMedians.rps as number), 3);
  const allEqual = tandems.every((t) => t.clicks.equal);
  const result = {
    bench: 'redirect',
    date: new Date().toISOString(),
    machine: await machine(),
    loadavg_at_start: loadAtStart,
    other_cores_busy_before_start: busyBefore,
    settings: {
      connections,
      seconds,
      warmup_seconds: warmup,
      codes: nCodes,
      pipelining: 1,
      runs,
      order: 'bare then tandem in odd runs, tandem then bare in even runs',
    },
    medians: { bare: bareMedians, tandem: tandemMedians },
    // Tandem's median req/s over bare's median req/s; the per-run ratios are kept too.
    ratio_rps: ratio,
    ratio_rps_per_run: perRunRatios,
    // What earlier single-run files had: the median figures in the same shape.
    bare: {
      rps: bareMedians.rps,
      latency_ms: { p50: bareMedians['latency_ms.p50'], p99: bareMedians['latency_ms.p99'] },
    },
    tandem: {
      rps: tandemMedians.rps,
      latency_ms: { p50: tandemMedians['latency_ms.p50'], p99: tandemMedians['latency_ms.p99'] },
    },
    clicks: {
      equal: allEqual,
      clicks_stored: tandems.reduce((s, t) => s + t.clicks.clicks_stored, 0),
      responses_302_counted: tandems.reduce((s, t) => s + t.clicks.responses_302_counted, 0),
    },
    runs: bares.map((b, i) => ({ run: i + 1, bare: b, tandem: tandems[i] })),
  };

  process.stdout.write(`${JSON.stringify(result)}\n\n`);
  const row = (name: string, r: ServerRun) => [
    name,
    r.rps,
    r.latency_ms.p50,
    r.latency_ms.p99,
    r.latency_ms.max,
    r.responses,
    r.errors + r.timeouts,
    r.peak_rss_mib,
  ];
  const medianRow = (name: string, m: Record<string, number>) => [
    name,
    m.rps as number,
    m['latency_ms.p50'] as number,
    m['latency_ms.p99'] as number,
    m['latency_ms.max'] as number,
    '',
    '',
    m.peak_rss_mib as number,
  ];
  const clicksLine = (t: TandemRun, i: number) =>
    `  run ${i + 1}: clicks stored after SIGTERM ${t.clicks.clicks_stored}; 302s counted ${t.clicks.responses_302_counted} ` +
    `(warm-up ${t.clicks.of_which_warmup} + run ${t.responses_302}) → ${t.clicks.equal ? 'EQUAL' : 'MISMATCH'}; ` +
    `CPU s server / load generator / other: bare ${bares[i]?.cpu_seconds.server} / ${bares[i]?.cpu_seconds.load_generator} / ${bares[i]?.cpu_seconds.other}, ` +
    `tandem ${t.cpu_seconds.server} / ${t.cpu_seconds.load_generator} / ${t.cpu_seconds.other} of ${t.cpu_seconds.capacity}`;
  process.stdout.write(
    `${table([
      ['server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'responses', 'errors', 'peak RSS MiB'],
      ...bares.flatMap((b, i) => [
        row(`run ${i + 1} bare node:http`, b),
        row(`run ${i + 1} tandem (SQLite)`, tandems[i] as TandemRun),
      ]),
      medianRow('median bare', bareMedians),
      medianRow('median tandem', tandemMedians),
    ])}\n\n` +
      `redirect: tandem / bare ${ratio}× (ratio of the medians; per run ${perRunRatios.join(', ')}), ` +
      `tandem p99 ${tandemMedians['latency_ms.p99']} ms (median of ${runs}; ${connections} connections, ${seconds}s, ${today()})\n` +
      `${tandems.map(clicksLine).join('\n')}\n`,
  );
  const path = writeResult(profDir ? 'redirect-instrumented' : 'redirect', result);
  process.stdout.write(`written: ${path}\n`);
  if (!allEqual) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
