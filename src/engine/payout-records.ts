import { sql } from 'kysely';
import type { Currency } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { type Entry, isBalanced, mirrorEntries, settleEntries } from '../core/ledger.js';
import { formatAmount } from '../core/money.js';
import type { PayoutStatus, RailName } from '../core/payout.js';
import type { PayoutSource } from '../core/plan-payout.js';
import { toIso } from '../core/time.js';
import type { PayoutsTable } from '../store/schema.js';
import { jsonIn, jsonOut, toBigInt, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { emitEvent } from './outbox.js';
import { insertEntries } from './summaries.js';
import { chunks, type Db, type Tx } from './transaction.js';

/** A payout as the engine handles it. */
export interface Payout {
  id: string;
  runId: string;
  programId: string;
  partnerId: string;
  status: PayoutStatus;
  rail: RailName;
  /** The partner's payout details as they were when the payout was claimed (unmasked). */
  railDetails: Record<string, string>;
  amount: bigint;
  currency: Currency;
  sources: PayoutSource[];
  claimTxId: string;
  reference: string | null;
  failureReason: string | null;
  attempts: number;
  createdAt: number;
  updatedAt: number;
}

export interface PayoutView {
  id: string;
  run_id: string;
  program_id: string;
  partner_id: string;
  status: PayoutStatus;
  rail: RailName;
  amount: string;
  currency: string;
  minor: string;
  /** What was claimed per currency and, where converted, the rate used. */
  sources: {
    currency: string;
    amount: string;
    converted: string;
    rate?: { id: string; pair: string; rate: string; as_of: string; inverted: boolean };
  }[];
  reference: string | null;
  failure_reason: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
}

/** Statuses a payout can move to from each status; anything else is refused. */
const next: Record<PayoutStatus, readonly PayoutStatus[]> = {
  pending: ['approved', 'canceled'],
  approved: ['sending', 'sent', 'canceled'],
  sending: ['sent', 'settled', 'failed'],
  sent: ['settled', 'failed'],
  // A bank can return a payment after it was confirmed (a bounce).
  settled: ['failed'],
  failed: [],
  canceled: [],
};

export const openStatuses: readonly PayoutStatus[] = ['pending', 'approved', 'sending', 'sent'];

export function payoutFromRow(r: PayoutsTable): Payout {
  const sources = jsonOut<
    (Omit<PayoutSource, 'amount' | 'converted'> & { amount: string; converted: string })[]
  >(r.sources).map((s) => ({ ...s, amount: BigInt(s.amount), converted: BigInt(s.converted) }));
  return {
    id: r.id,
    runId: r.run_id,
    programId: r.program_id,
    partnerId: r.partner_id,
    status: r.status as PayoutStatus,
    rail: r.rail as RailName,
    railDetails: jsonOut<Record<string, string>>(r.rail_details),
    amount: toBigInt(r.amount),
    currency: r.currency as Currency,
    sources,
    claimTxId: r.claim_tx_id,
    reference: r.reference,
    failureReason: r.failure_reason,
    attempts: toNumber(r.attempts),
    createdAt: toNumber(r.created_at),
    updatedAt: toNumber(r.updated_at),
  };
}

/** Sources as stored (bigints as strings, so JSON can hold them). */
export function sourcesJson(sources: readonly PayoutSource[]): string {
  return jsonIn(sources.map((s) => ({ ...s, amount: `${s.amount}`, converted: `${s.converted}` })));
}

export function payoutView(p: Payout): PayoutView {
  return {
    id: p.id,
    run_id: p.runId,
    program_id: p.programId,
    partner_id: p.partnerId,
    status: p.status,
    rail: p.rail,
    amount: formatAmount(p.amount, p.currency),
    currency: p.currency,
    minor: `${p.amount}`,
    sources: p.sources.map((s) => ({
      currency: s.currency,
      amount: formatAmount(s.amount, s.currency),
      converted: formatAmount(s.converted, p.currency),
      ...(s.rate
        ? {
            rate: {
              id: s.rate.id,
              pair: `${s.rate.base}/${s.rate.quote}`,
              rate: s.rate.rate,
              as_of: toIso(s.rate.as_of),
              inverted: s.rate.inverted,
            },
          }
        : {}),
    })),
    reference: p.reference,
    failure_reason: p.failureReason,
    attempts: p.attempts,
    created_at: toIso(p.createdAt),
    updated_at: toIso(p.updatedAt),
  };
}

/** Errors: `payout_not_found`. */
export async function loadPayout(db: Db | Tx, id: string): Promise<Payout> {
  const r = await db.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new TandemError('payout_not_found', `no payout ${id}`);
  return payoutFromRow(r);
}

export type LedgerTx = {
  /** `payout` for payout steps; `adjustment` for credit redemptions. */
  kind: 'payout' | 'adjustment';
  unit: string;
  memo: string;
  entries: readonly Entry[];
  now: number;
};

/**
 * Posts one balanced ledger transaction. Payout transactions carry
 * `unit = payout:{id}` and a memo naming the step (claim, settle, unsettle,
 * return), so reconciliation finds each payout's postings; a credit
 * redemption carries `unit = redemption:{id}`.
 */
export async function postTransaction(
  deps: Pick<Deps, 'ids'>,
  tx: Tx,
  t: LedgerTx,
): Promise<string> {
  return (await postTransactions(deps, tx, [t]))[0] as string;
}

/** Several at once, with multi-row inserts (a run claims thousands of payouts per chunk). */
export async function postTransactions(
  deps: Pick<Deps, 'ids'>,
  tx: Tx,
  list: readonly LedgerTx[],
): Promise<string[]> {
  const ids: string[] = [];
  const txRows: { id: string; kind: string; unit: string; created_at: number; memo: string }[] = [];
  const entryRows: {
    tx_id: string;
    account: string;
    currency: string;
    amount: bigint;
    line_id: null;
    created_at: number;
  }[] = [];
  for (const t of list) {
    // The one check that no payout step can post an unbalanced transaction.
    if (!isBalanced(t.entries)) throw new Error(`unbalanced ledger transaction for ${t.unit}`);
    const id = deps.ids.next('ltx');
    ids.push(id);
    txRows.push({ id, kind: t.kind, unit: t.unit, created_at: t.now, memo: t.memo });
    for (const e of t.entries)
      entryRows.push({
        tx_id: id,
        account: e.account,
        currency: e.currency,
        amount: e.amount,
        line_id: null,
        created_at: t.now,
      });
  }
  for (const part of chunks(txRows, 500))
    await tx.insertInto('ledger_transactions').values(part).execute();
  await insertEntries(tx, entryRows);
  return ids;
}

/**
 * Moves a payout to `to` if it is still in one of the statuses that may
 * lead there, with the ledger side of the move in the same transaction:
 * `settled` moves the amount from processing to paid; `failed` and
 * `canceled` post the mirror of the claim, returning every claimed currency
 * to the available balance (a settled payout that bounces is first moved
 * back out of paid). The update is conditional on the status the payout was
 * loaded with — the one the postings are chosen for — so of two racing
 * callers exactly one moves it (and posts); the other gets `false`. Every move is recorded in `payout_events` with its data.
 */
export async function movePayout(
  deps: Pick<Deps, 'ids' | 'clock' | 'faults'>,
  tx: Tx,
  payout: Payout,
  to: PayoutStatus,
  opts: {
    actor: string;
    reference?: string | null;
    reason?: string | null;
    data?: Record<string, unknown>;
    countAttempt?: boolean;
  },
): Promise<boolean> {
  assertCanMove(payout, to);
  const now = deps.clock.now();
  const res = await tx
    .updateTable('payouts')
    .set({
      status: to,
      updated_at: now,
      ...(opts.reference !== undefined ? { reference: opts.reference } : {}),
      ...(opts.reason !== undefined ? { failure_reason: opts.reason } : {}),
      ...(opts.countAttempt ? { attempts: sql<number>`attempts + 1` } : {}),
    })
    .where('id', '=', payout.id)
    // Exactly the status the postings below are chosen for: if another
    // process moved it meanwhile, nothing happens here and the caller hears so.
    .where('status', '=', payout.status)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return false;
  deps.faults?.hit(`move.${to}.in_tx`);
  const unit = `payout:${payout.id}`;
  if (to === 'settled') {
    await postTransaction(deps, tx, {
      kind: 'payout',
      unit,
      memo: 'settle',
      entries: settleEntries(payout.programId, payout.partnerId, payout.amount, payout.currency),
      now,
    });
  } else if (to === 'failed' || to === 'canceled') {
    if (payout.status === 'settled')
      // Returned after settlement: out of paid first, then the claim is undone like any failure.
      await postTransaction(deps, tx, {
        kind: 'payout',
        unit,
        memo: 'unsettle',
        entries: mirrorEntries(
          settleEntries(payout.programId, payout.partnerId, payout.amount, payout.currency),
        ),
        now,
      });
    const claim = await tx
      .selectFrom('ledger_entries')
      .select(['account', 'currency', 'amount'])
      .where('tx_id', '=', payout.claimTxId)
      .orderBy('id')
      .execute();
    await postTransaction(deps, tx, {
      kind: 'payout',
      unit,
      memo: 'return',
      entries: mirrorEntries(
        claim.map((e) => ({
          account: e.account,
          currency: e.currency as Currency,
          amount: toBigInt(e.amount),
        })),
      ),
      now,
    });
  }
  if (to === 'sent' || to === 'settled' || to === 'failed' || to === 'canceled')
    await emitEvent(deps, tx, {
      type: `payout.${to}`,
      subject: payout.partnerId,
      data: {
        payout_id: payout.id,
        run_id: payout.runId,
        program_id: payout.programId,
        partner_id: payout.partnerId,
        amount: formatAmount(payout.amount, payout.currency),
        currency: payout.currency,
        rail: payout.rail,
        ...(opts.reference ? { reference: opts.reference } : {}),
        ...(opts.reason ? { reason: opts.reason } : {}),
      },
    });
  await tx
    .insertInto('payout_events')
    .values({
      id: deps.ids.next('pev'),
      payout_id: payout.id,
      at: now,
      status: to,
      actor: opts.actor,
      data: jsonIn({
        from: payout.status,
        ...(opts.reference ? { reference: opts.reference } : {}),
        ...(opts.reason ? { reason: opts.reason } : {}),
        ...(opts.data ?? {}),
      }),
    })
    .execute();
  return true;
}

/** Refuses a move the state machine does not allow. Errors: `invalid_payout_transition`. */
export function assertCanMove(p: Payout, to: PayoutStatus): void {
  if (!next[p.status].includes(to))
    throw new TandemError(
      'invalid_payout_transition',
      `payout ${p.id} is ${p.status}; it cannot become ${to}`,
      { current_status: p.status, allowed: next[p.status] },
    );
}

/**
 * Brings a run's status in line with its payouts once it is sending:
 * `sent` when none waits to be sent, `settled` when every payout has its
 * outcome (settled, failed or canceled).
 */
export async function refreshRunStatus(deps: Pick<Deps, 'clock' | 'ids'>, tx: Tx, runId: string) {
  const run = await tx
    .selectFrom('payout_runs')
    .select('status')
    .where('id', '=', runId)
    .executeTakeFirst();
  if (!run || !['sending', 'sent'].includes(run.status)) return;
  const counts = await tx
    .selectFrom('payouts')
    .select('status')
    .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
    .where('run_id', '=', runId)
    .groupBy('status')
    .execute();
  const n = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
  const status =
    n('pending') + n('approved') + n('sending') > 0
      ? 'sending'
      : n('sent') > 0
        ? 'sent'
        : 'settled';
  if (status !== run.status) {
    await tx
      .updateTable('payout_runs')
      .set({ status, updated_at: deps.clock.now() })
      .where('id', '=', runId)
      .execute();
    await emitRunEvent(deps, tx, runId, status);
  }
}

/**
 * Announces a run's new status (`payout_run.pending|approved|sending|sent|settled|canceled`)
 * in the webhook-ready feed, with its totals, in the transaction that changed it.
 */
export async function emitRunEvent(
  deps: Pick<Deps, 'clock' | 'ids'>,
  tx: Tx,
  runId: string,
  status: string,
): Promise<void> {
  const run = await tx
    .selectFrom('payout_runs')
    .select(['program_id', 'period', 'summary'])
    .where('id', '=', runId)
    .executeTakeFirstOrThrow();
  const summary = jsonOut<{ payouts?: number; totals?: unknown; held?: unknown }>(run.summary);
  await emitEvent(deps, tx, {
    type: `payout_run.${status}`,
    subject: run.program_id,
    data: {
      run_id: runId,
      program_id: run.program_id,
      period: run.period,
      status,
      payouts: summary.payouts ?? 0,
      totals: summary.totals ?? [],
      held: summary.held ?? {},
    },
    dedupeKey: `payout_run:${runId}:${status}`,
  });
}

/** A run's status, read in the caller's transaction. Errors: `payout_run_not_found`. */
export async function runStatus(deps: Pick<Deps, 'store'>, tx: Tx, runId: string): Promise<string> {
  // Locked on PostgreSQL: run transitions (cancel, send, claims) are serialized.
  let q = tx.selectFrom('payout_runs').select('status').where('id', '=', runId);
  if (deps.store.dialect === 'postgres') q = q.forUpdate();
  const run = await q.executeTakeFirst();
  if (!run) throw new TandemError('payout_run_not_found', `no payout run ${runId}`);
  return run.status;
}
