/**
 * Several nodes on one PostgreSQL database give the ledger one process gives.
 *
 *   npx tsx bench/multi-node.ts [--events 200000] [--partners 50] [--apis 3] [--workers 2]
 *     [--duplicates 0.1] [--window 10000] [--concurrency 6] [--seed 7]
 *
 * Run 1 (multi): a fresh database; `--apis` Tandem processes with TANDEM_ROLE=api and
 * `--workers` with TANDEM_ROLE=worker (src/main.ts, as deployed) start together on it, so they
 * also race to migrate it. bench/serve.ts --setup-only then writes the world of
 * bench/workload.ts (a program on demoTerms, partners with links, referral codes and coupons,
 * the clicks the signups quote). The events — plus `--duplicates` of them sent again, shuffled
 * within windows of `--window` events (0: the whole stream) — go out in batches of 500,
 * round-robin over the API nodes with `--concurrency` requests in flight, each retried until it
 * is answered 200. The clock stops when the derivation queue is empty and no hold is due.
 * Run 2 (single): another fresh database, one process with TANDEM_ROLE=all, the same events
 * once each, in order, one batch at a time.
 *
 * The workload ends 31 days before now, past demoTerms' 30-day hold: every hold is due by the
 * time it is derived in either run, so wall-clock time cannot tell the runs apart. Then the
 * ledgers are compared by a fingerprint free of random ids: ledger balances per account (ids
 * replaced by partner names and the program key) and currency, the net accrual per (event
 * external id or line key, rule, partner name, currency), and events stored exactly once each.
 * Prints `{"bench":"multi-node",…}` and a table, writes bench/results/multi-node-<date>.json,
 * and exits 1 if the ledgers differ. Both databases are dropped at the end (also on Ctrl-C).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { prng } from '../src/core/prng.js';
import { WAITING_SQL } from '../src/engine/dirty-units.js';
import {
  args,
  cpuSecondsOf,
  machine,
  machineBusySeconds,
  onInterrupt,
  post,
  ROOT,
  scratchDatabase,
  sleep,
  startChild,
  table,
  writeResult,
} from './lib.js';
import { generate } from './workload.js';

const DAY = 86_400_000;
const BATCH = 500;
const log = (s: string) => process.stderr.write(`${s}\n`);

/** A Tandem process (src/main.ts) with a role, its errors counted from its JSON log lines. */
interface Node {
  name: string;
  role: 'all' | 'api' | 'worker';
  proc: ChildProcess;
  pid: number;
  port: number;
  errors: { count: number; first: string | undefined };
  stop(): Promise<number | null>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function startNode(
  name: string,
  role: Node['role'],
  url: string,
  dataDir: string,
): Promise<Node> {
  const port = role === 'worker' ? 0 : await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: url,
      TANDEM_ROLE: role,
      TANDEM_DEMO: '0',
      TANDEM_DATA_DIR: join(dataDir, name),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const forget = onInterrupt(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  const errors: Node['errors'] = { count: 0, first: undefined };
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in time`)), 120_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (code ${code}) before it was ready`));
    });
    const onLine = (line: string) => {
      if (/Tandem (worker )?is running/.test(line)) {
        clearTimeout(timer);
        resolve();
        return;
      }
      let entry: { level?: number; msg?: string; err?: { message?: string } } | undefined;
      try {
        entry = line.startsWith('{') ? JSON.parse(line) : undefined;
      } catch {}
      if (entry && (entry.level ?? 0) >= 50) {
        errors.count++;
        const message = `${entry.msg ?? ''}: ${entry.err?.message ?? ''}`;
        errors.first ??= message;
        if (errors.count <= 3) log(`[${name}] error #${errors.count}: ${message}`);
      } else if (entry || /\S/.test(line)) {
        if (!/^\s{2}\S/.test(line)) log(`[${name}] ${line}`);
      }
    };
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', onLine);
    createInterface({ input: proc.stderr as NodeJS.ReadableStream }).on('line', onLine);
  });
  await ready.catch((e: unknown) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    forget();
    throw e;
  });
  return {
    name,
    role,
    proc,
    pid: proc.pid as number,
    port,
    errors,
    async stop() {
      forget();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

interface Delivery {
  acked: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  retries: number;
  firstFailure: string | undefined;
}

/** Sends every batch, batch i to port i mod n, `concurrency` in flight, retrying until a 200. */
async function deliver(
  batches: string[],
  ports: number[],
  key: string,
  concurrency: number,
): Promise<Delivery> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const d: Delivery = {
    acked: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    retries: 0,
    firstFailure: undefined,
  };
  let next = 0;
  const sender = async () => {
    while (next < batches.length) {
      const i = next++;
      const body = batches[i] as string;
      for (let attempt = 0; ; attempt++) {
        // A retry goes to the next node, as a client behind a load balancer would.
        const port = ports[(i + attempt) % ports.length] as number;
        let failure: string;
        try {
          const res = await post(agent, port, key, body);
          if (res.status === 200) {
            const r = JSON.parse(res.body) as {
              accepted: number;
              duplicates: number;
              rejected: number;
            };
            d.accepted += r.accepted;
            d.duplicates += r.duplicates;
            d.rejected += r.rejected;
            d.acked += r.accepted + r.duplicates + r.rejected;
            break;
          }
          failure = `HTTP ${res.status} ${res.body.slice(0, 300)}`;
          if (res.status >= 400 && res.status < 500 && res.status !== 429)
            throw new Error(`batch ${i}: ${failure}`);
        } catch (e) {
          if (e instanceof Error && e.message.startsWith(`batch ${i}:`)) throw e;
          failure = e instanceof Error ? e.message : String(e);
        }
        d.retries++;
        d.firstFailure ??= `batch ${i}: ${failure}`;
        if (attempt >= 20) throw new Error(`batch ${i} failed 20 times: ${failure}`);
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  };
  const t0 = performance.now();
  const progress = setInterval(
    () =>
      log(
        `  t=${Math.round((performance.now() - t0) / 1000)}s acknowledged ${d.acked} events (${d.retries} retries)`,
      ),
    30_000,
  );
  try {
    await Promise.all(Array.from({ length: concurrency }, sender));
  } finally {
    clearInterval(progress);
    agent.destroy();
  }
  return d;
}

/** Waits until nothing is left to derive and no hold is due; returns the seconds waited. */
async function drain(c: pg.Client, limitS: number): Promise<number> {
  const t0 = performance.now();
  let lastLog = t0;
  for (;;) {
    const r = await c.query(
      `SELECT ${WAITING_SQL} AS dirty,
              (SELECT COUNT(*) FROM hold_queue WHERE available_at <= $1) AS due`,
      [Date.now()],
    );
    const dirty = Number(r.rows[0].dirty);
    const due = Number(r.rows[0].due);
    if (dirty === 0 && due === 0) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > limitS * 1000)
      throw new Error(`the queue did not drain in ${limitS}s (${dirty} units, ${due} holds due)`);
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`  draining: ${dirty} units waiting, ${due} holds due`);
    }
    await sleep(200);
  }
}

