import { parsePeriodKey, periodOf } from './bonuses.js';
import type { CampaignStatus } from './campaign.js';
import { TandemError } from './errors.js';
import { addDays } from './time.js';

/**
 * Market development funds: pools of money per quarter (for a whole program,
 * one tier of it, or one partner) that partners request for the campaigns
 * they run, claim back with proof of execution, and are reimbursed from
 * through the ledger. This module holds the pure rules: quarters, the status
 * machine of a request, and the pool arithmetic.
 */

export const mdfScopes = ['program', 'tier', 'partner'] as const;
export type MdfScope = (typeof mdfScopes)[number];

export const mdfStatuses = [
  'requested',
  'approved',
  'rejected',
  'withdrawn',
  'claimed',
  'reimbursed',
  'claim_rejected',
  'expired',
] as const;
export type MdfStatus = (typeof mdfStatuses)[number];

/**
 * The way of a request:
 *
 * ```
 * requested ─► approved ─► claimed ─► reimbursed
 *    │            │           └─────► claim_rejected
 *    │            └─► expired (its claim deadline passed unclaimed)
 *    ├─► rejected
 *    └─► withdrawn (by the partner, before a decision)
 * ```
 *
 * Every status but requested, approved and claimed is final: a rejected
 * claim is not filed again (its funds went back to the pool), an expired
 * approval is not revived (a new request is).
 */
const NEXT: Record<MdfStatus, readonly MdfStatus[]> = {
  requested: ['approved', 'rejected', 'withdrawn'],
  approved: ['claimed', 'expired'],
  claimed: ['reimbursed', 'claim_rejected'],
  rejected: [],
  withdrawn: [],
  reimbursed: [],
  claim_rejected: [],
  expired: [],
};

export function canMoveMdf(from: MdfStatus, to: MdfStatus): boolean {
  return NEXT[from].includes(to);
}

export function nextMdfStatuses(from: MdfStatus): readonly MdfStatus[] {
  return NEXT[from];
}

/** Errors: `invalid_mdf_transition`, naming where the request can go instead. */
export function assertMdfMove(id: string, from: MdfStatus, to: MdfStatus): void {
  if (canMoveMdf(from, to)) return;
  const next = NEXT[from];
  throw new TandemError(
    'invalid_mdf_transition',
    `MDF request ${id} is ${from}; it can move to ${next.length ? next.join(' or ') : 'nothing'}, not ${to}`,
    { status: from, next_statuses: next },
  );
}

/**
 * Statuses whose approved amount holds pool money: approved and claimed
 * requests hold what was approved, reimbursed ones what was reimbursed.
 * Everything else (requested, rejected, withdrawn, expired, claim_rejected)
 * holds nothing: a rejected claim or an expired approval gives its funds back.
 */
export const COMMITTING: readonly MdfStatus[] = ['approved', 'claimed', 'reimbursed'];

/** Campaigns that funds can be requested for (and approved): not rejected, cancelled or reported. */
export const FUNDABLE_CAMPAIGN: readonly CampaignStatus[] = [
  'proposed',
  'approved',
  'live',
  'completed',
];
/** Campaigns that can have been executed, so proof of execution can be claimed. */
export const EXECUTED_CAMPAIGN: readonly CampaignStatus[] = ['live', 'completed', 'reported'];

export interface PoolUsage {
  /** Held by approvals and reimbursements: what the pool can no longer give. */
  committed: bigint;
  /** Paid back to partners (a part of committed). */
  reimbursed: bigint;
  /** Asked for and not decided yet (not committed). */
  pending: bigint;
}

/** What the requests of one pool hold of it. */
export function poolUsage(
  requests: readonly {
    status: MdfStatus;
    requested: bigint;
    approved: bigint | null;
    reimbursed: bigint | null;
  }[],
): PoolUsage {
  let committed = 0n;
  let reimbursed = 0n;
  let pending = 0n;
  for (const r of requests) {
    if (r.status === 'requested') pending += r.requested;
    else if (r.status === 'approved' || r.status === 'claimed') committed += r.approved ?? 0n;
    else if (r.status === 'reimbursed') {
      committed += r.reimbursed ?? 0n;
      reimbursed += r.reimbursed ?? 0n;
    }
  }
  return { committed, reimbursed, pending };
}

/** What a pool of `amount` can still give. Never negative for a pool kept within its amount. */
export function poolRemaining(amount: bigint, usage: Pick<PoolUsage, 'committed'>): bigint {
  return amount - usage.committed;
}

/**
 * Whether approving `approve` fits: it must be positive, at most what was
 * requested, and at most what the pool has left.
 * Errors: `validation_failed` (not positive, above the request),
 * `mdf_pool_exhausted` (above the remaining amount).
 */
