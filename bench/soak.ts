/**
 * A bounded soak: a steady mixed load on one real server for `--minutes`, watching its memory
 * and counting every failure. Not a throughput test: the rates are moderate and fixed.
 *
 *   npx tsx bench/soak.ts [--minutes 10] [--backend sqlite|postgres]
 *     [--redirects 200] [--events 20] [--reads 20] [--batch 5] [--partners 20]
 *
 * The server is bench/serve.ts (buildServer and the worker, as `npm start` runs them) in a
 * child process, on a SQLite file in a temp dir or a scratch PostgreSQL database (BENCH_PG_URL
 * or the local server), with a program on demoTerms and partners with links, referral codes,
 * coupons and portal keys. Per second: `--redirects` GET /r/:code, `--events` POST /v1/events
 * of `--batch` events (signups quoting a code or coupon, activations, payments, refunds, all
 * new), `--reads` portal reads with a partner key (dashboard, balances, accruals, customers).
 * An error is any status other than 2xx/3xx, a refused event, or a failed connection (or no
 * answer in 30 s). A request that cannot start because `--max-in-flight` (500) of its kind are
 * still open is skipped and counted as `behind`: reported with the achieved rates, not an
 * error (a machine shared with other work slows the server; a stalled one shows as timeouts).
 *
 * At the end the load stops, the derivation queue must drain (within 120 s), and the server's
 * resident memory at start, end and peak (VmRSS/VmHWM) is reported. Prints
 * `{"bench":"soak",…}`, writes bench/results/soak-<backend>-<date>.json, exits 1 on any error.
 * The temp dir or database is removed however the run ends (Ctrl-C included).
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { WAITING_SQL } from '../src/engine/dirty-units.js';
import {
  args,
  type Child,
  cpuSecondsOf,
  machine,
  machineBusySeconds,
  memoryOf,
  onInterrupt,
  scratchStore,
  sleep,
  startChild,
  table,
  writeResult,
} from './lib.js';
import { generate } from './workload.js';

const log = (s: string) => process.stderr.write(`${s}\n`);

interface Stream {
  name: string;
  rate: number;
  /** Issues one request; resolves with an error message, or undefined when it succeeded. */
  send(n: number): Promise<string | undefined>;
  sent: number;
  ok: number;
  errors: number;
  behind: number;
  inFlight: number;
  ms: number[];
  firstErrors: string[];
}

function request(
  agent: http.Agent,
  port: number,
  method: string,
  path: string,
  key?: string,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent,
        timeout: 30_000,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
            : {}),
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36',
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
    req.on('timeout', () => req.destroy(new Error('request timed out after 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const fine = (status: number) => status >= 200 && status < 400;

function quantile(xs: number[], q: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] as number) * 10) / 10;
}

/** Keeps `stream.rate` requests a second going until `until`, on a 50 ms tick. */
async function drive(stream: Stream, until: number, maxInFlight: number): Promise<void> {
  const t0 = performance.now();
  const pending = new Set<Promise<void>>();
  let due = 0;
  while (performance.now() < until) {
    const target = Math.floor(((performance.now() - t0) / 1000) * stream.rate);
    for (; due < target; due++) {
      if (stream.inFlight >= maxInFlight) {
        stream.behind++;
        continue;
      }
      const n = stream.sent++;
      stream.inFlight++;
      const ts = performance.now();
      const p = stream
        .send(n)
        .catch((e: unknown) => (e instanceof Error ? e.message : String(e)))
        .then((error) => {
          stream.ms.push(performance.now() - ts);
          stream.inFlight--;
          if (error === undefined) stream.ok++;
          else {
            stream.errors++;
            if (stream.firstErrors.length < 5) stream.firstErrors.push(`#${n}: ${error}`);
          }
        });
      pending.add(p);
      void p.then(() => pending.delete(p));
    }
    await sleep(50);
  }
  await Promise.all(pending);
}

