import { campaignChannels } from './campaign.js';
import { isHeldOut, type LiftReport, liftReport } from './lift.js';
import { divideHalfEven } from './rounding.js';

/**
 * Measuring a co-marketing campaign (issue 6): who its audience was, which
 * arm each customer fell in, and what they did before the window closed.
 * Pure counting over records the engine loads; the campaign report and the
 * campaign's target bonuses both read this one measurement.
 *
 * - **Audience**: every customer with a touch of the campaign (a
 *   `campaign.touch` event, or a visit through one of its tracking links
 *   that a later event quotes) at an instant in [startsAt, endsAt). A
 *   customer's first such instant opens its counting window.
 * - **Arms** by assignment (intent-to-treat): `isHeldOut(campaign, customer)`
 *   puts a customer in the holdout whether or not the creative reached it.
 * - **Outcomes** of a customer count in [its first touch, endsAt): signed up
 *   (a signup), activated (an activation), revenue (payments in the
 *   campaign's currency minus the refunds and chargebacks of those payments).
 * - **Channel** of a customer: the channel of its first touch.
 * - **Per partner**: the customers that partner touched (a touch naming a
 *   partner counts for it alone, one naming none for every partner of the
 *   campaign, a link visit for the link's partner), their outcomes counted
 *   from that partner's first touch of them.
 */

export interface MeasuredCampaign {
  id: string;
  startsAt: number;
  endsAt: number;
  holdoutBps: number;
  currency: string;
  /** The campaign's partners, lead first. */
  partnerIds: readonly string[];
  /** Percentage points × 100 of conversion the plan expects the campaign to add. */
  expectedLiftBps: number | null;
}

/** One touch of the campaign: a `campaign.touch` event or a tracking-link visit a customer's event quotes. */
export interface AudienceTouch {
  customerId: string;
  at: number;
  /** Event or click id: orders touches at the same instant, so the first is the same on every run. */
  ref: string;
  channel: string;
  /** The partner who delivered it; none: every partner of the campaign. */
  partnerId?: string | undefined;
}

/** A customer event that counts as an outcome. */
export interface OutcomeEvent {
  id: string;
  source: string;
  externalId: string;
  customerId: string;
  type: string;
  occurredAt: number;
  currency?: string | undefined;
  /** Minor units, as sent (refunds positive). */
  revenue?: bigint | undefined;
  /** Refunds and chargebacks: the external id of the payment they reverse. */
  paymentId?: string | undefined;
}

export interface Tally {
  customers: number;
  signups: number;
  activations: number;
  /** Minor units of the campaign currency. */
  revenue: bigint;
}

export interface PartnerTally {
  partnerId: string;
  exposed: Tally;
  holdout: Tally;
  incrementalActivations: number | null;
}

export interface CampaignMeasurement {
  /** Customers touched in the window, both arms. */
  audience: number;
  arms: { exposed: Tally; holdout: Tally };
  /** The exposed arm by the channel of each customer's first touch, in channel order. */
  channels: ({ channel: string } & Tally)[];
  /** Each partner of the campaign, in campaign order (lead first). */
  partners: PartnerTally[];
  /** Activation rates of the arms compared; null unless both arms have customers. */
  lift: LiftReport | null;
  /** See `incrementalActivations`; null unless both arms have customers. */
  incrementalActivations: number | null;
}

const emptyTally = (): Tally => ({ customers: 0, signups: 0, activations: 0, revenue: 0n });

/**
 * Activations the campaign added over its exposed customers, measured
 * against the holdout: `(rate_exposed − rate_holdout) × exposed customers`,
 * computed exactly as `(aE·nH − aH·nE) / nH`, rounded half-even to a whole
 * activation and never below zero. Null when an arm has no customers.
 *
 * Example: 30 of 100 exposed activated, 4 of 25 held out: (30·25 − 4·100) / 25
 * = 14 incremental activations.
 */
export function incrementalActivations(
  exposed: { customers: number; activations: number },
  holdout: { customers: number; activations: number },
): number | null {
  if (exposed.customers === 0 || holdout.customers === 0) return null;
  const nE = BigInt(exposed.customers);
  const nH = BigInt(holdout.customers);
  const v = divideHalfEven(BigInt(exposed.activations) * nH - BigInt(holdout.activations) * nE, nH);
  return v > 0n ? Number(v) : 0;
}

/** Orders touches by instant, then by reference: the first touch is the same on every run. */
const byInstant = (a: AudienceTouch, b: AudienceTouch) =>
  a.at - b.at || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);

interface Outcome {
  signedUp: boolean;
  activated: boolean;
  revenue: bigint;
}

