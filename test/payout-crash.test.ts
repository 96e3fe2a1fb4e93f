/**
 * Payout runs survive a power cut at any step. For each crash spec a fresh
 * database gets a world (three Stripe partners, one of whom Stripe always
 * declines, and three csv partners, 25.00 each), then a child process runs
 * the whole payout flow and SIGKILLs itself at the named fault point; a
 * second process resumes (`resumePayouts`) and finishes the flow. The parent
 * then opens the database and checks: every payout is settled or failed, the
 * fake Stripe (living here, so it outlives the children) holds exactly one
 * transfer per settled Stripe payout, every ledger transaction balances,
 * every partner's balances add up to what it earned, and every payout has
 * exactly one claim and one settle or return in the ledger.
 *
 * A spec is `point` or `point#n` (the n-th time the point is reached; see
 * src/engine/faults.ts). A spec that is never reached fails the test, so
 * every listed point really is a crash. Some specs crash the resume too.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBalances } from '../src/engine/read-balances.js';
import { childCommand } from './support/child-command.js';
import { type FakeStripe, startFakeStripe } from './support/fake-stripe.js';
import {
  type CrashEnv,
  currentRun,
  declinedAccount,
  openCrashTandem,
} from './support/payout-crash-child.js';
import { ledgerSums } from './support/payout-world.js';
import { backend } from './support/test-tandem.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHILD = join(ROOT, 'test/support/payout-crash-child.ts');
const PARTNERS = 6;
const EARNED = 2500n;

interface CrashSpec {
  /** Where the first process dies while running the flow. */
  flow: string;
  /** Where the process that resumes dies too, before a third one finishes. */
  resume?: string;
}

// In a clean flow, per point: run.created 1, claim.posted_in_tx 6, claim.chunk 3 (two partners
// each), claim.done 1, approve.* 1, send.* 1, move.sending.in_tx 3, rail.before_call 3,
// rail.after_call 3, rail.recording_in_tx 2 (the declined payout records no settlement),
// rail.recorded 3, move.failed.in_tx 1, move.settled.in_tx 5 (2 Stripe, then 3 csv), import.row 3.
const specs: CrashSpec[] = [
  { flow: 'run.created' },
  { flow: 'claim.posted_in_tx' },
  { flow: 'claim.posted_in_tx#4' },
  { flow: 'claim.chunk' },
  { flow: 'claim.chunk#2' },
  { flow: 'claim.chunk#3' },
  { flow: 'claim.done' },
  { flow: 'approve.in_tx' },
  { flow: 'approve.done' },
  { flow: 'send.in_tx' },
  { flow: 'send.offline_done' },
  { flow: 'move.sending.in_tx' },
  { flow: 'move.sending.in_tx#3' },
  { flow: 'rail.before_call' },
  { flow: 'rail.before_call#3' },
  { flow: 'rail.after_call' },
  { flow: 'rail.after_call#2' },
  { flow: 'rail.after_call#3' },
  { flow: 'rail.recording_in_tx' },
  { flow: 'rail.recording_in_tx#2' },
  { flow: 'rail.recorded' },
  { flow: 'rail.recorded#3' },
  { flow: 'move.settled.in_tx' },
  { flow: 'move.settled.in_tx#2' },
  { flow: 'move.failed.in_tx' },
  { flow: 'move.settled.in_tx#3' },
  { flow: 'move.settled.in_tx#5' },
  { flow: 'import.row' },
  { flow: 'import.row#2' },
  { flow: 'import.row#3' },
  { flow: 'claim.chunk#2', resume: 'claim.chunk' },
  { flow: 'claim.posted_in_tx#3', resume: 'claim.posted_in_tx#2' },
  { flow: 'claim.done', resume: 'resume.claimed' },
  { flow: 'move.sending.in_tx#2', resume: 'move.settled.in_tx' },
  { flow: 'rail.after_call#2', resume: 'rail.after_call' },
  { flow: 'rail.recording_in_tx', resume: 'rail.recording_in_tx' },
];

const label = (s: CrashSpec) => (s.resume ? `${s.flow} then ${s.resume}` : s.flow);

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let command: string[] = ['--import', 'tsx', CHILD];

