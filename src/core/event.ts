import type { Currency } from './currency.js';

export const eventTypes = ['signup', 'activation', 'payment', 'refund', 'chargeback'] as const;
export type EventType = (typeof eventTypes)[number];

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
}

// At the same instant, an event's cause comes before its effect: a refund
// stamped with its payment's time still finds the payment.
const TYPE_RANK: Record<string, number> = {
  signup: 0,
  activation: 1,
  payment: 2,
  refund: 3,
  chargeback: 4,
};

/** Evaluation order inside a unit: by time, then cause before effect, then id — never by arrival. */
export function compareEvents(
  a: { occurredAt: number; id: string; type?: string },
  b: { occurredAt: number; id: string; type?: string },
): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt - b.occurredAt;
  const ra = TYPE_RANK[a.type ?? ''] ?? 9;
  const rb = TYPE_RANK[b.type ?? ''] ?? 9;
  if (ra !== rb) return ra - rb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
