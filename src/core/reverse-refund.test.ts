import { describe, expect, it } from 'vitest';
import type { TandemEvent } from './event.js';
import { currency } from './money.js';
import { refundFraction } from './reverse-refund.js';

const USD = currency('USD');
const event = (extra: Partial<TandemEvent>): TandemEvent => ({
  id: 'e',
  source: 'api',
  externalId: 'e',
  type: 'payment',
  occurredAt: 0,
  customerId: 'C',
  customer: {},
  ...extra,
});

describe('refundFraction', () => {
  const payment = event({ currency: USD, revenue: 9999n, gross: 50000n });

  it('is the whole payment when the refund states no amount', () => {
    expect(refundFraction(payment, event({ type: 'refund' }))).toEqual({ num: 1n, den: 1n });
  });

  it('is revenue over revenue, reduced, else gross over gross', () => {
    expect(
      refundFraction(payment, event({ type: 'refund', currency: USD, revenue: 3333n })),
    ).toEqual({ num: 1n, den: 3n });
    expect(
      refundFraction(payment, event({ type: 'refund', currency: USD, gross: 12500n })),
    ).toEqual({ num: 1n, den: 4n });
  });

  it('stops at the whole payment', () => {
    expect(
      refundFraction(payment, event({ type: 'refund', currency: USD, revenue: 20000n })),
    ).toEqual({ num: 1n, den: 1n });
  });

  it('cannot be told for another currency or a field the payment lacks', () => {
    expect(
      refundFraction(payment, event({ type: 'refund', currency: currency('EUR'), revenue: 100n })),
    ).toBeUndefined();
    const revenueOnly = event({ currency: USD, revenue: 1000n });
    expect(
      refundFraction(revenueOnly, event({ type: 'refund', currency: USD, gross: 100n })),
    ).toBeUndefined();
  });
});