/** Runs the child script with `steps`; a child that hangs is stopped (and so fails its checks). */
function runChild(steps: string[], env: CrashEnv): Promise<ChildResult> {
  const base = { ...process.env };
  for (const k of ['CRASH_DB', 'CRASH_SCHEMA', 'TANDEM_CRASH_AT', 'FAKE_STRIPE_URL'])
    delete base[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...command, ...steps], {
      cwd: ROOT,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      stderr += '\n[payout-crash] child timed out; stopped with SIGTERM';
      child.kill('SIGTERM');
    }, 25_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const output = (r: ChildResult) =>
  `exit ${r.code ?? '-'} signal ${r.signal ?? '-'}\n${r.stdout}${r.stderr}`;

/** The JSON line a child prints once all its steps are done. */
function report(r: ChildResult): {
  flow?: string[];
  resume?: Record<string, number>;
  /** The run's status once resume returned. */
  afterResume?: string | null;
} {
  const last = r.stdout.trim().split('\n').pop() ?? '{}';
  return JSON.parse(last);
}

/** A fresh, empty database for one spec: a SQLite file, or a schema of DATABASE_URL. */
async function freshDatabase(
  dir: string,
  n: number,
): Promise<{ env: CrashEnv; drop(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const file = join(dir, `crash-${n}.db`);
    return {
      env: { CRASH_DB: file },
      drop: async () => {
        for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      },
    };
  }
  const schema = `crash_${randomBytes(6).toString('hex')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE SCHEMA ${schema}`);
  return {
    env: { DATABASE_URL: url, CRASH_SCHEMA: schema },
    drop: () => admin(`DROP SCHEMA ${schema} CASCADE`),
  };
}