async function main() {
  const opts = args();
  const minutes = Number(opts.get('minutes') ?? 10);
  const backend = (opts.get('backend') ?? 'sqlite') as 'sqlite' | 'postgres';
  if (backend !== 'sqlite' && backend !== 'postgres')
    throw new Error(`--backend must be sqlite or postgres; got ${backend}`);
  const rates = {
    redirects: Number(opts.get('redirects') ?? 200),
    events: Number(opts.get('events') ?? 20),
    reads: Number(opts.get('reads') ?? 20),
  };
  const batch = Number(opts.get('batch') ?? 5);
  const partners = Number(opts.get('partners') ?? 20);
  const maxInFlight = Number(opts.get('max-in-flight') ?? 500);
  const portalKeys = Math.min(partners, 5);

  const store = await scratchStore(backend, 'tandem_soak');
  const dir = mkdtempSync(join(os.tmpdir(), 'tandem-soak-'));
  const forgetDir = onInterrupt(() => rmSync(dir, { recursive: true, force: true }));
  let child: Child | undefined;
  let monitor: { dirty(): Promise<number>; clicks(): Promise<number>; close(): Promise<void> } = {
    dirty: async () => 0,
    clicks: async () => 0,
    close: async () => {},
  };
  let failure: unknown;
  try {
    // The world only (no events): a program on demoTerms in effect since 330 days ago.
    const world = generate({ events: 0, batch: 500, partners, seed: 11, now: Date.now() });
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, JSON.stringify(world.plan));
    const at = 'file' in store.open ? ['--file', store.open.file] : ['--url', store.open.url];
    child = await startChild('bench/serve.ts', [
      '--mode',
      'ingest',
      '--plan',
      planFile,
      '--partner-keys',
      String(portalKeys),
      ...at,
    ]);
    const server = child;
    const port = server.ready.port as number;
    const adminKey = server.ready.adminKey as string;
    const portal = server.ready.partnerKeys as { id: string; key: string }[];
    if ('file' in store.open) {
      const db = new Database(store.open.file, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      const one = (q: string) => Number((db.prepare(q).get() as { n: number | bigint }).n);
      monitor = {
        dirty: async () => one(`SELECT ${WAITING_SQL} AS n`),
        clicks: async () => one('SELECT COUNT(*) AS n FROM clicks'),
        close: async () => {
          db.close();
        },
      };
    } else {
      const c = new pg.Client({ connectionString: store.open.url });
      // Ctrl-C drops the database under it (WITH FORCE): that is no crash.
      c.on('error', () => {});
      await c.connect();
      const one = async (q: string) => Number((await c.query(q)).rows[0].n);
      monitor = {
        dirty: () => one(`SELECT ${WAITING_SQL} AS n`),
        clicks: () => one('SELECT COUNT(*) AS n FROM clicks'),
        close: () => c.end(),
      };
    }
    const memStart = memoryOf(server.pid);
    log(
      `soak (${backend}): server pid ${server.pid} on port ${port}, ${memStart.rssMiB} MiB; ${minutes} min of ${rates.redirects} redirects/s, ${rates.events} event batches/s of ${batch}, ${rates.reads} portal reads/s`,
    );

    // One connection pool per stream, as wide as its in-flight limit: no stream queues behind another.
    const agents = [1, 2, 3].map(
      () => new http.Agent({ keepAlive: true, maxSockets: maxInFlight }),
    );
    const [redirectAgent, eventAgent, portalAgent] = agents as [http.Agent, http.Agent, http.Agent];
    const run = process.pid.toString(36) + Date.now().toString(36);
    const stream = (name: string, rate: number, send: Stream['send']): Stream => ({
      name,
      rate,
      send,
      sent: 0,
      ok: 0,
      errors: 0,
      behind: 0,
      inFlight: 0,
      ms: [],
      firstErrors: [],
    });
    let refused = 0;
    const streams = [
      stream('redirect', rates.redirects, async (n) => {
        const r = await request(redirectAgent, port, 'GET', `/r/bench-${n % partners}?utm=soak`);
        return r.status === 302 ? undefined : `GET /r: HTTP ${r.status} ${r.body.slice(0, 200)}`;
      }),
      stream('events', rates.events, async (n) => {
        const now = Date.now();
        const iso = (dt: number) => new Date(now - dt).toISOString();
        const p = n % partners;
        const events: Record<string, unknown>[] = [];
        for (let i = 0; events.length < batch; i++) {
          const customer = { id: `cus_soak_${run}_${n}_${i}`, side: i % 2 ? 'buyer' : 'seller' };
          const quoted = i % 3 === 0 ? { coupon: `BR${p}OFF` } : { referral_code: `BR${p}` };
          const id = `soak-${run}-${n}-${i}`;
          const own = [
            { id: `${id}-s`, type: 'signup', occurred_at: iso(3000), customer, ...quoted },
            { id: `${id}-a`, type: 'activation', occurred_at: iso(2000), customer },
            {
              id: `${id}-p`,
              type: 'payment',
              occurred_at: iso(1000),
              customer,
              currency: 'USD',
              revenue: `${20 + (n % 80)}.00`,
              gross: `${100 + (n % 400)}.00`,
            },
            ...(n % 10 === 0
              ? [
                  {
                    id: `${id}-r`,
                    type: 'refund',
                    occurred_at: iso(0),
                    customer,
                    payment_id: `${id}-p`,
                  },
                ]
              : []),
          ];
          events.push(...own.slice(0, batch - events.length));
        }
        const r = await request(
          eventAgent,
          port,
          'POST',
          '/v1/events',
          adminKey,
          JSON.stringify({ events }),
        );
        if (r.status !== 200) return `POST /v1/events: HTTP ${r.status} ${r.body.slice(0, 200)}`;
        const body = JSON.parse(r.body) as { accepted: number; rejected: number };
        if (body.rejected || body.accepted !== events.length) {
          refused += body.rejected;
          return `POST /v1/events: ${body.accepted} accepted, ${body.rejected} rejected: ${r.body.slice(0, 300)}`;
        }
        return undefined;
      }),
      stream('portal', rates.reads, async (n) => {
        const who = portal[n % portal.length] as { id: string; key: string };
        const path = [
          `/v1/partners/${who.id}/dashboard`,
          `/v1/partners/${who.id}/dashboard`,
          `/v1/partners/${who.id}/balances`,
          `/v1/partners/${who.id}/accruals?limit=20`,
          `/v1/partners/${who.id}/customers?limit=20`,
        ][Math.floor(n / portal.length) % 5] as string;
        const r = await request(portalAgent, port, 'GET', path, who.key);
        return fine(r.status) ? undefined : `GET ${path}: HTTP ${r.status} ${r.body.slice(0, 200)}`;
      }),
    ];

    // Memory every 5 s (VmHWM keeps the peak; the samples show a trend).
    const samples: [number, number][] = [];
    const cpu0 = cpuSecondsOf(server.pid);
    const busy0 = machineBusySeconds();
    const t0 = performance.now();
    const until = t0 + minutes * 60_000;
    const sampler = setInterval(() => {
      try {
        const t = Math.round((performance.now() - t0) / 1000);
        const m = memoryOf(server.pid);
        samples.push([t, m.rssMiB]);
        if (t % 60 < 5)
          log(
            `  t=${t}s rss ${m.rssMiB} MiB; ${streams.map((s) => `${s.name} ${s.ok} ok ${s.errors + s.behind} errors`).join(', ')}`,
          );
      } catch {}
    }, 5000);
    try {
      await Promise.all(streams.map((s) => drive(s, until, maxInFlight)));
    } finally {
      clearInterval(sampler);
      for (const a of agents) a.destroy();
    }
    const loadS = (performance.now() - t0) / 1000;
    const serverCpuS = Math.round((cpuSecondsOf(server.pid) - cpu0) * 10) / 10;
    // How busy the whole machine was: a shared machine makes every figure pessimistic.
    const machineBusyCores = Math.round(((machineBusySeconds() - busy0) / loadS) * 100) / 100;

    // The queue must drain once the load stops.
    const tDrain = performance.now();
    let dirty = await monitor.dirty();
    while (dirty > 0 && performance.now() - tDrain < 120_000) {
      await sleep(200);
      dirty = await monitor.dirty();
    }
    const drainS = Math.round((performance.now() - tDrain) / 100) / 10;
    const memEnd = memoryOf(server.pid);
    const stopped = await server.stop();
    child = undefined;
    const clicksStored = await monitor.clicks();

    const redirects = streams[0] as Stream;
    const errors = streams.reduce((s, x) => s + x.errors, 0) + server.errors.count;
    const warnings = streams
      .filter((s) => s.behind)
      .map((s) => `${s.name}: ${s.behind} requests skipped (${maxInFlight} still open)`);
    const problems = [
      ...streams.flatMap((s) => s.firstErrors.map((e) => `${s.name} ${e}`)),
      ...(server.errors.count
        ? [`server logged ${server.errors.count} errors: ${server.errors.first}`]
        : []),
      ...(dirty ? [`derivation queue not drained after 120 s: ${dirty} units`] : []),
      // Every redirect answered is a click, written by the time the server has stopped.
      ...(clicksStored < redirects.ok
        ? [`${redirects.ok} redirects answered but ${clicksStored} clicks stored`]
        : []),
      ...(stopped.code !== 0 ? [`server exited with ${stopped.code}`] : []),
    ];
    const ok = problems.length === 0;
    const result = {
      bench: 'soak',
      backend,
      ok,
      minutes,
      load_s: Math.round(loadS),
      rates,
      batch,
      requests: Object.fromEntries(
        streams.map((s) => [
          s.name,
          {
            sent: s.sent,
            ok: s.ok,
            errors: s.errors,
            behind: s.behind,
            per_s: Math.round((s.ok / loadS) * 10) / 10,
            p50_ms: quantile(s.ms, 0.5),
            p99_ms: quantile(s.ms, 0.99),
            max_ms: quantile(s.ms, 1),
          },
        ]),
      ),
      errors,
      refused_events: refused,
      server_errors_logged: server.errors.count,
      clicks_stored: clicksStored,
      queue_drained: dirty === 0,
      drain_s: drainS,
      server_cpu_s: serverCpuS,
      machine_busy_cores: machineBusyCores,
      rss_mib: { start: memStart.rssMiB, end: memEnd.rssMiB, peak: memEnd.peakRssMiB },
      rss_samples: samples,
      problems,
      warnings,
      machine: await machine(),
    };
    const file = writeResult(`soak-${backend}`, result);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.stdout.write(
      `\n${table([
        ['stream', 'rate/s', 'sent', 'ok', 'errors', 'behind', 'p50 ms', 'p99 ms', 'max ms'],
        ...streams.map((s) => [
          s.name,
          s.rate,
          s.sent,
          s.ok,
          s.errors,
          s.behind,
          quantile(s.ms, 0.5),
          quantile(s.ms, 0.99),
          quantile(s.ms, 1),
        ]),
      ])}\n\nserver CPU ${serverCpuS} s in ${Math.round(loadS)} s (machine busy ${machineBusyCores} of ${os.availableParallelism()} cores); RSS: ${memStart.rssMiB} MiB at start, ${memEnd.rssMiB} MiB at end, peak ${memEnd.peakRssMiB} MiB; queue ${dirty === 0 ? `drained in ${drainS}s` : `NOT drained (${dirty} units)`}; ${clicksStored} clicks stored\n${warnings.map((w) => `warning: ${w}\n`).join('')}${problems.map((p) => `PROBLEM: ${p}\n`).join('')}${ok ? 'ok' : 'FAILED'}: written to ${file}\n`,
    );
    process.exitCode = ok ? 0 : 1;
  } catch (e) {
    failure = e;
  } finally {
    // Always clean up, in this order: the server, our reader, the database or its directory.
    await child?.stop().catch(() => {});
    await monitor.close().catch(() => {});
    await store.cleanup().catch((e: unknown) => log(`cleanup failed: ${String(e)}`));
    rmSync(dir, { recursive: true, force: true });
    forgetDir();
  }
  if (failure) throw failure;
}

main().catch((e) => {
  process.stderr.write(`bench/soak.ts failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
