/**
 * Helpers shared by the benchmarks: child processes (each server runs in its
 * own process so that the load generator never shares its event loop), the
 * server's peak memory, PostgreSQL scratch databases, result files and the
 * machine description. Benchmarks print figures; they are not tests.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS = join(ROOT, 'bench', 'results');
export const PG_ADMIN_URL =
  process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Today's date as YYYY-MM-DD (UTC), used in result file names. */
export const today = () => new Date().toISOString().slice(0, 10);

/** `--name value` / `--flag` parsing for the small CLIs of the benchmarks. */
export function args(argv = process.argv.slice(2)): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (argv[i + 1] !== undefined && !(argv[i + 1] as string).startsWith('--'))
      out.set(a.slice(2), argv[++i] as string);
    else out.set(a.slice(2), 'true');
  }
  return out;
}

const cleanups = new Set<() => unknown>();
let handling = false;

/**
 * Registers a clean-up (stop a child server, drop a scratch database, remove a temp dir) to run
 * if this benchmark is interrupted (SIGINT, SIGTERM, SIGHUP), newest first; returns a function
 * that unregisters it. Signal handlers are installed on first use only, so the child servers
 * that import this module keep their own SIGTERM handling.
 */
export function onInterrupt(fn: () => unknown): () => void {
  if (!handling) {
    handling = true;
    let interrupted = false;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (interrupted) return;
        interrupted = true;
        process.stderr.write(`\n${signal}: cleaning up\n`);
        setTimeout(() => process.exit(130), 30_000).unref();
        void (async () => {
          for (const f of [...cleanups].reverse()) {
            try {
              await f();
            } catch {}
          }
          process.exit(130);
        })();
      });
    }
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** The JSON object the child printed after `READY `. */
  ready: Record<string, unknown>;
  /** Error-level log lines (pino level ≥ 50) the child wrote to stderr, and the first one's message. */
  errors: { count: number; first: string | undefined };
  /** Sends SIGTERM and resolves with the exit code and the JSON it printed after `STOPPED `, if any. */
  stop(timeoutMs?: number): Promise<{ code: number | null; stopped?: Record<string, unknown> }>;
}

/**
 * Starts `node [nodeFlags] --import tsx <script> …args` and waits for the
 * line `READY {json}` on its stdout. The child is one process (no npx in
 * between), so its pid is the server's pid for /proc readings and signals.
 * Its stderr goes to ours, with error-level JSON log lines counted and shortened (a worker
 * that fails every round would otherwise print a stack trace per second).
 */
export async function startChild(
  script: string,
  argv: string[],
  opts: { nodeFlags?: string[]; readyTimeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<Child> {
  const proc = spawn(
    process.execPath,
    [...(opts.nodeFlags ?? []), '--import', 'tsx', join(ROOT, script), ...argv],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } },
  );
  let stopped: Record<string, unknown> | undefined;
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  // Interrupted (even during setup): stop the child gracefully and wait for it.
  const forget = onInterrupt(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  const errors: Child['errors'] = { count: 0, first: undefined };
  createInterface({ input: proc.stderr as NodeJS.ReadableStream }).on('line', (line) => {
    let entry: { level?: number; msg?: string; err?: { message?: string } } | undefined;
    try {
      entry = line.startsWith('{') ? JSON.parse(line) : undefined;
    } catch {}
    if (entry && (entry.level ?? 0) >= 50) {
      errors.count++;
      const message = `${entry.msg ?? ''}: ${entry.err?.message ?? ''}`;
      errors.first ??= message;
      if (errors.count <= 3 || errors.count % 100 === 0)
        process.stderr.write(`[${script}] error #${errors.count}: ${message}\n`);
      return;
    }
    process.stderr.write(`[${script}] ${line}\n`);
  });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not print READY in time`)),
      opts.readyTimeoutMs ?? 120_000,
    );
    const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(6)));
      } else if (line.startsWith('STOPPED ')) {
        stopped = JSON.parse(line.slice(8));
      } else if (line.trim()) {
        process.stderr.write(`[${script}] ${line}\n`);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (code ${code}) before it was ready`));
    });
  }).catch((e: unknown) => {
    // Never leave a half-started server behind.
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    forget();
    throw e;
  });
  const pid = proc.pid as number;
  const child: Child = {
    proc,
    pid,
    ready,
    errors,
    async stop(timeoutMs = 30_000) {
      forget();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return stopped ? { code, stopped } : { code };
    },
  };
  return child;
}