describe.sequential(`payout runs survive SIGKILL at every step (${backend})`, () => {
  let stripe: FakeStripe;
  let dir: string;
  const lines: string[] = [];
  let passed = 0;
  let started = 0;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    stripe.failWhen((body) => body.destination === declinedAccount, 'declined');
    dir = mkdtempSync(join(tmpdir(), 'tandem-crash-'));
    command = await childCommand(CHILD, dir);
    started = Date.now();
  });

  afterAll(async () => {
    await stripe?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      [
        ...lines.filter((l) => l !== undefined),
        `payout crash test (${backend}): ${passed} of ${specs.length} crash specs recovered with no double payout, no lost or duplicated ledger entry, every payout final (${seconds} s)`,
      ].join('\n'),
    );
  });

  for (const [n, spec] of specs.entries()) {
    it(`killed at ${label(spec)}, restarted and resumed: paid once, ledger whole`, async () => {
      const db = await freshDatabase(dir, n);
      try {
        const env: CrashEnv = { ...db.env, FAKE_STRIPE_URL: stripe.url };
        const first = await runChild(['setup', 'flow'], { ...env, TANDEM_CRASH_AT: spec.flow });
        expect(first.signal, `${spec.flow} was never reached: ${output(first)}`).toBe('SIGKILL');
        if (spec.resume) {
          const again = await runChild(['resume'], { ...env, TANDEM_CRASH_AT: spec.resume });
          expect(again.signal, `${spec.resume} was never reached: ${output(again)}`).toBe(
            'SIGKILL',
          );
        }
        const last = await runChild(['resume', 'flow'], env);
        expect(last.code, output(last)).toBe(0);
        const done = report(last);
        // Resume alone finishes what was interrupted: no run is left claiming, and a run being
        // sent has no Stripe payout waiting any more (else the flow would send it itself).
        expect(['claiming', 'sending'], 'run status after resume').not.toContain(done.afterResume);
        await checkInvariants(env);
        passed++;
        lines[n] =
          `${label(spec).padEnd(48)} resume ${JSON.stringify(done.resume)} → ${done.afterResume}, then flow [${(done.flow ?? []).join(', ')}]`;
      } finally {
        await db.drop();
      }
    }, 40_000);
  }

  async function checkInvariants(env: CrashEnv): Promise<void> {
    const t = await openCrashTandem({ ...env, FAKE_STRIPE_URL: undefined });
    try {
      const db = t.store.db;
      const run = await currentRun(t);
      expect(run?.status).toBe('settled');
      const payouts = await db.selectFrom('payouts').selectAll().orderBy('id').execute();
      const partners = await db.selectFrom('partners').select('id').execute();
      expect(partners).toHaveLength(PARTNERS);

      // (a) Every payout is final: settled, or failed with a reason (only the declined one).
      expect(payouts).toHaveLength(PARTNERS);
      for (const p of payouts) {
        expect(p.run_id).toBe(run?.id);
        expect(['settled', 'failed'], `payout ${p.id} is ${p.status}`).toContain(p.status);
        if (p.status === 'failed') expect(p.failure_reason ?? '').toMatch(/balance_insufficient/);
        if (p.status === 'settled') expect(p.reference).toBeTruthy();
      }
      const failed = payouts.filter((p) => p.status === 'failed');
      expect(failed.map((p) => p.rail)).toEqual(['stripe']);

      // (b) Exactly one Stripe transfer per settled Stripe payout, none for the failed one.
      const transfers = stripe.transfers().filter((x) => x.metadata.run_id === run?.id);
      const stripePayouts = payouts.filter((p) => p.rail === 'stripe');
      expect(stripePayouts).toHaveLength(3);
      for (const p of stripePayouts) {
        const mine = transfers.filter((x) => x.transfer_group === p.id);
        if (p.status === 'settled') {
          expect(mine, `transfers of ${p.id}`).toHaveLength(1);
          expect(p.reference).toBe(mine[0]?.id);
          expect(BigInt(mine[0]?.amount ?? 0)).toBe(BigInt(String(p.amount)));
        } else {
          expect(mine, `transfers of failed ${p.id}`).toHaveLength(0);
        }
      }
      expect(transfers).toHaveLength(stripePayouts.filter((p) => p.status === 'settled').length);

      // (c) No partner holds two live payouts for the period.
      const live = new Map<string, number>();
      for (const p of payouts)
        if (p.status !== 'failed' && p.status !== 'canceled')
          live.set(p.partner_id, (live.get(p.partner_id) ?? 0) + 1);
      expect([...live.values()].filter((c) => c > 1)).toEqual([]);
      expect(new Set(payouts.map((p) => p.partner_id)).size).toBe(PARTNERS);

      // (d) Every ledger transaction balances per currency, so the whole ledger sums to zero.
      const unbalanced = await sql<{ tx_id: string }>`
        SELECT tx_id, currency FROM ledger_entries
        GROUP BY tx_id, currency HAVING SUM(amount) <> 0`.execute(db);
      expect(unbalanced.rows).toEqual([]);
      expect(await ledgerSums(t)).toEqual({ USD: 0n });

      // (e) What each partner earned is all still there: paid if settled, available if failed.
      for (const partner of partners) {
        const balances = await readBalances(t, partner.id);
        expect(balances.map((b) => b.currency)).toEqual(['USD']);
        const m = balances[0]!.minor;
        const sum = BigInt(m.paid) + BigInt(m.available) + BigInt(m.processing) + BigInt(m.pending);
        expect(sum, `balances of ${partner.id}`).toBe(EARNED);
        const p = payouts.find((x) => x.partner_id === partner.id);
        expect(m).toMatchObject(
          p?.status === 'settled'
            ? { paid: `${EARNED}`, available: '0', processing: '0', pending: '0' }
            : { paid: '0', available: `${EARNED}`, processing: '0', pending: '0' },
        );
      }

      // (f) Per payout: its one claim, and one settle or one return; nothing else.
      const txs = await db
        .selectFrom('ledger_transactions')
        .select(['id', 'unit', 'memo'])
        .where('unit', 'like', 'payout:%')
        .orderBy('id')
        .execute();
      const byPayout = new Map<string, { id: string; memo: string | null }[]>();
      for (const x of txs) {
        const id = (x.unit ?? '').slice('payout:'.length);
        byPayout.set(id, [...(byPayout.get(id) ?? []), { id: x.id, memo: x.memo }]);
      }
      expect([...byPayout.keys()].sort()).toEqual(payouts.map((p) => p.id).sort());
      for (const p of payouts) {
        const mine = byPayout.get(p.id) ?? [];
        const memos = mine.map((x) => x.memo).sort();
        expect(memos, `ledger of ${p.id}`).toEqual(
          p.status === 'settled' ? ['claim', 'settle'] : ['claim', 'return'],
        );
        expect(mine.find((x) => x.memo === 'claim')?.id).toBe(p.claim_tx_id);
      }
    } finally {
      await t.close();
    }
  }
});