/** What one customer did in [from, to): the events given are that customer's, in any order. */
export function outcomeOf(
  events: readonly OutcomeEvent[],
  from: number,
  to: number,
  currency: string,
): Outcome {
  const inWindow = events.filter((e) => e.occurredAt >= from && e.occurredAt < to);
  const counted = new Set<string>();
  let revenue = 0n;
  for (const e of inWindow) {
    if (e.type !== 'payment') continue;
    counted.add(`${e.source}\u001f${e.externalId}`);
    // Revenue in another currency is not converted: no rate is invented.
    if (e.currency === currency) revenue += e.revenue ?? 0n;
  }
  for (const e of inWindow) {
    if (e.type !== 'refund' && e.type !== 'chargeback') continue;
    // Only a reversal of a payment that counted takes revenue back.
    if (!e.paymentId || !counted.has(`${e.source}\u001f${e.paymentId}`)) continue;
    if (e.currency === currency) revenue -= e.revenue ?? 0n;
  }
  return {
    signedUp: inWindow.some((e) => e.type === 'signup'),
    activated: inWindow.some((e) => e.type === 'activation'),
    revenue,
  };
}

function add(t: Tally, o: Outcome): void {
  t.customers++;
  if (o.signedUp) t.signups++;
  if (o.activated) t.activations++;
  t.revenue += o.revenue;
}

/**
 * Measures a campaign from its touches and its audience's outcome events.
 * Touches outside the window are ignored; outcome events of customers
 * outside the audience are ignored. Deterministic in its inputs' content,
 * not their order.
 */
export function measureCampaign(
  campaign: MeasuredCampaign,
  touches: readonly AudienceTouch[],
  outcomes: readonly OutcomeEvent[],
): CampaignMeasurement {
  const inWindow = touches
    .filter((t) => t.at >= campaign.startsAt && t.at < campaign.endsAt)
    .sort(byInstant);
  const first = new Map<string, AudienceTouch>();
  /** customer → partner → first instant that partner touched it. */
  const partnerFirst = new Map<string, Map<string, number>>();
  const members = new Set(campaign.partnerIds);
  for (const t of inWindow) {
    if (!first.has(t.customerId)) first.set(t.customerId, t);
    const seen = partnerFirst.get(t.customerId) ?? new Map<string, number>();
    partnerFirst.set(t.customerId, seen);
    const credited = t.partnerId === undefined ? campaign.partnerIds : [t.partnerId];
    for (const p of credited) if (members.has(p) && !seen.has(p)) seen.set(p, t.at);
  }
  const eventsOf = new Map<string, OutcomeEvent[]>();
  for (const e of outcomes) {
    if (!first.has(e.customerId)) continue;
    const list = eventsOf.get(e.customerId);
    if (list) list.push(e);
    else eventsOf.set(e.customerId, [e]);
  }

  const arms = { exposed: emptyTally(), holdout: emptyTally() };
  const channels = new Map<string, Tally>();
  const partners = new Map(
    campaign.partnerIds.map((p) => [p, { exposed: emptyTally(), holdout: emptyTally() }]),
  );
  for (const [customerId, touch] of first) {
    const events = eventsOf.get(customerId) ?? [];
    const outcome = outcomeOf(events, touch.at, campaign.endsAt, campaign.currency);
    const held = isHeldOut(campaign.id, customerId, campaign.holdoutBps);
    add(held ? arms.holdout : arms.exposed, outcome);
    if (!held) {
      const c = channels.get(touch.channel) ?? emptyTally();
      channels.set(touch.channel, c);
      add(c, outcome);
    }
    for (const [partnerId, at] of partnerFirst.get(customerId) ?? []) {
      const p = partners.get(partnerId);
      if (!p) continue;
      const own =
        at === touch.at ? outcome : outcomeOf(events, at, campaign.endsAt, campaign.currency);
      add(held ? p.holdout : p.exposed, own);
    }
  }

  const rank = (c: string) => {
    const i = (campaignChannels as readonly string[]).indexOf(c);
    return i < 0 ? campaignChannels.length : i;
  };
  const expected =
    campaign.expectedLiftBps === null ? undefined : campaign.expectedLiftBps / 10_000;
  const bothArms = arms.exposed.customers > 0 && arms.holdout.customers > 0;
  return {
    audience: first.size,
    arms,
    channels: [...channels]
      .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
      .map(([channel, t]) => ({ channel, ...t })),
    partners: [...partners].map(([partnerId, p]) => ({
      partnerId,
      ...p,
      incrementalActivations: incrementalActivations(p.exposed, p.holdout),
    })),
    lift: bothArms
      ? liftReport(
          { customers: arms.exposed.customers, conversions: arms.exposed.activations },
          { customers: arms.holdout.customers, conversions: arms.holdout.activations },
          expected,
        )
      : null,
    incrementalActivations: incrementalActivations(arms.exposed, arms.holdout),
  };
}
