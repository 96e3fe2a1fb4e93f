import { assertMdfMove, checkApproval, defaultClaimDeadline, poolRemaining } from '../core/mdf.js';
import { parseAmount } from '../core/money.js';
import { toIso } from '../core/time.js';
import { findCampaign } from './campaigns.js';
import type { Deps } from './deps.js';
import { invalid, loadMdfPool, mdfPoolUsage } from './mdf-pools.js';
import {
  findMdfRequest,
  type MdfRequestView,
  mdfRequestView,
  moveMdfRequest,
  requireFundable,
} from './mdf-requests.js';
import { inTransaction } from './transaction.js';

/**
 * The operator approves a request, fully (the default) or partly, which
 * commits that amount of the pool until it is claimed and decided or its
 * claim deadline passes (default: 30 days after the pool's quarter ends).
 *
 * Pools are never over-committed: the pool row is locked (PostgreSQL:
 * `SELECT … FOR UPDATE`; SQLite runs one transaction at a time) and what its
 * requests commit is recomputed under that lock before the approval is
 * written, so of concurrent approvals only those that fit pass.
 * Errors: `mdf_request_not_found`, `invalid_mdf_transition`,
 * `campaign_locked`, `validation_failed` (amount above the request, a
 * deadline in the past), `invalid_amount`, `mdf_pool_exhausted`.
 */
export async function approveMdfRequest(
  deps: Deps,
  id: string,
  input: {
    amount?: string | undefined;
    claimDeadline?: number | undefined;
    note?: string | undefined;
  },
  actor: string,
): Promise<MdfRequestView> {
  return inTransaction(deps, async (tx) => {
    const before = await findMdfRequest(tx, id);
    assertMdfMove(id, before.status, 'approved');
    requireFundable(await findCampaign(tx, before.campaignId));
    const pool = await loadMdfPool(deps, tx, before.poolId, { lock: true });
    // Read after the lock: every approval committed before it is counted.
    const usage = await mdfPoolUsage(tx, [pool.id]);
    const remaining = poolRemaining(pool.amount, usage.get(pool.id) ?? { committed: 0n });
    const approve =
      input.amount === undefined ? before.requested : parseAmount(input.amount, pool.currency);
    checkApproval({ requested: before.requested, approve, remaining });
    const now = deps.clock.now();
    const deadline = input.claimDeadline ?? defaultClaimDeadline(pool.quarter);
    if (deadline <= now)
      throw invalid('claim_deadline', `must be in the future (it is ${toIso(now)} now)`);
    const after = await moveMdfRequest(
      deps,
      tx,
      before,
      'approved',
      {
        approved: approve,
        claim_deadline: deadline,
        decided_by: actor,
        decided_at: now,
        decision_note: input.note ?? null,
      },
      actor,
    );
    return mdfRequestView(after);
  });
}

/**
 * The operator turns a request down (nothing was committed) or a claim
 * (nothing is paid and the approved funds return to the pool; a new
 * request can be filed), with a note the partner reads.
 * Errors: `mdf_request_not_found`, `invalid_mdf_transition`, `validation_failed` (no note).
 */
export async function rejectMdf(
  deps: Deps,
  id: string,
  what: 'request' | 'claim',
  note: string,
  actor: string,
): Promise<MdfRequestView> {
  return inTransaction(deps, async (tx) => {
    const before = await findMdfRequest(tx, id);
    if (!note.trim()) throw invalid('note', `say why the ${what} is rejected`);
    const now = deps.clock.now();
    const after = await moveMdfRequest(
      deps,
      tx,
      before,
      what === 'request' ? 'rejected' : 'claim_rejected',
      what === 'request'
        ? { decided_by: actor, decided_at: now, decision_note: note }
        : { claim_decided_by: actor, claim_decided_at: now, claim_note: note },
      actor,
    );
    return mdfRequestView(after);
  });
}
