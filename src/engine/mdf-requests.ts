import type { Currency } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { assertMdfMove, FUNDABLE_CAMPAIGN, type MdfStatus, nextMdfStatuses } from '../core/mdf.js';
import { formatAmount } from '../core/money.js';
import { toIso } from '../core/time.js';
import type { MdfRequestsTable } from '../store/schema.js';
import { jsonOut, toBigInt, toNumber } from '../store/values.js';
import { audit } from './audit.js';
import type { CampaignRow } from './campaigns.js';
import type { Deps } from './deps.js';
import { emitEvent } from './outbox.js';
import { type Db, inTransaction, type Tx } from './transaction.js';

/** Proof of execution a partner files with its claim. */
export interface MdfProof {
  /** Where the campaign can be seen: landing pages, posts, recordings. */
  links: string[];
  /** Invoices behind the costs: links to them or references (numbers). */
  invoices: string[];
  /** What the campaign achieved, in the partner's words. */
  results: string | null;
}

/** A stored MDF request with its amounts as bigints and its times as numbers. */
export interface MdfRequest {
  id: string;
  poolId: string;
  campaignId: string;
  partnerId: string;
  currency: Currency;
  requested: bigint;
  approved: bigint | null;
  claimed: bigint | null;
  reimbursed: bigint | null;
  status: MdfStatus;
  description: string;
  claimDeadline: number | null;
  proof: MdfProof | null;
  txId: string | null;
  requestedBy: string;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionNote: string | null;
  claimedAt: number | null;
  claimDecidedBy: string | null;
  claimDecidedAt: number | null;
  claimNote: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface MdfRequestView {
  id: string;
  pool_id: string;
  campaign_id: string;
  partner_id: string;
  status: MdfStatus;
  next_statuses: readonly MdfStatus[];
  currency: string;
  requested: string;
  approved: string | null;
  claimed: string | null;
  reimbursed: string | null;
  description: string;
  claim_deadline: string | null;
  proof: MdfProof | null;
  /** The ledger transaction that paid the reimbursement. */
  tx_id: string | null;
  requested_by: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  claimed_at: string | null;
  claim_decided_by: string | null;
  claim_decided_at: string | null;
  claim_note: string | null;
  created_at: string;
  updated_at: string;
}

const num = (v: unknown) => (v === null || v === undefined ? null : toNumber(v));
const big = (v: unknown) => (v === null || v === undefined ? null : toBigInt(v));

export const requestFromRow = (r: MdfRequestsTable): MdfRequest => ({
  id: r.id,
  poolId: r.pool_id,
  campaignId: r.campaign_id,
  partnerId: r.partner_id,
  currency: r.currency as Currency,
  requested: toBigInt(r.requested),
  approved: big(r.approved),
  claimed: big(r.claimed),
  reimbursed: big(r.reimbursed),
  status: r.status as MdfStatus,
  description: r.description,
  claimDeadline: num(r.claim_deadline),
  proof: r.proof === null ? null : jsonOut<MdfProof>(r.proof),
  txId: r.tx_id,
  requestedBy: r.requested_by,
  decidedBy: r.decided_by,
  decidedAt: num(r.decided_at),
  decisionNote: r.decision_note,
  claimedAt: num(r.claimed_at),
  claimDecidedBy: r.claim_decided_by,
  claimDecidedAt: num(r.claim_decided_at),
  claimNote: r.claim_note,
  createdAt: toNumber(r.created_at),
  updatedAt: toNumber(r.updated_at),
});

export function mdfRequestView(r: MdfRequest): MdfRequestView {
  const fmt = (v: bigint | null) => (v === null ? null : formatAmount(v, r.currency));
  const iso = (v: number | null) => (v === null ? null : toIso(v));
  return {
    id: r.id,
    pool_id: r.poolId,
    campaign_id: r.campaignId,
    partner_id: r.partnerId,
    status: r.status,
    next_statuses: nextMdfStatuses(r.status),
    currency: r.currency,
    requested: formatAmount(r.requested, r.currency),
    approved: fmt(r.approved),
    claimed: fmt(r.claimed),
    reimbursed: fmt(r.reimbursed),
    description: r.description,
    claim_deadline: iso(r.claimDeadline),
    proof: r.proof,
    tx_id: r.txId,
    requested_by: r.requestedBy,
    decided_by: r.decidedBy,
    decided_at: iso(r.decidedAt),
    decision_note: r.decisionNote,
    claimed_at: iso(r.claimedAt),
    claim_decided_by: r.claimDecidedBy,
    claim_decided_at: iso(r.claimDecidedAt),
    claim_note: r.claimNote,
    created_at: toIso(r.createdAt),
    updated_at: toIso(r.updatedAt),
  };
}

/** Errors: `mdf_request_not_found`. */
export async function findMdfRequest(db: Db | Tx, id: string): Promise<MdfRequest> {
  const r = await db.selectFrom('mdf_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new TandemError('mdf_request_not_found', `no MDF request ${id}`);
  return requestFromRow(r);
}

/**
 * Moves a request from the status it was read in to `to`, with `set`, as
 * one conditional UPDATE: of two racing callers exactly one moves it; the
 * other gets `invalid_mdf_transition`. Records the move in the audit log and
 * the webhook outbox (`mdf.<status>`). Returns the request as it is now.
 */
export async function moveMdfRequest(
  deps: Pick<Deps, 'ids' | 'clock'>,
  tx: Tx,
  before: MdfRequest,
  to: MdfStatus,
  set: Partial<Omit<MdfRequestsTable, 'id' | 'status' | 'updated_at'>>,
  actor: string,
): Promise<MdfRequest> {
  assertMdfMove(before.id, before.status, to);
  const now = deps.clock.now();
  const res = await tx
    .updateTable('mdf_requests')
    .set({ ...set, status: to, updated_at: now })
    .where('id', '=', before.id)
    .where('status', '=', before.status)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) {
    const current = await findMdfRequest(tx, before.id);
    assertMdfMove(before.id, current.status, to);
    throw new TandemError('invalid_mdf_transition', `MDF request ${before.id} changed meanwhile`);
  }
  const after = await findMdfRequest(tx, before.id);
  const view = mdfRequestView(after);
  await audit(deps, tx, {
    actor,
    action: `mdf.${to}`,
    subject: before.id,
    data: {
      from: before.status,
      to,
      approved: view.approved,
      claimed: view.claimed,
      reimbursed: view.reimbursed,
    },
  });
  await emitEvent(deps, tx, { type: `mdf.${to}`, subject: before.id, data: { ...view } });
  return after;
}

/** Campaigns that can still be funded. Errors: `campaign_locked`. */
export function requireFundable(c: CampaignRow): void {
  if (!FUNDABLE_CAMPAIGN.includes(c.status))
    throw new TandemError(
      'campaign_locked',
      `campaign ${c.code} is ${c.status}; funds are requested for campaigns being planned or run`,
    );
}

/**
 * The partner takes its request back before the operator decides.
 * Errors: `mdf_request_not_found`, `invalid_mdf_transition`.
 */
export async function withdrawMdfRequest(
  deps: Deps,
  id: string,
  actor: string,
): Promise<MdfRequestView> {
  return inTransaction(deps, async (tx) => {
    const before = await findMdfRequest(tx, id);
    return mdfRequestView(await moveMdfRequest(deps, tx, before, 'withdrawn', {}, actor));
  });
}

/** Requests, newest first, by partner, pool, campaign and status; paged by `after` (a request id). */
export async function listMdfRequests(
  deps: Deps,
  q: {
    partnerId?: string | undefined;
    poolId?: string | undefined;
    campaignId?: string | undefined;
    status?: MdfStatus | undefined;
    after?: string | undefined;
    limit: number;
  },
): Promise<{ data: MdfRequestView[]; next_cursor: string | null }> {
  let query = deps.store.db
    .selectFrom('mdf_requests')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.partnerId) query = query.where('partner_id', '=', q.partnerId);
  if (q.poolId) query = query.where('pool_id', '=', q.poolId);
  if (q.campaignId) query = query.where('campaign_id', '=', q.campaignId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.after) query = query.where('id', '<', q.after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  return {
    data: page.map((r) => mdfRequestView(requestFromRow(r))),
    next_cursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}
