import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalEvent,
  canonicalJson,
  FUTURE_TOLERANCE_MS,
  parseEventInput,
} from './event-input.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

const payment = {
  id: 'pay_001',
  type: 'payment',
  occurred_at: '2026-02-10T09:30:00Z',
  customer: { id: 'cus_1', side: 'seller', country: 'DE' },
  currency: 'USD',
  gross: '120.00',
  revenue: '100.00',
};

function failure(raw: unknown, now = NOW) {
  const r = parseEventInput(raw, now);
  if (r.ok)
    throw new Error(
      `expected a failure, got ${JSON.stringify(r.event, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`,
    );
  return r;
}

describe('parseEventInput: valid events', () => {
  it('normalizes a payment: amounts to minor units, time to epoch ms, default source api', () => {
    const r = parseEventInput(payment, NOW);
    expect(r).toEqual({
      ok: true,
      event: {
        source: 'api',
        externalId: 'pay_001',
        type: 'payment',
        occurredAt: Date.parse('2026-02-10T09:30:00Z'),
        customerId: 'cus_1',
        customer: { side: 'seller', country: 'DE' },
        currency: 'USD',
        gross: 12000n,
        revenue: 10000n,
      },
    });
  });

  it('uses the minor units of the event currency', () => {
    const jpy = parseEventInput(
      { ...payment, currency: 'JPY', gross: '1200', revenue: '1000' },
      NOW,
    );
    expect(jpy.ok && [jpy.event.gross, jpy.event.revenue]).toEqual([1200n, 1000n]);
    const kwd = parseEventInput(
      { ...payment, currency: 'KWD', gross: '1.5', revenue: '0.125' },
      NOW,
    );
    expect(kwd.ok && [kwd.event.gross, kwd.event.revenue]).toEqual([1500n, 125n]);
  });

  it('keeps codes, click id, attributes and source as sent', () => {
    const r = parseEventInput(
      {
        id: 'sig_1',
        source: 'web.snippet',
        type: 'signup',
        occurred_at: '2026-01-05',
        customer: { id: 'cus_1', segment: 'smb', attributes: { seats: 3, verified: true } },
        click_id: 'clk_1',
        referral_code: 'alice10',
        coupon: 'SPRING',
        attributes: { plan: 'pro' },
      },
      NOW,
    );
    expect(r.ok && r.event).toEqual({
      source: 'web.snippet',
      externalId: 'sig_1',
      type: 'signup',
      occurredAt: Date.parse('2026-01-05T00:00:00Z'),
      customerId: 'cus_1',
      customer: { segment: 'smb', attributes: { seats: 3, verified: true } },
      clickId: 'clk_1',
      referralCode: 'alice10',
      coupon: 'SPRING',
      attributes: { plan: 'pro' },
    });
  });

  it('accepts a full refund with only payment_id, and a partial one with amounts', () => {
    const full = parseEventInput(
      {
        id: 'ref_1',
        type: 'refund',
        occurred_at: '2026-02-20',
        customer: { id: 'cus_1' },
        payment_id: 'pay_001',
      },
      NOW,
    );
    expect(full.ok && full.event).toMatchObject({ type: 'refund', paymentId: 'pay_001' });
    expect(full.ok && 'revenue' in full.event).toBe(false);
    const partial = parseEventInput(
      {
        id: 'ref_2',
        type: 'chargeback',
        occurred_at: '2026-02-20',
        customer: { id: 'cus_1' },
        payment_id: 'pay_001',
        currency: 'USD',
        revenue: '30.00',
      },
      NOW,
    );
    expect(partial.ok && partial.event).toMatchObject({
      type: 'chargeback',
      paymentId: 'pay_001',
      revenue: 3000n,
    });
  });

  it('accepts occurred_at up to 5 minutes ahead of now', () => {
    const edge = new Date(NOW + FUTURE_TOLERANCE_MS).toISOString();
    expect(parseEventInput({ ...payment, occurred_at: edge }, NOW).ok).toBe(true);
  });
});

