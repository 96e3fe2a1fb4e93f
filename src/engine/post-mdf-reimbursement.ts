import type { AccrualTrace } from '../core/accrual.js';
import type { Currency } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { accrualEntries, isBalanced } from '../core/ledger.js';
import { formatAmount } from '../core/money.js';
import { versionInForce } from '../core/program-version.js';
import { toIso } from '../core/time.js';
import { jsonIn } from '../store/values.js';
import type { Deps } from './deps.js';
import { versionAtOrFirst } from './load-programs.js';
import { releaseLines } from './post-lines.js';
import { addDailyStats, earningDeltas, insertEntries } from './summaries.js';
import type { Tx } from './transaction.js';

/** The rule id MDF reimbursement lines carry. */
export const MDF_RULE = 'mdf';

/** The unit (and accrual key) of a request's reimbursement: one per request. */
export const mdfUnit = (requestId: string): string => `mdf:${requestId}`;

/**
 * Posts a reimbursement as one accrual line, so it reaches the partner the
 * way every earning does: a ledger transaction (kind `accrual`, unit
 * `mdf:<request id>`, memo the label) moves the amount from the program's
 * expense account to the partner's pending account with the line and its
 * trace, and the line is released to `available` in the same database
 * transaction — no hold, the claim was reviewed by a person. Payout runs
 * then claim it like any available balance; statements and the accruals
 * list show it. Returns the ledger transaction id. The caller guarantees
 * that it posts once (a conditional status move and the unique
 * `mdf_requests.tx_id`).
 */
export async function postMdfReimbursement(
  deps: Pick<Deps, 'ids'>,
  tx: Tx,
  r: {
    requestId: string;
    programId: string;
    partnerId: string;
    poolId: string;
    quarter: string;
    campaign: { id: string; code: string; name: string };
    label: string;
    currency: Currency;
    requested: bigint;
    approved: bigint;
    claimed: bigint;
    amount: bigint;
    now: number;
  },
): Promise<string> {
  const version = await versionAtOrFirst(tx, r.programId, r.now);
  if (!version)
    throw new TandemError(
      'no_terms_in_force',
      `program ${r.programId} has no terms yet: publish a version before reimbursing`,
    );
  const fmt = (v: bigint) => formatAmount(v, r.currency);
  const at = toIso(r.now);
  const trace: AccrualTrace & { label: string; mdf: Record<string, string> } = {
    label: r.label,
    program: { id: r.programId, version_id: version.id, version: version.number },
    rule: { id: MDF_RULE, name: 'MDF reimbursement', event: 'mdf.claim', pays: 'flat' },
    event: { id: r.requestId, external_id: r.requestId, type: 'mdf.claim', occurred_at: at },
    mdf: {
      request_id: r.requestId,
      pool_id: r.poolId,
      quarter: r.quarter,
      campaign_id: r.campaign.id,
      campaign_code: r.campaign.code,
    },
    inputs: {
      requested: fmt(r.requested),
      approved: fmt(r.approved),
      claimed: fmt(r.claimed),
      reimbursed: fmt(r.amount),
      currency: r.currency,
    },
    steps: [
      `${fmt(r.approved)} of ${fmt(r.requested)} requested approved from pool ${r.poolId} (${r.quarter})`,
      `${fmt(r.claimed)} claimed with proof of execution`,
      `${fmt(r.amount)} reimbursed on review → ${fmt(r.amount)} ${r.currency}, available at once (no hold: the claim was reviewed)`,
    ],
    hold_days: 0,
    available_at: at,
  };
  const txId = deps.ids.next('ltx');
  const lineId = deps.ids.next('acr');
  const unit = mdfUnit(r.requestId);
  const entries = accrualEntries(r.programId, r.partnerId, r.amount, r.currency);
  if (!isBalanced(entries)) throw new Error(`unbalanced ledger transaction for ${unit}`);
  await tx
    .insertInto('ledger_transactions')
    .values({ id: txId, kind: 'accrual', unit, created_at: r.now, memo: r.label })
    .execute();
  await tx
    .insertInto('accrual_lines')
    .values({
      id: lineId,
      tx_id: txId,
      key: unit,
      unit,
      kind: 'accrual',
      program_id: r.programId,
      version_id: version.id,
      rule_id: MDF_RULE,
      partner_id: r.partnerId,
      customer_id: '',
      event_id: r.requestId,
      amount: r.amount,
      currency: r.currency,
      occurred_at: r.now,
      available_at: r.now,
      created_at: r.now,
      trace: jsonIn(trace),
    })
    .execute();
  await insertEntries(
    tx,
    entries.map((e) => ({
      tx_id: txId,
      account: e.account,
      currency: e.currency,
      amount: e.amount,
      line_id: lineId,
      created_at: r.now,
    })),
  );
  await addDailyStats(
    tx,
    earningDeltas([
      { partner_id: r.partnerId, occurred_at: r.now, currency: r.currency, amount: r.amount },
    ]),
  );
  await releaseLines(
    deps,
    tx,
    [
      {
        line_id: lineId,
        partner_id: r.partnerId,
        program_id: r.programId,
        amount: r.amount,
        currency: r.currency,
      },
    ],
    r.now,
  );
  return txId;
}
