import { TandemError } from '../core/errors.js';
import {
  assertMdfMove,
  checkClaim,
  checkReimbursement,
  EXECUTED_CAMPAIGN,
  reimbursementLabel,
} from '../core/mdf.js';
import { parseAmount } from '../core/money.js';
import { toIso } from '../core/time.js';
import { findCampaign } from './campaigns.js';
import type { Deps } from './deps.js';
import { invalid, loadMdfPool } from './mdf-pools.js';
import {
  findMdfRequest,
  type MdfProof,
  type MdfRequestView,
  mdfRequestView,
  moveMdfRequest,
} from './mdf-requests.js';
import { postMdfReimbursement } from './post-mdf-reimbursement.js';
import { inTransaction } from './transaction.js';

/**
 * The partner claims its approved funds back with proof of execution (links,
 * invoices, results), for at most the approved amount, before the claim
 * deadline, for a campaign it still runs and that has gone live.
 * Errors: `mdf_request_not_found`, `invalid_mdf_transition` (not approved,
 * or the deadline has passed), `campaign_not_found` (the partner no longer
 * runs the campaign), `campaign_not_running` (it never went live, or was
 * cancelled), `claim_exceeds_approved`, `invalid_amount`, `validation_failed`.
 */
export async function submitMdfClaim(
  deps: Deps,
  id: string,
  input: { amount: string; proof: MdfProof },
  actor: string,
): Promise<MdfRequestView> {
  return inTransaction(deps, async (tx) => {
    const before = await findMdfRequest(tx, id);
    assertMdfMove(id, before.status, 'claimed');
    const now = deps.clock.now();
    if (before.claimDeadline !== null && now >= before.claimDeadline)
      throw new TandemError(
        'invalid_mdf_transition',
        `the claim deadline of MDF request ${id} passed at ${toIso(before.claimDeadline)}; the approval expires`,
        { status: before.status, claim_deadline: toIso(before.claimDeadline) },
      );
    const campaign = await findCampaign(tx, before.campaignId);
    if (!campaign.partners.some((p) => p.partnerId === before.partnerId))
      throw new TandemError('campaign_not_found', `no campaign ${before.campaignId}`);
    if (!EXECUTED_CAMPAIGN.includes(campaign.status))
      throw new TandemError(
        'campaign_not_running',
        `campaign ${campaign.code} is ${campaign.status}; proof of execution is claimed once it has gone live`,
      );
    if (input.proof.links.length === 0 && input.proof.invoices.length === 0)
      throw invalid('proof', 'give at least one link or invoice');
    const claimed = parseAmount(input.amount, before.currency);
    checkClaim(before.approved ?? 0n, claimed);
    const after = await moveMdfRequest(
      deps,
      tx,
      before,
      'claimed',
      { claimed, proof: JSON.stringify(input.proof), claimed_at: now },
      actor,
    );
    return mdfRequestView(after);
  });
}

/**
 * The operator accepts a claim, for the claimed amount or less, and the
 * reimbursement is posted to the ledger into the partner's available
 * balance in the pool's program and currency (see `postMdfReimbursement`),
 * so the next payout run pays it. Paid once: the move from `claimed` is a
 * conditional update (a second or concurrent approval finds it reimbursed
 * and gets `invalid_mdf_transition`), and `mdf_requests.tx_id` is unique.
 * Errors: `mdf_request_not_found`, `invalid_mdf_transition`,
 * `validation_failed` (above the claim), `invalid_amount`.
 */
export async function approveMdfClaim(
  deps: Deps,
  id: string,
  input: { amount?: string | undefined; note?: string | undefined },
  actor: string,
): Promise<MdfRequestView> {
  return inTransaction(deps, async (tx) => {
    const before = await findMdfRequest(tx, id);
    assertMdfMove(id, before.status, 'reimbursed');
    const claimed = before.claimed ?? 0n;
    const amount =
      input.amount === undefined ? claimed : parseAmount(input.amount, before.currency);
    checkReimbursement(claimed, amount);
    const now = deps.clock.now();
    const pool = await loadMdfPool(deps, tx, before.poolId);
    // The request was filed in the pool's currency; the ledger never gets another.
    if (pool.currency !== before.currency)
      throw new Error(`MDF request ${id} is in ${before.currency}, its pool in ${pool.currency}`);
    const campaign = await findCampaign(tx, before.campaignId);
    const txId = await postMdfReimbursement(deps, tx, {
      requestId: id,
      programId: pool.programId,
      partnerId: before.partnerId,
      poolId: pool.id,
      quarter: pool.quarter,
      campaign: { id: campaign.id, code: campaign.code, name: campaign.name },
      label: reimbursementLabel(campaign, id),
      currency: pool.currency,
      requested: before.requested,
      approved: before.approved ?? 0n,
      claimed,
      amount,
      now,
    });
    // Conditional on `claimed`: a racing approval that moved it first makes
    // this one fail and roll back, posting included.
    const after = await moveMdfRequest(
      deps,
      tx,
      before,
      'reimbursed',
      {
        reimbursed: amount,
        tx_id: txId,
        claim_decided_by: actor,
        claim_decided_at: now,
        claim_note: input.note ?? null,
      },
      actor,
    );
    return mdfRequestView(after);
  });
}