interface Fingerprint {
  balances: { lines: number; total: string; sha256: string };
  accruals: { lines: number; total: string; sha256: string };
  events: { stored: number; distinct: number };
  /** The sorted lines themselves, to show the first difference (not written to the result). */
  detail: { balances: string[]; accruals: string[] };
}

/** The ledger as names and amounts only: nothing in it depends on the ids a run generated. */
async function fingerprint(c: pg.Client): Promise<Fingerprint> {
  const names = new Map<string, string>();
  for (const r of (await c.query('SELECT id, name FROM partners')).rows)
    names.set(r.id, `partner(${r.name})`);
  for (const r of (await c.query('SELECT id, key FROM programs')).rows)
    names.set(r.id, `program(${r.key})`);
  const stable = (s: string) =>
    s
      .split(':')
      .map((part) => names.get(part) ?? part)
      .join(':');
  const digest = (lines: string[], amounts: bigint[]) => ({
    lines: lines.length,
    total: amounts.reduce((s, a) => s + a, 0n).toString(),
    sha256: createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16),
  });
  const balanceRows = (
    await c.query(
      'SELECT account, currency, SUM(amount)::text AS amount FROM ledger_entries GROUP BY account, currency',
    )
  ).rows as { account: string; currency: string; amount: string }[];
  const balances = balanceRows
    .map((r) => ({
      line: `${stable(r.account)}|${r.currency}|${r.amount}`,
      amount: BigInt(r.amount),
    }))
    .sort((a, b) => (a.line < b.line ? -1 : 1));
  const accrualRows = (
    await c.query(
      `SELECT COALESCE(e.external_id, l.key) AS k, l.rule_id, l.partner_id, l.currency,
         SUM(l.amount)::text AS net
       FROM accrual_lines l LEFT JOIN events e ON e.id = l.event_id
       GROUP BY COALESCE(e.external_id, l.key), l.rule_id, l.partner_id, l.currency`,
    )
  ).rows as { k: string; rule_id: string; partner_id: string; currency: string; net: string }[];
  const accruals = accrualRows
    .filter((r) => BigInt(r.net) !== 0n)
    .map((r) => ({
      line: `${stable(r.k)}|${r.rule_id}|${stable(r.partner_id)}|${r.currency}|${r.net}`,
      amount: BigInt(r.net),
    }))
    .sort((a, b) => (a.line < b.line ? -1 : 1));
  const ev = (
    await c.query(
      'SELECT COUNT(*) AS stored, COUNT(DISTINCT (source, external_id)) AS distinct FROM events',
    )
  ).rows[0];
  return {
    balances: digest(
      balances.map((b) => b.line),
      balances.map((b) => b.amount),
    ),
    accruals: digest(
      accruals.map((a) => a.line),
      accruals.map((a) => a.amount),
    ),
    events: { stored: Number(ev.stored), distinct: Number(ev.distinct) },
    detail: { balances: balances.map((b) => b.line), accruals: accruals.map((a) => a.line) },
  };
}