describe('parseEventInput: failures have stable codes', () => {
  it('unknown type → unknown_event_type', () => {
    const r = failure({ ...payment, type: 'purchase' });
    expect(r.code).toBe('unknown_event_type');
    expect(r.issues[0]?.path).toBe('type');
  });

  it('negative amount → invalid_amount', () => {
    expect(failure({ ...payment, revenue: '-10.00' }).code).toBe('invalid_amount');
    expect(failure({ ...payment, gross: ' -1' }).code).toBe('invalid_amount');
  });

  it('too many decimals or not a number → invalid_amount, at the field', () => {
    const r = failure({ ...payment, revenue: '10.005' });
    expect(r.code).toBe('invalid_amount');
    expect(r.issues[0]?.path).toBe('revenue');
    expect(failure({ ...payment, currency: 'JPY', revenue: '10.5' }).code).toBe('invalid_amount');
    expect(failure({ ...payment, gross: 'ten' }).code).toBe('invalid_amount');
  });

  it('unknown currency → unknown_currency', () => {
    const r = failure({ ...payment, currency: 'XYZ' });
    expect(r.code).toBe('unknown_currency');
    expect(r.issues).toEqual([{ path: 'currency', message: 'unknown currency "XYZ"' }]);
  });

  it('bad occurred_at → validation_failed', () => {
    for (const occurred_at of ['yesterday', '2026-01-03T10', '', '10/02/2026']) {
      const r = failure({ ...payment, occurred_at });
      expect(r.code, occurred_at).toBe('validation_failed');
      expect(r.issues.map((i) => i.path)).toContain('occurred_at');
    }
  });

  it('occurred_at more than 5 minutes ahead → occurred_at_in_future', () => {
    expect(
      failure({ ...payment, occurred_at: new Date(NOW + FUTURE_TOLERANCE_MS + 1).toISOString() })
        .code,
    ).toBe('occurred_at_in_future');
    expect(failure({ ...payment, occurred_at: '2027-01-01' }).code).toBe('occurred_at_in_future');
  });

  it('refund or chargeback without payment_id → validation_failed at payment_id', () => {
    for (const type of ['refund', 'chargeback']) {
      const r = failure({ id: 'r', type, occurred_at: '2026-02-20', customer: { id: 'cus_1' } });
      expect(r.code).toBe('validation_failed');
      expect(r.issues[0]?.path).toBe('payment_id');
    }
  });

  it('payment_id on a payment → validation_failed', () => {
    expect(failure({ ...payment, payment_id: 'pay_000' }).code).toBe('validation_failed');
  });

  it('a payment without amounts, amounts without currency, amounts on a signup → validation_failed', () => {
    const { gross: _g, revenue: _r, ...bare } = payment;
    expect(failure(bare).code).toBe('validation_failed');
    const { currency: _c, ...noCurrency } = payment;
    const r = failure(noCurrency);
    expect([r.code, r.issues[0]?.path]).toEqual(['validation_failed', 'currency']);
    expect(failure({ ...payment, type: 'signup' }).code).toBe('validation_failed');
  });

  it('extra unknown fields are rejected (strict), also inside customer', () => {
    expect(failure({ ...payment, amount: '100.00' }).code).toBe('validation_failed');
    const inner = failure({ ...payment, customer: { ...payment.customer, email: 'a@b.c' } });
    expect(inner.code).toBe('validation_failed');
    expect(inner.issues[0]?.path).toBe('customer');
  });

  it('schema problems are listed with their paths', () => {
    const r = failure({ ...payment, customer: { id: '', country: 'Germany' } });
    expect(r.code).toBe('validation_failed');
    expect(r.issues.map((i) => i.path).sort()).toEqual(['customer.country', 'customer.id']);
    expect(failure(null).code).toBe('validation_failed');
    expect(failure('payment').code).toBe('validation_failed');
    expect(failure({ ...payment, source: 'Bad Source' }).code).toBe('validation_failed');
  });

  it('never throws on arbitrary JSON (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parseEventInput(v, NOW);
        expect(r.ok).toBe(false);
      }),
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            id: fc.string(),
            type: fc.constantFrom('payment', 'refund', 'signup', 'x'),
            occurred_at: fc.string(),
            customer: fc.record({ id: fc.string() }),
            currency: fc.constantFrom('USD', 'JPY', 'zzz'),
            revenue: fc.string(),
            payment_id: fc.string(),
          },
          { requiredKeys: ['id', 'type', 'occurred_at', 'customer'] },
        ),
        (v) => {
          const r = parseEventInput(v, NOW);
          if (!r.ok) expect(r.issues.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('canonicalJson', () => {
  it('does not depend on key order, at any depth', () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: 'x' } };
    const b = { a: { x: 'x', y: [1, { p: 2, q: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"x","y":[1,{"p":2,"q":1}]},"b":1}');
  });

  it('writes bigints as strings, drops undefined keys, keeps array order', () => {
    expect(canonicalJson({ amount: 10000n, gone: undefined, list: [2, 1] })).toBe(
      '{"amount":"10000","list":[2,1]}',
    );
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('tells different content apart', () => {
    const p1 = parseEventInput(payment, NOW);
    const p2 = parseEventInput({ ...payment, revenue: '100.01' }, NOW);
    const p3 = parseEventInput({ ...payment, revenue: '100.0' }, NOW); // same amount, other spelling
    if (!p1.ok || !p2.ok || !p3.ok) throw new Error('fixtures must parse');
    expect(canonicalEvent(p1.event)).not.toBe(canonicalEvent(p2.event));
    expect(canonicalEvent(p1.event)).toBe(canonicalEvent(p3.event));
  });

  it('is key-order independent for any object (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
        expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
    );
  });
});