/** Peak and current resident memory of a process, in MiB, from /proc/<pid>/status. */
export function memoryOf(pid: number): { peakRssMiB: number; rssMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return {
    peakRssMiB: Math.round((kb('VmHWM') / 1024) * 10) / 10,
    rssMiB: Math.round((kb('VmRSS') / 1024) * 10) / 10,
  };
}

/**
 * Creates a scratch PostgreSQL database on the server of `admin` (default
 * BENCH_PG_URL or the local server) and returns its URL and a function that drops it.
 */
export async function scratchDatabase(
  name: string,
  admin = PG_ADMIN_URL,
): Promise<{ url: string; drop(): Promise<void> }> {
  const run = async (q: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * Where an in-process benchmark's Tandem lives: a SQLite file in a fresh temp
 * directory, or a scratch PostgreSQL database; removed on Ctrl-C and by
 * `cleanup()` unless `keep` (then its place is printed).
 */
export async function scratchStore(
  backend: 'sqlite' | 'postgres',
  name: string,
  admin = PG_ADMIN_URL,
): Promise<{ open: { file: string } | { url: string }; cleanup(keep?: boolean): Promise<void> }> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(os.tmpdir(), `${name.replaceAll('_', '-')}-`));
    const remove = () => rmSync(dir, { recursive: true, force: true });
    onInterrupt(remove);
    return {
      open: { file: join(dir, 'tandem.db') },
      async cleanup(keep) {
        if (keep) process.stderr.write(`kept ${dir}\n`);
        else remove();
      },
    };
  }
  const db = await scratchDatabase(`${name}_${process.pid}_${Date.now()}`, admin);
  onInterrupt(() => db.drop());
  return {
    open: { url: db.url },
    async cleanup(keep) {
      if (keep) process.stderr.write(`kept ${db.url}\n`);
      else await db.drop();
    },
  };
}

/** The top statements of a `--query-stats` run as a table, with each one's share of SQL time. */
export function queryTable(
  title: string,
  queries: readonly { ms: number; calls: number; rows: number; sql: string }[],
): string {
  const sqlMs = queries.reduce((s, q) => s + q.ms, 0);
  return `${title} (${Math.round(sqlMs / 1000)} s in total; top 12)\n${table([
    ['ms', 'share', 'calls', 'rows', 'statement'],
    ...queries
      .slice(0, 12)
      .map((q) => [
        q.ms,
        `${((q.ms / sqlMs) * 100).toFixed(1)}%`,
        q.calls,
        q.rows,
        q.sql.slice(0, 150),
      ]),
  ])}`;
}

/** Writes a result object to bench/results/<name>-<date>.json and returns the path. */
export function writeResult(name: string, result: unknown): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${name}-${today()}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** The machine (and code revision) the figures come from. */
export async function machine(): Promise<Record<string, unknown>> {
  let sqlite = 'unknown';
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    sqlite = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
    db.close();
  } catch {}
  let postgres = 'unavailable';
  try {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    postgres = (await c.query('show server_version')).rows[0].server_version;
    await c.end();
  } catch {}
  let git = 'unknown';
  try {
    const run = (...a: string[]) => execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = run('status', '--porcelain', '--', 'src') !== '';
    git = `${run('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in src/' : ''}`;
  } catch {}
  return {
    git,
    cpus: os.availableParallelism(),
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    memory_gib: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: os.release(),
    node: process.version,
    sqlite,
    postgres,
  };
}

/** A fixed-width text table. */
export function table(rows: (string | number)[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) =>
          typeof cell === 'number'
            ? String(cell).padStart(widths?.[i] ?? 0)
            : String(cell).padEnd(widths?.[i] ?? 0),
        )
        .join('  '),
    )
    .join('\n');
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat; NaN once it is gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string;
  const [user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100
  );
}