export function checkApproval(input: {
  requested: bigint;
  approve: bigint;
  remaining: bigint;
}): void {
  if (input.approve <= 0n || input.approve > input.requested)
    throw new TandemError('validation_failed', 'amount: must be above 0 and at most the request', {
      issues: [
        { path: 'body.amount', message: 'must be above 0 and at most the requested amount' },
      ],
    });
  if (input.approve > input.remaining)
    throw new TandemError(
      'mdf_pool_exhausted',
      'the pool has less left than this approval; approve less or raise the pool',
      { remaining_minor: `${input.remaining}`, asked_minor: `${input.approve}` },
    );
}

/** A claim is positive and at most what was approved. Errors: `validation_failed`, `claim_exceeds_approved`. */
export function checkClaim(approved: bigint, claimed: bigint): void {
  if (claimed <= 0n)
    throw new TandemError('validation_failed', 'amount: must be above 0', {
      issues: [{ path: 'body.amount', message: 'must be above 0' }],
    });
  if (claimed > approved)
    throw new TandemError('claim_exceeds_approved', 'the claim is above the approved amount', {
      approved_minor: `${approved}`,
      claimed_minor: `${claimed}`,
    });
}

/** A reimbursement is positive and at most what was claimed. Errors: `validation_failed`. */
export function checkReimbursement(claimed: bigint, reimbursed: bigint): void {
  if (reimbursed <= 0n || reimbursed > claimed)
    throw new TandemError('validation_failed', 'amount: must be above 0 and at most the claim', {
      issues: [{ path: 'body.amount', message: 'must be above 0 and at most the claimed amount' }],
    });
}

/** A pool can be resized, but never below what it has committed. Errors: `mdf_pool_below_committed`. */
export function checkPoolAmount(amount: bigint, usage: Pick<PoolUsage, 'committed'>): void {
  if (amount < usage.committed)
    throw new TandemError(
      'mdf_pool_below_committed',
      'the pool cannot be smaller than what its approvals and reimbursements hold',
      { committed_minor: `${usage.committed}`, asked_minor: `${amount}` },
    );
}

/** `2026-Q1` → its bounds in epoch ms (UTC), end exclusive; undefined for anything else. */
export function parseQuarter(key: string): { start: number; end: number } | undefined {
  const p = parsePeriodKey(key);
  return p?.period === 'quarter' ? { start: p.start, end: p.end } : undefined;
}

/** The quarter key (`2026-Q1`) an instant falls in, UTC. */
export function quarterOf(at: number): string {
  return periodOf('quarter', at).key;
}

/** Days after its quarter ends that an approval of the pool may still be claimed, unless the operator sets a deadline. */
export const CLAIM_GRACE_DAYS = 30;

/** The default claim deadline of an approval from a pool of `quarter`: the quarter's end + 30 days. */
export function defaultClaimDeadline(quarter: string): number {
  const q = parseQuarter(quarter);
  if (!q) throw new TandemError('validation_failed', `quarter: "${quarter}" is not like 2026-Q1`);
  return addDays(q.end, CLAIM_GRACE_DAYS);
}

/** One pool per program, quarter and scope key: `program`, `tier:<tier id>` or `partner:<partner id>`. */
export function poolScopeKey(scope: MdfScope, ref?: string | null): string {
  if (scope === 'program') return 'program';
  if (!ref)
    throw new TandemError('validation_failed', `${scope}_id: required for a ${scope} pool`, {
      issues: [{ path: `body.${scope}_id`, message: `required for a ${scope} pool` }],
    });
  return `${scope}:${ref}`;
}

/**
 * Whether a partner may draw on a pool: a program pool serves every partner
 * of its program, a tier pool those holding that tier now, a partner pool
 * its partner. The program (and the campaign's program) is checked by the caller.
 */
export function poolServes(
  pool: { scope: MdfScope; tierId: string | null; partnerId: string | null },
  partner: { id: string; tier: string | null },
): boolean {
  if (pool.scope === 'program') return true;
  if (pool.scope === 'tier') return pool.tierId !== null && partner.tier === pool.tierId;
  return pool.partnerId === partner.id;
}

/** Whether a campaign window `[startsAt, endsAt)` runs at least partly inside a quarter. */
export function overlapsQuarter(quarter: string, startsAt: number, endsAt: number): boolean {
  const q = parseQuarter(quarter);
  return q !== undefined && startsAt < q.end && endsAt > q.start;
}

/** The label a reimbursement carries in the ledger, the statement and the accruals list. */
export function reimbursementLabel(
  campaign: { name: string; code: string },
  requestId: string,
): string {
  return `MDF reimbursement for campaign ${campaign.name} (${campaign.code}), request ${requestId}`;
}
