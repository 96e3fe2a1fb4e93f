/**
 * Payout run benchmark: claim, send and file generation of one run over many partners.
 *
 *   npm run bench:payout -- [--partners 100000] [--sqlite] [--seed 7] [--quiet-wait 20]
 *     [--query-stats] [--keep] [--runs 3]
 *
 *   --runs N       N runs, each on a fresh database; every run and the medians are reported
 *
 *   --sqlite       a SQLite file in a temp dir instead of PostgreSQL
 *   --query-stats  time every SQL statement of the claim (bench/query-stats.ts) and print the
 *                  top ones; the result file is then payout-run-<backend>-instrumented-…
 *   --keep         keep the SQLite file or the PostgreSQL database (its name is printed)
 *
 * PostgreSQL (the default) runs in a scratch database tandem_bench_payout_<pid>, created on
 * the server of DATABASE_URL (else BENCH_PG_URL, else postgres://postgres@127.0.0.1:5432/postgres)
 * and dropped at the end.
 *
 * Setup (not timed): `openTandem` (which migrates), program `ref` through `createProgram`
 * (USD, monthly payouts, minimum 10.00, single approval), in force since the start of the
 * month before last; then a bulk load with multi-row INSERTs — the API path is measured
 * elsewhere — of `--partners` approved partners (each with its status history row and its
 * enrollment), their payout profiles (60 % csv, 25 % paypal, 15 % wise) and their balances:
 * one accrual transaction per partner, +x to its available account and −x to the program's
 * expense account (x from 10.00 to 500.00 USD; 5 % of the partners get 5.00 to 9.99, below
 * the minimum, so the run holds them). One transaction per partner, not one per 1,000: with
 * a ledger_transactions table of 100 rows when ANALYZE runs, PostgreSQL caches a sequential
 * scan for the foreign-key checks against it (ledger_entries.tx_id, payouts.claim_tx_id),
 * and without autovacuum to re-analyze the claim turns quadratic — real ledgers hold at
 * least one transaction per balance.
 *
 * Measured, each on its own and with the real clock: `createPayoutRun` for the month that
 * ended last (the claim), `sendPayoutRun` (file rails: every payout becomes `sent`), and
 * every upload file of the run (`listPayoutRunFiles` + `payoutRunFile`). Then checked: one
 * payout per partner at or above the minimum, one hold per partner below it, the processing
 * accounts hold exactly the claimed balances, every paid partner's available account is at
 * zero, the ledger sums to zero, and the files hold every payout. Prints a table and writes
 * bench/results/payout-run-<backend>-<date>.json.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { periodOf } from '../src/core/bonuses.js';
import { accounts } from '../src/core/ledger.js';
import { prng } from '../src/core/prng.js';
import { createPayoutRun } from '../src/engine/create-payout-run.js';
import { type Deps, fixedClock } from '../src/engine/deps.js';
import { openTandem } from '../src/engine/open-tandem.js';
import { listPayoutRunFiles, payoutRunFile } from '../src/engine/payout-run-files.js';
import { createProgram } from '../src/engine/programs.js';
import { sendPayoutRun } from '../src/engine/send-payout-run.js';
import { chunks, inTransaction } from '../src/engine/transaction.js';
import { jsonIn, toBigInt } from '../src/store/values.js';
import {
  args,
  cpuSecondsOf,
  machine,
  machineBusySeconds,
  mediansOf,
  memoryOf,
  PG_ADMIN_URL,
  queryTable,
  runsOption,
  scratchStore,
  table,
  waitForQuiet,
  writeResult,
} from './lib.js';
import { installQueryStats, resetQueryStats, writeQueryStats } from './query-stats.js';

const MINIMUM = 1000n; // 10.00 USD in minor units
/** Partners per load transaction; every INSERT stays at 1,000 rows (≤ 8,000 bind parameters). */
const BLOCK = 10_000;
const ROWS = 1000;

interface Loaded {
  payable: number;
  held: number;
  payableMinor: bigint;
  heldMinor: bigint;
  rails: Record<string, number>;
}

/** Partner n's payout profile: rails in the proportions 12 : 5 : 3. */
function profileOf(n: number, name: string): { rail: string; details: Record<string, string> } {
  const slot = n % 20;
  const num = String(n).padStart(8, '0');
  if (slot < 12) return { rail: 'csv', details: { account_holder: name, account_number: num } };
  if (slot < 17) return { rail: 'paypal', details: { email: `partner${num}@example.com` } };
  return { rail: 'wise', details: { account_holder: name, iban: `DE8937040044${num}00` } };
}

