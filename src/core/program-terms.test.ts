import { describe, expect, it } from 'vitest';
import { workedExampleTerms } from '../../test/support/worked-example.js';
import { TandemError } from './errors.js';
import { compileTerms, parseTerms, validateTerms } from './program-terms.js';

/** The example program of the doc comment, as an operator writes it. */
const example = workedExampleTerms;

function issuesOf(input: unknown) {
  const r = validateTerms(input);
  if (r.ok) throw new Error('expected the terms to be invalid');
  return r.issues;
}

const withRewards = (...rewards: unknown[]) => ({ currency: 'USD', rewards });

describe('validateTerms', () => {
  it('accepts the example program', () => {
    expect(validateTerms(example).ok).toBe(true);
  });

  it('fills defaults: last touch, 90 days, coupon > referral_code > click > campaign, hold 30 days', () => {
    const r = validateTerms({ currency: 'EUR', rewards: [] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.document.attribution).toEqual({
      model: 'last_touch',
      window_days: 90,
      priority: ['coupon', 'referral_code', 'click', 'campaign'],
    });
    expect(r.document.hold_days).toBe(30);
  });

  it('fills defaults inside a partly written attribution block', () => {
    const r = validateTerms({
      currency: 'EUR',
      attribution: { model: 'first_touch' },
      rewards: [],
    });
    expect(r.ok && r.document.attribution).toEqual({
      model: 'first_touch',
      window_days: 90,
      priority: ['coupon', 'referral_code', 'click', 'campaign'],
    });
  });

  it('defaults duration.from to attribution', () => {
    const r = validateTerms(
      withRewards({ id: 'a', event: 'payment', percent: 5, duration: { days: 30 } }),
    );
    expect(r.ok && r.document.rewards[0]?.duration).toEqual({ days: 30, from: 'attribution' });
  });

  it('rejects percent above 100 at rewards[i].percent with "≤ 100"', () => {
    const issues = issuesOf(
      withRewards(
        { id: 'a', event: 'activation', flat: '1.00' },
        { id: 'b', event: 'payment', percent: 150 },
      ),
    );
    const issue = issues.find((i) => i.path === 'rewards[1].percent');
    expect(issue?.message).toContain('≤ 100');
  });

  it('rejects percent ≤ 0 and more than two decimals', () => {
    expect(issuesOf(withRewards({ id: 'a', event: 'payment', percent: 0 }))).toContainEqual({
      path: 'rewards[0].percent',
      message: 'must be ≥ 0.01',
    });
    expect(
      issuesOf(withRewards({ id: 'a', event: 'payment', percent: 12.345 })).map((i) => i.path),
    ).toContain('rewards[0].percent');
    expect(validateTerms(withRewards({ id: 'a', event: 'payment', percent: 12.34 })).ok).toBe(true);
    expect(validateTerms(withRewards({ id: 'a', event: 'payment', percent: 0.01 })).ok).toBe(true);
  });

  // Regression (program-terms.ts `percent` refine): the "two decimals" check uses an absolute
  // tolerance of 1e-9 on p × 100, so a tiny positive percent such as 1e-12 passes "> 0" and
  // the decimals check, then compiles to 0 bps: a rule that can never pay.
  // A percent must now be at least 0.01.
  it('rejects a positive percent that rounds to 0 basis points', () => {
    expect(validateTerms(withRewards({ id: 'a', event: 'payment', percent: 1e-12 })).ok).toBe(
      false,
    );
  });

  it('reports duplicate rule ids at the second occurrence', () => {
    const issues = issuesOf(
      withRewards(
        { id: 'dup', event: 'activation', flat: '1.00' },
        { id: 'other', event: 'signup', flat: '1.00' },
        { id: 'dup', event: 'signup', flat: '2.00' },
      ),
    );
    expect(issues).toEqual([{ path: 'rewards[2].id', message: 'duplicate rule id dup' }]);
  });

  it('requires exactly one of flat and percent', () => {
    expect(
      issuesOf(withRewards({ id: 'a', event: 'payment', flat: '1.00', percent: 10 })),
    ).toContainEqual({
      path: 'rewards[0].flat',
      message: 'a reward pays either flat or percent (exactly one)',
    });
    expect(issuesOf(withRewards({ id: 'a', event: 'payment' })).map((i) => i.path)).toContain(
      'rewards[0].flat',
    );
  });

  it('rejects percent on a non-payment event', () => {
    expect(issuesOf(withRewards({ id: 'a', event: 'activation', percent: 10 }))).toContainEqual({
      path: 'rewards[0].percent',
      message: 'percent rewards apply to payment events only',
    });
  });

  it('rejects "of" without percent', () => {
    expect(
      issuesOf(withRewards({ id: 'a', event: 'payment', flat: '1.00', of: 'gross' })).map(
        (i) => i.path,
      ),
    ).toContain('rewards[0].of');
  });

  it('rejects "10.005" for USD at rewards[i].flat, but accepts it for KWD', () => {
    const issues = issuesOf(
      withRewards(
        { id: 'a', event: 'signup', flat: '1.00' },
        { id: 'b', event: 'signup', flat: '10.005' },
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('rewards[1].flat');
    expect(issues[0]?.message).toMatch(/2 decimal places/);
    expect(
      validateTerms({ currency: 'KWD', rewards: [{ id: 'b', event: 'signup', flat: '10.005' }] })
        .ok,
    ).toBe(true);
  });

  it('checks caps against the currency too', () => {
    const issues = issuesOf({
      currency: 'JPY',
      rewards: [{ id: 'a', event: 'payment', percent: 5, cap_per_customer: '10.5' }],
      caps: { per_partner_per_month: '100.50' },
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      'caps.per_partner_per_month',
      'rewards[0].cap_per_customer',
    ]);
  });

  it('rejects unknown currencies and unknown keys', () => {
    expect(issuesOf({ currency: 'XXX', rewards: [] }).map((i) => i.path)).toEqual(['currency']);
    expect(issuesOf({ currency: 'USD', rewards: [], bonus: true }).length).toBeGreaterThan(0);
    expect(
      issuesOf(withRewards({ id: 'a', event: 'signup', flat: '1.00', typo: 1 })).length,
    ).toBeGreaterThan(0);
  });

  it('rejects bad rule ids, durations and attribution settings', () => {
    expect(
      issuesOf(withRewards({ id: 'Bad Id', event: 'signup', flat: '1.00' })).map((i) => i.path),
    ).toEqual(['rewards[0].id']);
    expect(
      issuesOf(
        withRewards({ id: 'a', event: 'payment', percent: 1, duration: { months: 1, days: 1 } }),
      ).map((i) => i.path),
    ).toContain('rewards[0].duration');
    expect(
      issuesOf(withRewards({ id: 'a', event: 'payment', percent: 1, duration: {} })).map(
        (i) => i.path,
      ),
    ).toContain('rewards[0].duration');
    expect(
      issuesOf({ currency: 'USD', attribution: { priority: ['click', 'click'] }, rewards: [] }).map(
        (i) => i.path,
      ),
    ).toContain('attribution.priority');
    expect(
      issuesOf({ currency: 'USD', attribution: { window_days: 0 }, rewards: [] }).map(
        (i) => i.path,
      ),
    ).toContain('attribution.window_days');
    expect(issuesOf({ currency: 'USD', hold_days: -1, rewards: [] }).map((i) => i.path)).toContain(
      'hold_days',
    );
  });

  it('returns every problem at once, each with its path', () => {
    const issues = issuesOf(
      withRewards(
        { id: 'a', event: 'payment', percent: 150 },
        { id: 'a', event: 'activation', flat: '10.005' },
        { id: 'c', event: 'signup', percent: 5 },
      ),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      'rewards[0].percent',
      'rewards[1].flat',
      'rewards[1].id',
      'rewards[2].percent',
    ]);
  });
});

describe('parseTerms', () => {
  it('throws invalid_program carrying the issues', () => {
    try {
      parseTerms(withRewards({ id: 'a', event: 'payment', percent: 150 }));
      expect.unreachable('parseTerms should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(TandemError);
      expect((e as TandemError).code).toBe('invalid_program');
      expect((e as TandemError).details?.issues).toEqual([
        { path: 'rewards[0].percent', message: 'must be ≤ 100' },
      ]);
    }
  });
});

describe('compileTerms', () => {
  it('converts percent to basis points and amounts to minor units', () => {
    const t = compileTerms(parseTerms(example));
    expect(t.currency).toBe('USD');
    expect(t.attribution).toEqual({
      model: 'last_touch',
      windowDays: 90,
      priority: ['coupon', 'referral_code', 'click', 'campaign'],
    });
    expect(t.holdDays).toBe(30);
    expect(t.capPerPartnerPerMonth).toBeUndefined();
    const [activation, share] = t.rewards;
    expect(activation).toMatchObject({
      id: 'seller-activation',
      event: 'activation',
      flat: 1000n,
      bps: undefined,
    });
    expect(activation?.when).toEqual({ field: 'customer.side', op: 'eq', value: 'seller' });
    expect(share).toMatchObject({
      id: 'revenue-share',
      event: 'payment',
      flat: undefined,
      bps: 2000n,
      of: 'revenue',
      capPerCustomer: 50000n,
      duration: { months: 12, from: 'first_payment' },
    });
  });

  it('compiles "500.00" to 50000n, fractional percents exactly, and of defaults to revenue', () => {
    const t = compileTerms(
      parseTerms({
        currency: 'USD',
        rewards: [
          { id: 'a', event: 'payment', percent: 12.34 },
          { id: 'b', event: 'payment', percent: 0.29 },
          { id: 'c', event: 'payment', percent: 100, of: 'gross' },
        ],
        caps: { per_partner_per_month: '500.00' },
      }),
    );
    expect(t.rewards.map((r) => r.bps)).toEqual([1234n, 29n, 10000n]);
    expect(t.rewards.map((r) => r.of)).toEqual(['revenue', 'revenue', 'gross']);
    expect(t.capPerPartnerPerMonth).toBe(50000n);
  });

  it('uses the minor units of the program currency', () => {
    const jpy = compileTerms(
      parseTerms({ currency: 'JPY', rewards: [{ id: 'a', event: 'signup', flat: '500' }] }),
    );
    expect(jpy.rewards[0]?.flat).toBe(500n);
    const kwd = compileTerms(
      parseTerms({ currency: 'KWD', rewards: [{ id: 'a', event: 'signup', flat: '1.5' }] }),
    );
    expect(kwd.rewards[0]?.flat).toBe(1500n);
  });
});