/**
 * Where the CPU went during a measured phase: the server process, this load generator, any
 * extra processes (PostgreSQL backends), and `other` — everything else on the machine, which
 * should be near 0 on a quiet machine (anything more means the figures are pessimistic).
 */
export class CpuMeter {
  readonly #t0 = performance.now();
  readonly #machine0 = machineBusySeconds();
  readonly #bench0 = process.cpuUsage();
  readonly #server0: number;
  readonly #extra = new Map<number, { first: number; last: number }>();
  constructor(readonly serverPid: number) {
    this.#server0 = cpuSecondsOf(serverPid);
  }
  /** Follows more processes (e.g. PostgreSQL backends); call again to refresh their readings. */
  track(pids: number[]): void {
    for (const pid of pids) {
      const now = cpuSecondsOf(pid);
      if (Number.isNaN(now)) continue;
      const e = this.#extra.get(pid);
      if (e) e.last = now;
      else this.#extra.set(pid, { first: now, last: now });
    }
  }
  read(): Record<string, number> {
    const wall = (performance.now() - this.#t0) / 1000;
    const machine = machineBusySeconds() - this.#machine0;
    const b = process.cpuUsage(this.#bench0);
    const bench = (b.user + b.system) / 1e6;
    const server = cpuSecondsOf(this.serverPid) - this.#server0;
    let extra = 0;
    for (const [pid, e] of this.#extra) {
      const now = cpuSecondsOf(pid);
      extra += (Number.isNaN(now) ? e.last : now) - e.first;
    }
    const r = (x: number) => Math.round(x * 10) / 10;
    return {
      wall: r(wall),
      capacity: r(wall * os.availableParallelism()),
      machine: r(machine),
      server: r(server),
      load_generator: r(bench),
      ...(this.#extra.size ? { postgres_backends: r(extra) } : {}),
      other: r(Math.max(0, machine - server - bench - extra)),
    };
  }
}

/**
 * The machine is shared (tests of other work may be running): waits up to `maxS` seconds for a
 * 3-second window in which other processes use less than `cores` cores, and returns the busy
 * cores seen in the last window, so the result can say how quiet the machine was.
 */
export async function waitForQuiet(maxS: number, cores = 0.25): Promise<number> {
  const until = performance.now() + maxS * 1000;
  for (;;) {
    const m0 = machineBusySeconds();
    const b0 = process.cpuUsage();
    await sleep(3000);
    const b = process.cpuUsage(b0);
    const busy = (machineBusySeconds() - m0 - (b.user + b.system) / 1e6) / 3;
    if (busy < cores || performance.now() >= until) return Math.round(busy * 100) / 100;
    process.stderr.write(
      `  waiting for a quieter machine (other processes use ${busy.toFixed(2)} cores)\n`,
    );
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The median of some figures (the mean of the middle two for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * `--runs N` (default 3): how many times a benchmark repeats its measurement. Absolute times on
 * a shared 2-core VM drift by ±15 % between runs, so results report every run and the medians.
 */
export function runsOption(opts: Map<string, string>, fallback = 3): number {
  const n = Number(opts.get('runs') ?? fallback);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new Error('--runs must be an integer 1–50');
  return n;
}

/**
 * The medians of the numeric figures named by `paths` ("a.b.c") over runs, keyed by path;
 * the same paths read the figures back from each run for tables.
 */
export function mediansOf(
  runs: readonly Record<string, unknown>[],
  paths: readonly string[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of paths) {
    const m = median(runs.map((r) => Number(pick(r, p))));
    out[p] = Math.round(m * 1000) / 1000;
  }
  return out;
}

/** The value at a dotted path of an object (undefined if any step is missing). */
export function pick(o: unknown, path: string): unknown {
  let v: unknown = o;
  for (const k of path.split('.'))
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** POST /v1/events with one pre-serialized batch over a keep-alive agent (ingest, multi-node). */
export function post(
  agent: http.Agent,
  port: number,
  key: string,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/events',
        method: 'POST',
        agent,
        timeout: 120_000,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
