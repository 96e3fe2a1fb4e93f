/**
 * Redirect benchmark: `GET /r/<code>` → 302, in one run, against
 *   (a) bare   — a bare node:http server with a Map lookup (bench/bare-server.ts), the ceiling;
 *   (b) tandem — the full Tandem server (bench/serve.ts: Fastify, worker, clicks group-committed
 *                to a fresh SQLite file in WAL mode with synchronous=FULL).
 * Each server runs in its own child process; autocannon runs here, against 127.0.0.1.
 *
 *   npx tsx bench/redirect.ts [--duration 10] [--connections 10] [--warmup 2] [--codes 10]
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
  memoryOf,
  onInterrupt,
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

async function main() {
  const opts = args();
  const seconds = Number(opts.get('duration') ?? 10);
  const warmup = Number(opts.get('warmup') ?? 2);
  const connections = Number(opts.get('connections') ?? 10);
  const nCodes = Number(opts.get('codes') ?? 10);
  const cpuProf = opts.get('cpu-prof');
  const profDir = cpuProf === 'true' ? join(os.tmpdir(), 'tandem-bench-profiles') : cpuProf;
  if (!(seconds > 0 && seconds <= 120)) throw new Error('--duration must be in (0, 120] seconds');
  const log = (s: string) => process.stderr.write(`${s}\n`);

  const busyBefore = await waitForQuiet(Number(opts.get('quiet-wait') ?? 30));
  const loadAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
  // (a) the ceiling
  log(`bare node:http: warm-up ${warmup}s, then ${seconds}s × ${connections} connections`);
  const bareChild = await startChild('bench/bare-server.ts', ['--codes', String(nCodes)]);
  const bareCodes = bareChild.ready.codes as string[];
  const barePort = bareChild.ready.port as number;
  if (warmup > 0) await load(bareChild.pid, barePort, bareCodes, warmup, connections);
  const bare = await load(bareChild.pid, barePort, bareCodes, seconds, connections);
  const bareMemory = memoryOf(bareChild.pid);
  await bareChild.stop();

  // (b) the full server, clicks durable in SQLite
  const dir = mkdtempSync(join(os.tmpdir(), 'tandem-bench-redirect-'));
  const file = join(dir, 'tandem.db');
  const forgetDir = onInterrupt(() => rmSync(dir, { recursive: true, force: true }));
  log(`tandem: ${file}; warm-up ${warmup}s, then ${seconds}s × ${connections} connections`);
  let tandem: RunFigures;
  let warm302 = 0;
  let clicksStored: number;
  let tandemMemory: ReturnType<typeof memoryOf>;
  let stopped: Awaited<ReturnType<Awaited<ReturnType<typeof startChild>>['stop']>>;
  try {
    const child = await startChild(
      'bench/serve.ts',
      ['--mode', 'redirect', '--file', file, '--codes', String(nCodes)],
      profDir ? { nodeFlags: ['--cpu-prof', '--cpu-prof-dir', profDir] } : {},
    );
    const codes = child.ready.codes as string[];
    const port = child.ready.port as number;
    if (warmup > 0)
      warm302 = (await load(child.pid, port, codes, warmup, connections)).responses_302;
    tandem = await load(child.pid, port, codes, seconds, connections);
    tandemMemory = memoryOf(child.pid);
    stopped = await child.stop();
    const db = new Database(file, { readonly: true });
    clicksStored = Number(
      (db.prepare('SELECT COUNT(*) AS n FROM clicks').get() as { n: number | bigint }).n,
    );
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    forgetDir();
  }

  const expected = warm302 + tandem.responses_302;
  const result = {
    bench: 'redirect',
    date: new Date().toISOString(),
    machine: await machine(),
    loadavg_at_start: loadAtStart,
    other_cores_busy_before_start: busyBefore,
    settings: { connections, seconds, warmup_seconds: warmup, codes: nCodes, pipelining: 1 },
    bare: { ...bare, peak_rss_mib: bareMemory.peakRssMiB },
    tandem: { ...tandem, peak_rss_mib: tandemMemory.peakRssMiB },
    ratio_rps: round(tandem.rps / bare.rps, 3),
    clicks: {
      responses_302_counted: expected,
      of_which_warmup: warm302,
      clicks_stored: clicksStored,
      equal: clicksStored === expected,
      server_exit_code: stopped.code,
      pending_after_close: stopped.stopped?.pendingClicks ?? null,
    },
  };

  process.stdout.write(`${JSON.stringify(result)}\n\n`);
  const row = (name: string, r: RunFigures, rss: number) => [
    name,
    r.rps,
    r.latency_ms.p50,
    r.latency_ms.p99,
    r.latency_ms.max,
    r.responses,
    r.errors + r.timeouts,
    rss,
  ];
  process.stdout.write(
    `${table([
      ['server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'responses', 'errors', 'peak RSS MiB'],
      row('bare node:http', bare, bareMemory.peakRssMiB),
      row('tandem (SQLite)', tandem, tandemMemory.peakRssMiB),
    ])}\n\n` +
      `tandem / bare: ${result.ratio_rps}×  (${connections} connections, ${seconds}s, ${today()})\n` +
      `clicks stored after SIGTERM: ${clicksStored}; 302s counted by autocannon: ${expected} ` +
      `(warm-up ${warm302} + run ${tandem.responses_302}) → ${result.clicks.equal ? 'EQUAL' : 'MISMATCH'}\n` +
      `CPU seconds (server / load generator / other processes, of capacity): ` +
      `bare ${bare.cpu_seconds.server} / ${bare.cpu_seconds.load_generator} / ${bare.cpu_seconds.other} of ${bare.cpu_seconds.capacity}; ` +
      `tandem ${tandem.cpu_seconds.server} / ${tandem.cpu_seconds.load_generator} / ${tandem.cpu_seconds.other} of ${tandem.cpu_seconds.capacity}\n`,
  );
  const path = writeResult(profDir ? 'redirect-instrumented' : 'redirect', result);
  process.stdout.write(`written: ${path}\n`);
  if (!result.clicks.equal) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
