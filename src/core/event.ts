import type { Currency } from './currency.js';

export const customerEventTypes = [
  'signup',
  'activation',
  'payment',
  'refund',
  'chargeback',
  'campaign.touch',
] as const;
/** Events about an integration: a milestone reached, usage by an install, a quality report. */
export const integrationEventTypes = [
  'integration.milestone',
  'usage',
  'integration.quality',
] as const;
export const eventTypes = [...customerEventTypes, ...integrationEventTypes] as const;
export type EventType = (typeof eventTypes)[number];
export type IntegrationEventType = (typeof integrationEventTypes)[number];

export const isIntegrationEventType = (t: string): t is IntegrationEventType =>
  (integrationEventTypes as readonly string[]).includes(t);

export type AttributeValue = string | number | boolean;

export interface CustomerFacts {
  side?: 'buyer' | 'seller';
  country?: string;
  segment?: string;
  attributes?: Record<string, AttributeValue>;
}

/**
 * A stored event as the engine evaluates it. `id` is Tandem's own id
 * (`evt_…`); `externalId` is the sender's idempotency key, unique per source.
 * Amounts are minor units of `currency`.
 */
export interface TandemEvent {
  id: string;
  source: string;
  externalId: string;
  type: EventType;
  occurredAt: number;
  customerId: string;
  customer: CustomerFacts;
  clickId?: string;
  referralCode?: string;
  coupon?: string;
  currency?: Currency;
  gross?: bigint;
  revenue?: bigint;
  /** For refunds and chargebacks: the external id of the payment (same source). */
  paymentId?: string;
  attributes?: Record<string, AttributeValue>;
  /** Integration events: the integration (`int_…`). `customerId` is the install for usage, else the integration. */
  integrationId?: string;
  milestone?: string;
  /** Usage: what was counted (default `usage`) and how much (whole units, default 1). */
  metric?: string;
  quantity?: bigint;
  /** Quality reports, in hundredths of a percent (exact). */
  quality?: { uptime?: number; errorRate?: number };
  /** Campaign touches: the campaign's code as sent (normal form), and its id once resolved. */
  campaignCode?: string;
  campaignId?: string;
  /** Campaign touches: the channel, the UTM parameters, and the partner who delivered it (else all the campaign's partners). */
  channel?: string;
  utm?: Partial<Record<'source' | 'medium' | 'campaign' | 'term' | 'content', string>>;
  touchPartnerId?: string;
}

// At the same instant, an event's cause comes before its effect: a refund
// stamped with its payment's time still finds the payment.
const TYPE_RANK: Record<string, number> = {
  'campaign.touch': -1,
  signup: 0,
  activation: 1,
  payment: 2,
  refund: 3,
  chargeback: 4,
};

interface Ordered {
  occurredAt: number;
  id: string;
  type?: string;
  source?: string;
  externalId?: string;
}

/**
 * Evaluation order inside a unit: by time, then cause before effect, then the
 * sender's own key (source, id) — never by arrival, which Tandem's own ids
 * reflect — and Tandem's id only for inputs that have no sender's key.
 */
export function compareEvents(a: Ordered, b: Ordered): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt - b.occurredAt;
  const ra = TYPE_RANK[a.type ?? ''] ?? 9;
  const rb = TYPE_RANK[b.type ?? ''] ?? 9;
  if (ra !== rb) return ra - rb;
  const ka = a.externalId === undefined ? a.id : `${a.source ?? ''}\u001f${a.externalId}`;
  const kb = b.externalId === undefined ? b.id : `${b.source ?? ''}\u001f${b.externalId}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The sender's key of an event, for ordering that must not depend on arrival. */
export function senderKey(e: { source: string; externalId: string }): string {
  return `${e.source}\u001f${e.externalId}`;
}