function firstDifference(a: string[], b: string[]): string | undefined {
  const sa = new Set(a);
  const sb = new Set(b);
  const onlyA = a.filter((x) => !sb.has(x)).slice(0, 3);
  const onlyB = b.filter((x) => !sa.has(x)).slice(0, 3);
  if (!onlyA.length && !onlyB.length) return undefined;
  return `multi only: ${onlyA.join(' ; ') || '-'} || single only: ${onlyB.join(' ; ') || '-'}`;
}

interface RunResult {
  nodes: { name: string; role: string; cpu_s: number; errors: number }[];
  ingest_s: number;
  drain_s: number;
  events_per_s: number;
  delivery: Omit<Delivery, 'firstFailure'> & { first_failure?: string };
  fingerprint: Fingerprint;
}

async function run(
  label: string,
  opts: {
    roles: Node['role'][];
    batches: string[];
    uniqueEvents: number;
    planFile: string;
    concurrency: number;
    drainLimitS: number;
  },
): Promise<RunResult> {
  const db = await scratchDatabase(`tandem_multinode_${label}_${process.pid}_${Date.now()}`);
  const forgetDb = onInterrupt(() => db.drop());
  const dataDir = mkdtempSync(join(os.tmpdir(), `tandem-multinode-${label}-`));
  const forgetDir = onInterrupt(() => rmSync(dataDir, { recursive: true, force: true }));
  const nodes: Node[] = [];
  const client = new pg.Client({ connectionString: db.url });
  // Ctrl-C drops the database under it (WITH FORCE): that is no crash.
  client.on('error', () => {});
  try {
    // Every node at once on the empty database: they race to migrate it (Kysely's advisory lock).
    const counts = { all: 0, api: 0, worker: 0 };
    const started = await Promise.allSettled(
      opts.roles.map((role) => startNode(`${role}-${++counts[role]}`, role, db.url, dataDir)),
    );
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    log(`${label}: ${nodes.map((n) => `${n.name} pid ${n.pid}`).join(', ')}`);
    const setup = await startChild(
      'bench/serve.ts',
      ['--mode', 'ingest', '--plan', opts.planFile, '--url', db.url, '--setup-only'],
      { readyTimeoutMs: 600_000 },
    );
    const key = setup.ready.adminKey as string;
    // It exits by itself after READY; stop() then only forgets it.
    const setupCode =
      setup.proc.exitCode ??
      (await new Promise<number | null>((resolve) => setup.proc.once('exit', resolve)));
    await setup.stop();
    if (setupCode !== 0) throw new Error(`setup exited with ${setupCode}`);
    await client.connect();
    await drain(client, 300);

    const ports = nodes.filter((n) => n.role !== 'worker').map((n) => n.port);
    const cpu0 = nodes.map((n) => cpuSecondsOf(n.pid));
    const t0 = performance.now();
    const delivery = await deliver(opts.batches, ports, key, opts.concurrency);
    const ingest_s = (performance.now() - t0) / 1000;
    const drain_s = await drain(client, opts.drainLimitS);
    const total_s = (performance.now() - t0) / 1000;
    const cpu = nodes.map((n, i) => Math.round((cpuSecondsOf(n.pid) - (cpu0[i] ?? 0)) * 10) / 10);
    const print = await fingerprint(client);
    const { firstFailure, ...counted } = delivery;
    return {
      nodes: nodes.map((n, i) => ({
        name: n.name,
        role: n.role,
        cpu_s: cpu[i] ?? 0,
        errors: n.errors.count,
      })),
      ingest_s: Math.round(ingest_s * 10) / 10,
      drain_s: Math.round(drain_s * 10) / 10,
      events_per_s: Math.round(opts.uniqueEvents / total_s),
      delivery: { ...counted, ...(firstFailure ? { first_failure: firstFailure } : {}) },
      fingerprint: print,
    };
  } finally {
    await client.end().catch(() => {});
    const codes = await Promise.all(nodes.map((n) => n.stop()));
    codes.forEach((code, i) => {
      if (code !== 0) log(`${nodes[i]?.name} exited with ${code}`);
    });
    await db.drop();
    forgetDb();
    rmSync(dataDir, { recursive: true, force: true });
    forgetDir();
  }
}