async function load(
  deps: Deps,
  programId: string,
  partners: number,
  seed: number,
  times: { joined: number; earned: number },
): Promise<Loaded> {
  const rand = prng(seed);
  const out: Loaded = { payable: 0, held: 0, payableMinor: 0n, heldMinor: 0n, rails: {} };
  const expense = accounts.expense(programId);
  for (let from = 1; from <= partners; from += BLOCK) {
    const to = Math.min(partners, from + BLOCK - 1);
    const rows = {
      partners: [] as Record<string, unknown>[],
      history: [] as Record<string, unknown>[],
      enrollments: [] as Record<string, unknown>[],
      profiles: [] as Record<string, unknown>[],
      txs: [] as Record<string, unknown>[],
      entries: [] as Record<string, unknown>[],
    };
    for (let n = from; n <= to; n++) {
      const num = String(n).padStart(6, '0');
      const id = `prt_bench_${num}`;
      const name = `Bench Partner ${num}`;
      const at = times.joined;
      rows.partners.push({
        id,
        name,
        email: null,
        kinds: jsonIn(['referral']),
        status: 'approved',
        status_reason: null,
        created_at: at,
        updated_at: at,
      });
      rows.history.push({ id: `psh_bench_${num}`, partner_id: id, status: 'approved', at });
      rows.enrollments.push({ program_id: programId, partner_id: id, created_at: at });
      const profile = profileOf(n, name);
      out.rails[profile.rail] = (out.rails[profile.rail] ?? 0) + 1;
      rows.profiles.push({
        partner_id: id,
        rail: profile.rail,
        details: jsonIn(profile.details),
        currency: null,
        tax_form: null,
        tax_id_present: 0,
        tax_country: null,
        created_at: at,
        updated_at: at,
      });
      // 5 % below the minimum (5.00–9.99), the others 10.00–500.00.
      const below = rand() < 0.05;
      const x = below
        ? 500n + BigInt(Math.floor(rand() * 500))
        : MINIMUM + BigInt(Math.floor(rand() * 49_001));
      if (below) {
        out.held++;
        out.heldMinor += x;
      } else {
        out.payable++;
        out.payableMinor += x;
      }
      const txId = `ltx_bench_${num}`;
      rows.txs.push({
        id: txId,
        kind: 'accrual',
        unit: null,
        created_at: times.earned,
        memo: 'bench balance',
      });
      // One accrual per partner: its pair balances, so every transaction does.
      const entry = { tx_id: txId, currency: 'USD', line_id: null, created_at: times.earned };
      rows.entries.push({ ...entry, account: expense, amount: -x });
      rows.entries.push({
        ...entry,
        account: accounts.available(programId, id),
        amount: x,
      });
    }
    await inTransaction(deps, async (tx) => {
      const insert = async (name: string, list: Record<string, unknown>[]) => {
        for (const part of chunks(list, ROWS))
          await tx
            .insertInto(name as never)
            .values(part as never)
            .execute();
      };
      await insert('partners', rows.partners);
      await insert('partner_status_history', rows.history);
      await insert('enrollments', rows.enrollments);
      await insert('payout_profiles', rows.profiles);
      await insert('ledger_transactions', rows.txs);
      await insert('ledger_entries', rows.entries);
    });
    process.stderr.write(`  loaded ${to} partners\n`);
  }
  return out;
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Resets this process's peak RSS (VmHWM), so the run's own peak is read after it. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * CPU seconds of a phase: this process, the PostgreSQL backends of the scratch database, and
 * everything else on the machine (`other`: near 0 on a quiet machine; more means the phase
 * shared the cores with other work and its time is pessimistic).
 */
async function cpuMeter(deps: Deps) {
  const backends = async () =>
    deps.store.dialect === 'postgres'
      ? (
          await sql<{ pid: number }>`
            SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(
            deps.store.db,
          )
        ).rows.map((r) => Number(r.pid))
      : [];
  const pg0 = new Map((await backends()).map((pid) => [pid, cpuSecondsOf(pid)]));
  const machine0 = machineBusySeconds();
  const self0 = process.cpuUsage();
  return {
    async read() {
      const machine = machineBusySeconds() - machine0;
      const self = process.cpuUsage(self0);
      const bench = (self.user + self.system) / 1e6;
      let postgres = 0;
      for (const pid of new Set([...pg0.keys(), ...(await backends())])) {
        const now = cpuSecondsOf(pid);
        if (!Number.isNaN(now)) postgres += now - (pg0.get(pid) ?? 0);
      }
      return {
        bench: round(bench, 1),
        ...(deps.store.dialect === 'postgres' ? { postgres_backends: round(postgres, 1) } : {}),
        other: round(Math.max(0, machine - bench - postgres), 1),
      };
    },
  };
}

async function verify(deps: Deps, programId: string, runId: string, loaded: Loaded) {
  const db = deps.store.db;
  const prefix = accounts.partnerPrefix(programId);
  const end = `${prefix.slice(0, -1)};`;
  const payouts = (
    await sql<{ n: unknown; total: unknown; sent: unknown }>`
      SELECT COUNT(*) AS n, SUM(amount) AS total,
        SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END) AS sent
      FROM payouts WHERE run_id = ${runId}`.execute(db)
  ).rows[0];
  const skips = (
    await sql<{ n: unknown; below: unknown }>`
      SELECT COUNT(*) AS n, SUM(CASE WHEN reason = 'below_minimum' THEN 1 ELSE 0 END) AS below
      FROM payout_skips WHERE run_id = ${runId}`.execute(db)
  ).rows[0];
  const processing = (
    await sql<{ total: unknown }>`
      SELECT SUM(amount) AS total FROM ledger_entries
      WHERE account >= ${prefix} AND account < ${end} AND account LIKE ${'%:processing'}`.execute(
      db,
    )
  ).rows[0];
  // Every paid partner's available account, summed: all of them must be back at zero.
  const available = (
    await sql<{ accounts: unknown; nonzero: unknown }>`
      SELECT COUNT(*) AS accounts, SUM(CASE WHEN t.total <> 0 THEN 1 ELSE 0 END) AS nonzero
      FROM (
        SELECT SUM(e.amount) AS total FROM payouts p
        JOIN ledger_entries e ON e.account = ${prefix} || p.partner_id || ${':available'}
        WHERE p.run_id = ${runId}
        GROUP BY p.partner_id
      ) t`.execute(db)
  ).rows[0];
  // What carries forward: the held partners' balances, untouched.
  const carried = (
    await sql<{ total: unknown }>`
      SELECT SUM(amount) AS total FROM ledger_entries
      WHERE account >= ${prefix} AND account < ${end} AND account LIKE ${'%:available'}`.execute(db)
  ).rows[0];
  const ledger = (
    await sql<{ total: unknown }>`SELECT SUM(amount) AS total FROM ledger_entries`.execute(db)
  ).rows[0];
  const got = {
    payouts: Number(payouts?.n),
    payouts_sent: Number(payouts?.sent ?? 0),
    payouts_minor: toBigInt(payouts?.total),
    held: Number(skips?.n),
    held_below_minimum: Number(skips?.below ?? 0),
    processing_minor: toBigInt(processing?.total),
    paid_available_accounts: Number(available?.accounts),
    paid_available_nonzero: Number(available?.nonzero ?? 0),
    available_left_minor: toBigInt(carried?.total),
    ledger_sum: toBigInt(ledger?.total),
  };
  const failures: string[] = [];
  const expect = (what: string, actual: unknown, wanted: unknown) => {
    if (actual !== wanted) failures.push(`${what}: ${actual}, expected ${wanted}`);
  };
  expect('payouts', got.payouts, loaded.payable);
  expect('payouts sent', got.payouts_sent, loaded.payable);
  expect('payouts total', got.payouts_minor, loaded.payableMinor);
  expect('held', got.held, loaded.held);
  expect('held below minimum', got.held_below_minimum, loaded.held);
  expect('processing', got.processing_minor, loaded.payableMinor);
  expect('available accounts of paid partners', got.paid_available_accounts, loaded.payable);
  expect('available accounts of paid partners not at zero', got.paid_available_nonzero, 0);
  expect('available left (held balances)', got.available_left_minor, loaded.heldMinor);
  expect('ledger sum', got.ledger_sum, 0n);
  return { ...got, failures };
}

async function main() {
  const opts = args();
  const backend = opts.has('sqlite') ? 'sqlite' : 'postgres';
  const partners = Number(opts.get('partners') ?? 100_000);
  if (!Number.isInteger(partners) || partners < 1 || partners > 999_999)
    throw new Error('--partners must be an integer from 1 to 999999');
  const seed = Number(opts.get('seed') ?? 7);
  const keep = opts.has('keep');
  const queryStats = opts.has('query-stats');
  if (queryStats) installQueryStats();

  const runs = runsOption(opts);
  const all: Awaited<ReturnType<typeof runOnce>>[] = [];
  for (let i = 1; i <= runs; i++) {
    if (runs > 1) process.stderr.write(`--- run ${i} of ${runs} (${backend}, a fresh database)\n`);
    all.push(await runOnce({ opts, backend, partners, seed, keep, queryStats }));
  }
  const first = all[0] as (typeof all)[number];
  const medians = mediansOf(all, [
    'run.claim_seconds',
    'run.claim_partners_per_second',
    'run.send_seconds',
    'run.files_seconds',
    'run.total_seconds',
    'run.peak_rss_mib',
  ]);
  const ok = all.every((r) => r.check.ok);
  const result = {
    benchmark: 'payout-run',
    backend,
    date: new Date().toISOString(),
    machine: first.machine,
    workload: first.workload,
    runs: all.length,
    medians,
    // What single-run files had: the median total, and whether every run's check passed.
    total_seconds: medians['run.total_seconds'],
    check_ok: ok,
    every_run: all,
  };
  process.stdout.write(`${JSON.stringify(result)}\n\n`);
  process.stdout.write(
    `${table([
      ['payout run ' + backend, 'claim s', 'send s', 'files s', 'total s', 'peak RSS MiB', 'check'],
      ...all.map((r, i) => [
        `run ${i + 1}`,
        r.run.claim_seconds,
        r.run.send_seconds,
        r.run.files_seconds,
        r.run.total_seconds,
        r.run.peak_rss_mib,
        r.check.ok ? 'ok' : 'FAILED',
      ]),
      [
        'median',
        medians['run.claim_seconds'] as number,
        medians['run.send_seconds'] as number,
        medians['run.files_seconds'] as number,
        medians['run.total_seconds'] as number,
        medians['run.peak_rss_mib'] as number,
        ok ? 'all ok' : 'NOT ALL',
      ],
    ])}\n` +
      `payout run: ${partners} partners in ${medians['run.total_seconds']} s (median of ${all.length}, ${backend})\n`,
  );
  // Instrumented runs are slower; keep them apart from the plain figures.
  const name = `payout-run-${backend}${queryStats ? '-instrumented' : ''}`;
  process.stdout.write(`written: ${writeResult(name, result)}\n`);
  if (!ok) process.exitCode = 1;
}

/** One run on a fresh database: load, then claim, send and files, then the checks. */
async function runOnce(ctx: {
  opts: Map<string, string>;
  backend: 'sqlite' | 'postgres';
  partners: number;
  seed: number;
  keep: boolean;
  queryStats: boolean;
}) {
  const { opts, backend, partners, seed, keep, queryStats } = ctx;
  const store = await scratchStore(
    backend,
    'tandem_bench_payout',
    process.env.DATABASE_URL ?? PG_ADMIN_URL,
  );
  // The real clock: the run pays the month that ended last.
  const deps = await openTandem(store.open);
  try {
    const now = Date.now();
    const thisMonth = periodOf('month', now);
    const lastMonth = periodOf('month', thisMonth.start - 1);
    const since = periodOf('month', lastMonth.start - 1).start;
    const t0 = performance.now();
    const program = await createProgram(
      { ...deps, clock: fixedClock(since) },
      {
        key: 'ref',
        name: 'Referrals',
        firstVersion: {
          effectiveFrom: since,
          terms: {
            currency: 'USD',
            hold_days: 0,
            rewards: [{ id: 'share', event: 'payment', percent: 10 }],
            payouts: { minimum: '10.00' },
          },
        },
      },
      'bench',
    );
    const loaded = await load(deps, program.id, partners, seed, {
      joined: since + 86_400_000,
      earned: lastMonth.start + 14 * 86_400_000,
    });
    // What a database in service has: planner statistics.
    await sql`ANALYZE`.execute(deps.store.db);
    const loadS = (performance.now() - t0) / 1000;
    process.stderr.write(`loaded ${partners} partners in ${loadS.toFixed(1)} s\n`);

    const quiet = await waitForQuiet(Number(opts.get('quiet-wait') ?? 20));
    const resetOk = resetPeakRss();
    const cpu0 = process.cpuUsage();

    if (queryStats) resetQueryStats();
    const claimCpu = await cpuMeter(deps);
    let t = process.hrtime.bigint();
    const run = await createPayoutRun(deps, {
      program: 'ref',
      period: lastMonth.key,
      actor: 'bench',
    });
    const claimS = seconds(t);
    const claimCpuSeconds = await claimCpu.read();
    let queries: { sql: string; calls: number; ms: number; rows: number }[] | undefined;
    if (queryStats) {
      const file = join(os.tmpdir(), `tandem-bench-payout-queries-${process.pid}.json`);
      writeQueryStats(file);
      queries = JSON.parse(readFileSync(file, 'utf8'));
      rmSync(file, { force: true });
    }
    process.stderr.write(`claimed ${run.payouts} payouts in ${claimS.toFixed(1)} s\n`);

    t = process.hrtime.bigint();
    const sent = await sendPayoutRun(deps, run.id, 'bench');
    const sendS = seconds(t);

    t = process.hrtime.bigint();
    const list = await listPayoutRunFiles(deps, run.id);
    const files: {
      rail: string;
      currency: string;
      payouts: number;
      bytes: number;
      error?: string;
    }[] = [];
    for (const { rail, currency, payouts } of list) {
      const f = { rail, currency, payouts };
      // A file that cannot be generated is a finding, not a reason to lose the other figures.
      try {
        const file = await payoutRunFile(deps, run.id, rail, currency);
        files.push({ ...f, bytes: Buffer.byteLength(file.body) });
      } catch (e) {
        const error = (e as Error).message;
        process.stderr.write(`${f.rail} file (${f.payouts} payouts) failed: ${error}\n`);
        files.push({ ...f, bytes: 0, error });
      }
    }
    const filesS = seconds(t);
    const cpu = process.cpuUsage(cpu0);
    const mem = memoryOf(process.pid);
    const bytes = files.reduce((s, f) => s + f.bytes, 0);
    const filePayouts = files.reduce((s, f) => s + (f.error ? 0 : f.payouts), 0);

    const check = await verify(deps, program.id, run.id, loaded);
    for (const f of files)
      if (f.error) check.failures.push(`${f.rail} file of ${f.payouts} payouts: ${f.error}`);
    if (filePayouts !== loaded.payable)
      check.failures.push(`payouts in files: ${filePayouts}, expected ${loaded.payable}`);
    if (sent.status !== 'sent') check.failures.push(`run status: ${sent.status}, expected sent`);
    const totalS = claimS + sendS + filesS;

    const result = {
      benchmark: 'payout-run',
      backend,
      date: new Date().toISOString(),
      machine: await machine(),
      quiet_cores_before: quiet,
      workload: {
        partners,
        seed,
        period: lastMonth.key,
        minimum_minor: `${MINIMUM}`,
        rails: loaded.rails,
        payable: loaded.payable,
        below_minimum: loaded.held,
        payable_minor: `${loaded.payableMinor}`,
        ledger_transactions: partners,
        ledger_entries: 2 * partners,
      },
      load_seconds: round(loadS, 1),
      run: {
        id: run.id,
        payouts: run.payouts,
        held: run.held,
        claim_seconds: round(claimS),
        claim_partners_per_second: Math.round(partners / claimS),
        send_seconds: round(sendS),
        files_seconds: round(filesS),
        files,
        files_bytes: bytes,
        total_seconds: round(totalS),
        cpu_seconds: round((cpu.user + cpu.system) / 1e6, 1),
        claim_cpu_seconds: claimCpuSeconds,
        peak_rss_mib: mem.peakRssMiB,
        peak_rss_reset: resetOk,
      },
      check: {
        ...check,
        payouts_minor: `${check.payouts_minor}`,
        processing_minor: `${check.processing_minor}`,
        available_left_minor: `${check.available_left_minor}`,
        ledger_sum: `${check.ledger_sum}`,
        ok: check.failures.length === 0,
      },
      ...(queries ? { claim_top_queries: queries.slice(0, 15) } : {}),
    };
    process.stdout.write(
      `${table([
        [
          'backend',
          'partners',
          'payouts',
          'held',
          'claim s',
          'partners/s',
          'send s',
          'files s',
          'file bytes',
          'total s',
          'peak RSS MiB',
        ],
        [
          backend,
          partners,
          run.payouts,
          loaded.held,
          result.run.claim_seconds,
          result.run.claim_partners_per_second,
          result.run.send_seconds,
          result.run.files_seconds,
          bytes,
          result.run.total_seconds,
          mem.peakRssMiB,
        ],
      ])}\n\n`,
    );
    process.stdout.write(
      `claim CPU seconds: this process ${claimCpuSeconds.bench}` +
        ('postgres_backends' in claimCpuSeconds
          ? `, PostgreSQL backends ${claimCpuSeconds.postgres_backends}`
          : '') +
        `, other processes ${claimCpuSeconds.other} (of ${round(claimS * os.availableParallelism(), 1)} available)\n\n`,
    );
    if (queries)
      process.stdout.write(`${queryTable('SQL time of the claim by statement', queries)}\n\n`);
    process.stdout.write(
      check.failures.length
        ? `CHECK FAILED:\n  ${check.failures.join('\n  ')}\n`
        : 'check: payouts, holds, processing, available and ledger sums all as expected\n',
    );
    return result;
  } finally {
    await deps.close();
    await store.cleanup(keep);
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 1;
});
