import { sql } from 'kysely';
import { parsePeriodKey, periodOf } from '../core/bonuses.js';
import type { Currency } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { accounts, claimEntries } from '../core/ledger.js';
import { profileHolds } from '../core/payout-profile.js';
import type { PayoutTerms } from '../core/payout-terms.js';
import { planPayout } from '../core/plan-payout.js';
import { versionInForce } from '../core/program-version.js';
import type { PayoutsTable } from '../store/schema.js';
import { jsonIn, toBigInt } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { loadRateTable } from './fx-rates.js';
import { loadPrograms } from './load-programs.js';
import { loadPayoutProfiles } from './payout-profiles.js';
import { emitRunEvent, postTransactions, runStatus, sourcesJson } from './payout-records.js';
import { findProgram } from './programs.js';
import { type PayoutRunView, readPayoutRun } from './read-payout-runs.js';
import { chunks, type Db, inTransaction, type Tx } from './transaction.js';

/** Partners claimed per database transaction. */
const CHUNK = 500;

/**
 * Creates a payout run of a program for an ended period (default: the
 * latest ended one) and claims every eligible partner's available balance
 * into payouts. The run row is written first (status `claiming`), then
 * partners are claimed in chunks, each chunk one transaction that writes its
 * payouts, their ledger claims and the holds of partners it skips — so every
 * payout exists with its id before any rail is called, and a crash leaves a
 * run that `resumePayouts` finishes where it stopped. At most one live run
 * per program and period (a unique index), and claims of one program are
 * serialized, so concurrent runs never claim the same money twice.
 * Errors: `program_not_found`, `invalid_period`, `period_not_ended`,
 * `no_terms_in_force`, `payout_run_exists`.
 */
export async function createPayoutRun(
  deps: Deps,
  input: { program: string; period?: string | undefined; actor: string },
  opts: { chunk?: number } = {},
): Promise<PayoutRunView> {
  const now = deps.clock.now();
  const program = await findProgram(deps.store.db, input.program);
  const terms = await termsInForce(deps.store.db, program.id, now);
  const period =
    input.period ?? periodOf(terms.terms.period, periodOf(terms.terms.period, now).start - 1).key;
  const parsed = parsePeriodKey(period);
  if (!parsed || parsed.period !== terms.terms.period)
    throw new TandemError(
      'invalid_period',
      `period must be a ${terms.terms.period} such as ${periodOf(terms.terms.period, now).key}`,
    );
  if (parsed.end > now)
    throw new TandemError('period_not_ended', `period ${period} has not ended yet`, {
      ends_at: new Date(parsed.end).toISOString(),
    });
  const runId = await inTransaction(deps, async (tx) => {
    const live = await liveRun(tx, program.id, period);
    if (live)
      throw new TandemError('payout_run_exists', `run ${live} already pays ${period}`, {
        run_id: live,
      });
    const id = deps.ids.next('run');
    try {
      await tx
        .insertInto('payout_runs')
        .values({
          id,
          program_id: program.id,
          period,
          status: 'claiming',
          version_id: terms.versionId,
          requires_approval: terms.terms.fourEyes ? 1 : 0,
          created_by: input.actor,
          approved_by: null,
          created_at: now,
          updated_at: now,
          summary: jsonIn({}),
        })
        .execute();
    } catch (e) {
      // SQLite reports the race here; PostgreSQL retries the transaction and the check above answers.
      if (/UNIQUE/i.test(String((e as Error).message)))
        throw new TandemError('payout_run_exists', `a run already pays ${period}`);
      throw e;
    }
    await audit(deps, tx, {
      actor: input.actor,
      action: 'payout_run.created',
      subject: id,
      data: { program_id: program.id, period },
    });
    return id;
  });
  deps.faults?.hit('run.created');
  await claimRun(deps, runId, opts);
  return readPayoutRun(deps, runId);
}

async function liveRun(tx: Tx, programId: string, period: string): Promise<string | undefined> {
  const r = await tx
    .selectFrom('payout_runs')
    .select('id')
    .where('program_id', '=', programId)
    .where('period', '=', period)
    .where('status', '<>', 'canceled')
    .executeTakeFirst();
  return r?.id;
}

/** The payout terms of the version in force at `at`. Errors: `no_terms_in_force`. */
export async function termsInForce(
  db: Db | Tx,
  programId: string,
  at: number,
  versionId?: string,
): Promise<{ versionId: string; programCurrency: Currency; terms: PayoutTerms }> {
  const program = (await loadPrograms(db)).find((p) => p.id === programId);
  const v = versionId
    ? program?.versions.find((x) => x.id === versionId)
    : versionInForce(program?.versions ?? [], at);
  if (!v)
    throw new TandemError('no_terms_in_force', `program ${programId} has no version in force`);
  return { versionId: v.id, programCurrency: v.terms.currency, terms: v.terms.payouts };
}