async function main() {
  const opts = args();
  const events = Number(opts.get('events') ?? 200_000);
  const partners = Number(opts.get('partners') ?? 50);
  const apis = Number(opts.get('apis') ?? 3);
  const workers = Number(opts.get('workers') ?? 2);
  const duplicates = Number(opts.get('duplicates') ?? 0.1);
  const window = Number(opts.get('window') ?? 10_000);
  const concurrency = Number(opts.get('concurrency') ?? 6);
  const seed = Number(opts.get('seed') ?? 7);
  const drainLimitS = Number(opts.get('drain-limit') ?? 1800);

  // Ends past the 30-day hold: every hold is already due when its line is derived.
  const gen = generate({ events, batch: BATCH, partners, seed, now: Date.now() - 31 * DAY });
  const inOrder = gen.batches.flatMap((b) => (JSON.parse(b) as { events: unknown[] }).events);
  const rand = prng(seed ^ 0x9e3779b9);
  const stream = [...inOrder];
  for (let i = 0; i < inOrder.length; i++)
    if (rand() < duplicates) stream.push(inOrder[Math.floor(rand() * inOrder.length)]);
  const shuffle = (xs: unknown[], from: number, to: number) => {
    for (let i = to - 1; i > from; i--) {
      const j = from + Math.floor(rand() * (i - from + 1));
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
  };
  // Duplicates first land at the end; a full shuffle (or windows after one) spreads them out.
  shuffle(stream, 0, stream.length);
  if (window > 0) {
    // Within windows instead: events stay near their time, out of order inside each window.
    const at = (e: unknown) => Date.parse((e as { occurred_at: string }).occurred_at);
    stream.sort((a, b) => at(a) - at(b));
    for (let i = 0; i < stream.length; i += window)
      shuffle(stream, i, Math.min(stream.length, i + window));
  }
  const toBatches = (xs: unknown[]) => {
    const out: string[] = [];
    for (let i = 0; i < xs.length; i += BATCH)
      out.push(JSON.stringify({ events: xs.slice(i, i + BATCH) }));
    return out;
  };
  const dir = mkdtempSync(join(os.tmpdir(), 'tandem-multinode-'));
  onInterrupt(() => rmSync(dir, { recursive: true, force: true }));
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(gen.plan));
  log(
    `multi-node: ${gen.events} events (+${stream.length - gen.events} duplicates), ${partners} partners, ${gen.plan.clicks.length} clicks; ${apis} api + ${workers} worker processes, then 1 all`,
  );

  try {
    const roles: Node['role'][] = [
      ...Array.from({ length: apis }, () => 'api' as const),
      ...Array.from({ length: workers }, () => 'worker' as const),
    ];
    const busy0 = machineBusySeconds();
    const t0 = performance.now();
    const multi = await run('multi', {
      roles,
      batches: toBatches(stream),
      uniqueEvents: gen.events,
      planFile,
      concurrency,
      drainLimitS,
    });
    const multiBusyCores =
      Math.round(((machineBusySeconds() - busy0) / ((performance.now() - t0) / 1000)) * 100) / 100;
    log(
      `multi: ${multi.events_per_s} events/s (ingest ${multi.ingest_s}s + drain ${multi.drain_s}s)`,
    );
    const single = await run('single', {
      roles: ['all'],
      batches: gen.batches,
      uniqueEvents: gen.events,
      planFile,
      concurrency: 1,
      drainLimitS,
    });
    log(
      `single: ${single.events_per_s} events/s (ingest ${single.ingest_s}s + drain ${single.drain_s}s)`,
    );

    const a = multi.fingerprint;
    const b = single.fingerprint;
    const problems: string[] = [];
    const diffB = firstDifference(a.detail.balances, b.detail.balances);
    if (diffB) problems.push(`balances differ: ${diffB}`);
    const diffA = firstDifference(a.detail.accruals, b.detail.accruals);
    if (diffA) problems.push(`accruals differ: ${diffA}`);
    for (const [name, f] of [
      ['multi', a],
      ['single', b],
    ] as const)
      if (f.events.stored !== gen.events || f.events.distinct !== gen.events)
        problems.push(
          `${name}: ${f.events.stored} events stored (${f.events.distinct} distinct), expected ${gen.events} once each`,
        );
    // Nothing here kills a node, so a retried batch or a logged error is a fault (a 500 from
    // a deadlock was one), even when the clients' retries absorbed it.
    const warnings: string[] = [];
    for (const r of [multi, single])
      for (const n of r.nodes)
        if (n.errors > 0) problems.push(`${n.name} logged ${n.errors} errors`);
    for (const [name, r] of [
      ['multi', multi],
      ['single', single],
    ] as const)
      if (r.delivery.retries)
        problems.push(
          `${name}: ${r.delivery.retries} batches retried; first: ${r.delivery.first_failure}`,
        );
    if (multi.delivery.rejected || single.delivery.rejected)
      problems.push(`rejected events: ${multi.delivery.rejected} / ${single.delivery.rejected}`);
    const same = !diffA && !diffB;
    const strip = (r: RunResult) => {
      const { detail: _detail, ...fp } = r.fingerprint;
      return { ...r, fingerprint: fp };
    };
    const result = {
      bench: 'multi-node',
      ok: problems.length === 0,
      same_ledger: same,
      problems,
      warnings,
      events: gen.events,
      sent: stream.length,
      duplicates_sent: stream.length - gen.events,
      window,
      partners,
      clicks: gen.plan.clicks.length,
      concurrency,
      multi: { apis, workers, ...strip(multi), machine_busy_cores: multiBusyCores },
      single: strip(single),
      machine: await machine(),
    };
    const file = writeResult('multi-node', result);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.stdout.write(
      `\n${table([
        ['run', 'processes', 'sent', 'retries', 'ingest s', 'drain s', 'events/s', 'CPU s'],
        ...[
          ['multi', `${apis} api + ${workers} worker`, stream.length, multi] as const,
          ['single', '1 all', gen.events, single] as const,
        ].map(([name, procs, sent, r]) => [
          name,
          procs,
          sent,
          r.delivery.retries,
          r.ingest_s,
          r.drain_s,
          r.events_per_s,
          r.nodes.map((n) => `${n.name} ${n.cpu_s}`).join(', '),
        ]),
      ])}\n\nledger: ${same ? 'identical' : 'DIFFERENT'} (balances ${a.balances.sha256} / ${b.balances.sha256}, ${a.balances.lines} lines; accruals ${a.accruals.sha256} / ${b.accruals.sha256}, ${a.accruals.lines} lines); events stored ${a.events.stored} / ${b.events.stored} of ${gen.events}\n${warnings.map((w) => `warning: ${w}\n`).join('')}${problems.map((p) => `PROBLEM: ${p}\n`).join('')}written to ${file}\n`,
    );
    process.exitCode = problems.length ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench/multi-node.ts failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
