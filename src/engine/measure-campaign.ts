import { isHeldOut } from '../core/lift.js';
import {
  type AudienceTouch,
  type CampaignMeasurement,
  measureCampaign as measure,
  type OutcomeEvent,
} from '../core/measure-campaign.js';
import { jsonOut, toBigInt, toBool, toNumber } from '../store/values.js';
import type { CampaignRow } from './campaigns.js';
import { chunks, type Db, type Tx } from './transaction.js';

const OUTCOME_TYPES = ['signup', 'activation', 'payment', 'refund', 'chargeback'];

/**
 * Measures a campaign from the stored events (see core/measure-campaign.ts
 * for the rules): its touches by the `events_campaign` index, the visits
 * through its tracking links that customers' events quote, and the outcome
 * events of its audience by customer id in chunks — a few queries whatever
 * the audience's size, never one per customer. The report and the target
 * bonuses both measure through here.
 */
export async function measureCampaign(
  db: Db | Tx,
  campaign: CampaignRow,
  opts: { chunk?: number } = {},
): Promise<CampaignMeasurement> {
  const touches = await loadAudienceTouches(db, campaign);
  const customers = [...new Set(touches.map((t) => t.customerId))];
  const outcomes: OutcomeEvent[] = [];
  for (const part of chunks(customers, opts.chunk ?? 500)) {
    const rows = await db
      .selectFrom('events')
      .select([
        'id',
        'source',
        'external_id',
        'customer_id',
        'type',
        'occurred_at',
        'currency',
        'revenue',
        'payment_id',
      ])
      .where('customer_id', 'in', part)
      .where('type', 'in', OUTCOME_TYPES)
      .where('integration_id', 'is', null)
      .where('occurred_at', '>=', campaign.startsAt)
      .where('occurred_at', '<', campaign.endsAt)
      .execute();
    for (const r of rows)
      outcomes.push({
        id: r.id,
        source: r.source,
        externalId: r.external_id,
        customerId: r.customer_id,
        type: r.type,
        occurredAt: toNumber(r.occurred_at),
        currency: r.currency ?? undefined,
        revenue: r.revenue === null ? undefined : toBigInt(r.revenue),
        paymentId: r.payment_id ?? undefined,
      });
  }
  return measure(
    {
      id: campaign.id,
      startsAt: campaign.startsAt,
      endsAt: campaign.endsAt,
      holdoutBps: campaign.holdoutBps,
      currency: campaign.currency,
      partnerIds: campaign.partners.map((p) => p.partnerId),
      expectedLiftBps: campaign.expectedLiftBps,
    },
    touches,
    outcomes,
  );
}

/** The campaign's touches in its window: `campaign.touch` events and quoted tracking-link visits. */
async function loadAudienceTouches(db: Db | Tx, c: CampaignRow): Promise<AudienceTouch[]> {
  const out: AudienceTouch[] = [];
  const events = await db
    .selectFrom('events')
    .select(['id', 'customer_id', 'occurred_at', 'body'])
    .where('campaign_id', '=', c.id)
    .where('occurred_at', '>=', c.startsAt)
    .where('occurred_at', '<', c.endsAt)
    .where('type', '=', 'campaign.touch')
    .execute();
  for (const r of events) {
    const body = jsonOut<{ channel?: string; partner_id?: string }>(r.body);
    out.push({
      customerId: r.customer_id,
      at: toNumber(r.occurred_at),
      ref: r.id,
      channel: body.channel ?? 'other',
      partnerId: body.partner_id,
    });
  }
  // A visit through a campaign link joins the audience once an event of the
  // customer quotes its click id; bots never do.
  const visits = await db
    .selectFrom('links as l')
    .innerJoin('clicks as k', 'k.link_id', 'l.id')
    .innerJoin('events as e', 'e.click_id', 'k.id')
    .select(['e.customer_id', 'k.id as click_id', 'k.occurred_at', 'l.partner_id', 'k.bot'])
    .distinct()
    .where('l.campaign_id', '=', c.id)
    .where('k.occurred_at', '>=', c.startsAt)
    .where('k.occurred_at', '<', c.endsAt)
    .where('e.integration_id', 'is', null)
    .execute();
  for (const v of visits) {
    if (toBool(v.bot)) continue;
    out.push({
      customerId: v.customer_id,
      at: toNumber(v.occurred_at),
      ref: v.click_id,
      channel: 'partner_site',
      partnerId: v.partner_id,
    });
  }
  return out;
}

/**
 * Which arm a customer is in: held out (the marketplace does not send it the
 * creative) or exposed. A stable hash of campaign and customer, so the
 * marketplace can ask before sending and the report agrees afterwards.
 */
export function campaignAssignment(
  campaign: Pick<CampaignRow, 'id' | 'holdoutBps'>,
  customerId: string,
): 'exposed' | 'holdout' {
  return isHeldOut(campaign.id, customerId, campaign.holdoutBps) ? 'holdout' : 'exposed';
}