/**
 * Claims, chunk by chunk, every partner of the run's program with a non-zero
 * available balance that this run has not handled yet; then marks the run
 * `pending` (or `approved` when the terms need no second approval). Safe to
 * call again after a crash: partners with a payout or a hold in this run are
 * done.
 */
export async function claimRun(
  deps: Deps,
  runId: string,
  opts: { chunk?: number } = {},
): Promise<void> {
  const run = await deps.store.db
    .selectFrom('payout_runs')
    .selectAll()
    .where('id', '=', runId)
    .executeTakeFirstOrThrow();
  if (run.status !== 'claiming') return;
  const { terms } = await termsInForce(deps.store.db, run.program_id, 0, run.version_id);
  const prefix = accounts.partnerPrefix(run.program_id);
  // Every partner account of the program is one index range; `;` sorts right after `:`.
  // Byte order, whatever the database's collation: ICU and glibc collations
  // ignore punctuation, and ':' < ';' would then not bound the range at all.
  const account = deps.store.dialect === 'postgres' ? sql`account COLLATE "C"` : sql`account`;
  const candidates = await sql<{ account: string }>`
    SELECT account FROM ledger_entries
    WHERE ${account} >= ${prefix} AND ${account} < ${`${prefix.slice(0, -1)};`}
      AND account LIKE ${'%:available'}
    GROUP BY account, currency HAVING SUM(amount) <> 0`.execute(deps.store.db);
  const handled = new Set(
    [
      ...(await deps.store.db
        .selectFrom('payouts')
        .select('partner_id')
        .where('run_id', '=', runId)
        .execute()),
      ...(await deps.store.db
        .selectFrom('payout_skips')
        .select('partner_id')
        .where('run_id', '=', runId)
        .execute()),
    ].map((r) => r.partner_id),
  );
  const partners = [
    ...new Set(candidates.rows.map((r) => r.account.slice(prefix.length, -':available'.length))),
  ]
    .filter((p) => !handled.has(p))
    .sort();
  for (const part of chunks(partners, opts.chunk ?? CHUNK)) {
    await inTransaction(deps, (tx) => claimChunk(deps, tx, run, terms, part));
    deps.faults?.hit('claim.chunk');
  }
  deps.faults?.hit('claim.done');
  await inTransaction(deps, async (tx) => {
    await tx
      .updateTable('payout_runs')
      .set({
        status: terms.fourEyes ? 'pending' : 'approved',
        updated_at: deps.clock.now(),
        summary: jsonIn(await summarize(tx, runId)),
      })
      .where('id', '=', runId)
      .where('status', '=', 'claiming')
      .execute();
    await emitRunEvent(deps, tx, runId, terms.fourEyes ? 'pending' : 'approved');
  });
}

