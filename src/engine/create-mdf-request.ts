import { TandemError } from '../core/errors.js';
import { overlapsQuarter } from '../core/mdf.js';
import { parseAmount } from '../core/money.js';
import type { MdfRequestsTable } from '../store/schema.js';
import { audit } from './audit.js';
import { findCampaign } from './campaigns.js';
import type { Deps } from './deps.js';
import { invalid, loadMdfPool, poolServesPartner } from './mdf-pools.js';
import {
  type MdfRequestView,
  mdfRequestView,
  requestFromRow,
  requireFundable,
} from './mdf-requests.js';
import { emitEvent } from './outbox.js';
import { findPartner } from './partners.js';
import { inTransaction } from './transaction.js';

export interface MdfRequestInput {
  poolId: string;
  campaignId: string;
  partnerId: string;
  amount: string;
  currency?: string | undefined;
  description: string;
}

/**
 * A partner asks a pool for funds for a campaign it runs. The pool must
 * serve it (its program is the campaign's, its scope takes in the partner
 * now, its quarter overlaps the campaign's window) and the amount is in the
 * pool's currency. Nothing is committed until the operator approves.
 * With `asPartner` (a partner's own key), a campaign the partner does not
 * run answers `campaign_not_found`, as if it did not exist.
 * Errors: `campaign_not_found`, `campaign_locked`, `partner_not_approved`,
 * `mdf_pool_not_found`,
 * `mdf_pool_not_eligible`, `validation_failed`, `invalid_amount`.
 */
export async function createMdfRequest(
  deps: Deps,
  input: MdfRequestInput,
  actor: string,
  opts: { asPartner: boolean },
): Promise<MdfRequestView> {
  return inTransaction(deps, async (tx) => {
    const campaign = await findCampaign(tx, input.campaignId);
    if (!campaign.partners.some((p) => p.partnerId === input.partnerId)) {
      if (opts.asPartner)
        throw new TandemError('campaign_not_found', `no campaign ${input.campaignId}`);
      throw invalid(
        'partner_id',
        `partner ${input.partnerId} does not run campaign ${campaign.code}`,
      );
    }
    requireFundable(campaign);
    const partner = await findPartner(tx, input.partnerId);
    if (partner.status !== 'approved')
      throw new TandemError(
        'partner_not_approved',
        `partner ${partner.id} is ${partner.status}; only approved partners request funds`,
      );
    const pool = await loadMdfPool(deps, tx, input.poolId);
    const notEligible = (why: string) =>
      new TandemError('mdf_pool_not_eligible', `pool ${pool.id} cannot fund this: ${why}`, {
        pool_id: pool.id,
      });
    if (pool.programId !== campaign.programId)
      throw notEligible(`it belongs to another program than campaign ${campaign.code}`);
    if (!(await poolServesPartner(tx, pool, input.partnerId)))
      throw notEligible(
        pool.scope === 'tier'
          ? `it serves partners in tier ${pool.tierId}, and partner ${input.partnerId} is not in it`
          : pool.scope === 'partner'
            ? 'it is reserved for another partner'
            : `partner ${input.partnerId} is not enrolled in its program`,
      );
    if (!overlapsQuarter(pool.quarter, campaign.startsAt, campaign.endsAt))
      throw notEligible(`campaign ${campaign.code} does not run in ${pool.quarter}`);
    if (input.currency !== undefined && input.currency !== pool.currency)
      throw invalid('currency', `the pool holds ${pool.currency}; request in ${pool.currency}`);
    const amount = parseAmount(input.amount, pool.currency);
    if (amount <= 0n) throw invalid('amount', 'must be above 0');
    const now = deps.clock.now();
    const row: MdfRequestsTable = {
      id: deps.ids.next('mdfr'),
      pool_id: pool.id,
      campaign_id: campaign.id,
      partner_id: input.partnerId,
      currency: pool.currency,
      requested: amount,
      approved: null,
      claimed: null,
      reimbursed: null,
      status: 'requested',
      description: input.description,
      claim_deadline: null,
      proof: null,
      tx_id: null,
      requested_by: actor,
      decided_by: null,
      decided_at: null,
      decision_note: null,
      claimed_at: null,
      claim_decided_by: null,
      claim_decided_at: null,
      claim_note: null,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto('mdf_requests').values(row).execute();
    const view = mdfRequestView(requestFromRow(row));
    await audit(deps, tx, {
      actor,
      action: 'mdf.requested',
      subject: row.id,
      data: { pool_id: pool.id, campaign_id: campaign.id, requested: view.requested },
    });
    await emitEvent(deps, tx, { type: 'mdf.requested', subject: row.id, data: { ...view } });
    return view;
  });
}
