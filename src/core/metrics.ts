import type { Currency } from './currency.js';

/**
 * The partner metrics that tiers and performance bonuses are written in. Each
 * is computed from a partner's conversions (attributed events) in one
 * program over a half-open time range [from, to).
 *
 * - `referred_revenue`: revenue (the marketplace's take) of attributed payments
 *   in the program currency, minus refunds and chargebacks of them; an amount.
 * - `active_customers`: distinct referred customers with a payment in the range.
 * - `signups`, `activations`, `payments`: attributed events of that type.
 * - `certified_integrations`: the partner's integrations in the program that
 *   hold a certification level at the moment of evaluation (a state, not a
 *   sum over the window: an expired certification stops counting at once).
 */
export const metricNames = [
  'referred_revenue',
  'active_customers',
  'signups',
  'activations',
  'payments',
  'certified_integrations',
] as const;

/** Metrics that are a state at the instant of evaluation, measured by the engine, not from conversions. */
export const stateMetrics: ReadonlySet<MetricName> = new Set(['certified_integrations']);
export type MetricName = (typeof metricNames)[number];

/** Metrics measured in the program currency (written as amounts); the rest are counts. */
export const amountMetrics: ReadonlySet<MetricName> = new Set(['referred_revenue']);

export interface MetricConversion {
  customerId: string;
  type: string;
  occurredAt: number;
  currency: string | null | undefined;
  /** Minor units; negative for refunds and chargebacks. */
  revenue: bigint;
}

/** One metric over [from, to). Counts and amounts are both bigint. */
export function measure(
  metric: MetricName,
  conversions: readonly MetricConversion[],
  range: { from: number; to: number; currency: Currency },
): bigint {
  let total = 0n;
  const customers = new Set<string>();
  for (const c of conversions) {
    if (c.occurredAt < range.from || c.occurredAt >= range.to) continue;
    switch (metric) {
      case 'referred_revenue':
        // Revenue in another currency is not converted: no rate is invented.
        if (c.currency === range.currency) total += c.revenue;
        break;
      case 'active_customers':
        if (c.type === 'payment') customers.add(c.customerId);
        break;
      case 'signups':
      case 'activations':
      case 'payments':
        if (`${c.type}s` === metric) total += 1n;
        break;
    }
  }
  return metric === 'active_customers' ? BigInt(customers.size) : total;
}