async function claimChunk(
  deps: Deps,
  tx: Tx,
  run: { id: string; program_id: string; period: string },
  terms: PayoutTerms,
  partnerIds: readonly string[],
): Promise<void> {
  const now = deps.clock.now();
  if (deps.store.dialect === 'postgres')
    // One claimer per program at a time: two runs never read the same balance.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`payout-claim:${run.program_id}`}))`.execute(
      tx,
    );
  // A second claimer (a resume) may have finished the run meanwhile: then stop.
  if ((await runStatus(deps, tx, run.id)) !== 'claiming') return;
  // The run is alive: a resume elsewhere leaves it alone while this heartbeat is fresh.
  await tx.updateTable('payout_runs').set({ updated_at: now }).where('id', '=', run.id).execute();
  // Re-checked under the lock: another process may have resumed this run.
  const done = new Set(
    (
      await tx
        .selectFrom('payouts')
        .select('partner_id')
        .where('run_id', '=', run.id)
        .where('partner_id', 'in', partnerIds)
        .union(
          tx
            .selectFrom('payout_skips')
            .select('partner_id')
            .where('run_id', '=', run.id)
            .where('partner_id', 'in', partnerIds),
        )
        .execute()
    ).map((r) => r.partner_id),
  );
  const todo = partnerIds.filter((p) => !done.has(p));
  if (todo.length === 0) return;
  const balances = await tx
    .selectFrom('ledger_entries')
    .select(['account', 'currency'])
    .select((eb) => eb.fn.sum<string | number | bigint | null>('amount').as('total'))
    .where(
      'account',
      'in',
      todo.map((p) => accounts.available(run.program_id, p)),
    )
    .groupBy(['account', 'currency'])
    .execute();
  const byPartner = new Map<string, { currency: Currency; amount: bigint }[]>();
  const prefix = accounts.partnerPrefix(run.program_id);
  for (const b of balances) {
    const id = b.account.slice(prefix.length, -':available'.length);
    const list = byPartner.get(id) ?? [];
    list.push({ currency: b.currency as Currency, amount: toBigInt(b.total) });
    byPartner.set(id, list);
  }
  const statuses = new Map(
    (
      await tx.selectFrom('partners').select(['id', 'status']).where('id', 'in', todo).execute()
    ).map((r) => [r.id, r.status]),
  );
  const profiles = await loadPayoutProfiles(tx, todo);
  const rateFor = await loadRateTable(tx, now);
  const skips: { run_id: string; partner_id: string; reason: string; detail: string }[] = [];
  const claims: Parameters<typeof postTransactions>[2][number][] = [];
  const payouts: PayoutsTable[] = [];
  const events: {
    id: string;
    payout_id: string;
    at: number;
    status: string;
    actor: string;
    data: string;
  }[] = [];
  for (const partnerId of todo) {
    const profile = profiles.get(partnerId);
    const status = statuses.get(partnerId);
    const holds =
      status === 'approved'
        ? profileHolds(profile, terms)
        : [
            {
              reason: 'partner_not_active' as const,
              detail: `the partner is ${status ?? 'unknown'}`,
            },
          ];
    const plan = planPayout({
      balances: byPartner.get(partnerId) ?? [],
      payoutCurrency: (profile?.currency ?? terms.currency) as Currency,
      minimum: { amount: terms.minimum, currency: terms.minimumCurrency },
      rateFor,
      holds,
    });
    if (plan.kind === 'nothing') continue;
    if (plan.kind === 'hold') {
      skips.push({
        run_id: run.id,
        partner_id: partnerId,
        reason: plan.reason,
        detail: plan.detail,
      });
      continue;
    }
    const payoutId = deps.ids.next('pay');
    claims.push({
      kind: 'payout',
      unit: `payout:${payoutId}`,
      memo: 'claim',
      entries: claimEntries(run.program_id, partnerId, plan.sources, plan),
      now,
    });
    payouts.push({
      id: payoutId,
      run_id: run.id,
      program_id: run.program_id,
      partner_id: partnerId,
      // Without four-eyes terms a claimed payout is approved at once.
      status: terms.fourEyes ? 'pending' : 'approved',
      rail: (profile?.rail ?? 'manual') as string,
      rail_details: jsonIn(profile?.details ?? {}),
      amount: plan.amount,
      currency: plan.currency,
      sources: sourcesJson(plan.sources),
      claim_tx_id: '',
      reference: null,
      failure_reason: null,
      attempts: 0,
      created_at: now,
      updated_at: now,
    });
    events.push({
      id: deps.ids.next('pev'),
      payout_id: payoutId,
      at: now,
      status: terms.fourEyes ? 'pending' : 'approved',
      actor: 'system',
      data: jsonIn({
        claimed: plan.sources.map((s) => `${s.amount} ${s.currency}`),
        period: run.period,
      }),
    });
  }
  // The claims, then the payouts naming them, in multi-row statements.
  const claimIds = await postTransactions(deps, tx, claims);
  payouts.forEach((p, i) => {
    p.claim_tx_id = claimIds[i] as string;
  });
  for (const part of chunks(payouts, 100)) await tx.insertInto('payouts').values(part).execute();
  for (const _ of payouts) deps.faults?.hit('claim.posted_in_tx');
  for (const part of chunks(skips, 200)) await tx.insertInto('payout_skips').values(part).execute();
  for (const part of chunks(events, 200))
    await tx.insertInto('payout_events').values(part).execute();
}

/** Totals of a run: payouts and amounts per currency, holds per reason. */
export async function summarize(db: Db | Tx, runId: string): Promise<Record<string, unknown>> {
  const totals = await db
    .selectFrom('payouts')
    .select(['currency'])
    .select((eb) => [
      eb.fn.countAll<string | number | bigint>().as('n'),
      eb.fn.sum<string | number | bigint | null>('amount').as('total'),
    ])
    .where('run_id', '=', runId)
    .groupBy('currency')
    .orderBy('currency')
    .execute();
  const held = await db
    .selectFrom('payout_skips')
    .select(['reason'])
    .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
    .where('run_id', '=', runId)
    .groupBy('reason')
    .orderBy('reason')
    .execute();
  return {
    payouts: totals.reduce((s, t) => s + Number(t.n), 0),
    totals: totals.map((t) => ({
      currency: t.currency,
      count: Number(t.n),
      minor: `${toBigInt(t.total)}`,
    })),
    held: Object.fromEntries(held.map((h) => [h.reason, Number(h.n)])),
  };
}
