import { describe, expect, it } from 'vitest';
import { type Boost, type Stacking, stackBoosts } from './accelerators.js';
import { type CompiledBonus, parsePeriodKey, periodOf, reachedStep } from './bonuses.js';
import type { Issue } from './errors.js';
import { type MetricConversion, measure } from './metrics.js';
import { currency } from './money.js';
import { compileTerms, parseTerms, validateTerms } from './program-terms.js';
import { applyRatio } from './rounding.js';
import { decideTier, highestQualified, type Requirement, type TierState, tierAt } from './tiers.js';

/**
 * The terms sections of issue 3 (tiers, benefits, accelerators, stacking,
 * bonuses, budget, margin guard, notice_days): every invalid document is
 * refused with an issue at the exact path, and valid ones compile to exact
 * integers. Expected values are written out by hand, not computed by the code
 * under test.
 */

const DAY = 86_400_000;
const utc = (y: number, m: number, d: number, h = 0, min = 0, s = 0, ms = 0) =>
  Date.UTC(y, m - 1, d, h, min, s, ms);

const rewards = [
  { id: 'signup', event: 'signup', flat: '2.00' },
  { id: 'revenue-share', event: 'payment', percent: 20 },
];
/** A valid USD program with two rules, to which each test adds one section. */
const usd = (extra: Record<string, unknown>) => ({ currency: 'USD', rewards, ...extra });

function issuesOf(input: unknown): Issue[] {
  const r = validateTerms(input);
  if (r.ok) throw new Error('expected the terms to be invalid');
  return r.issues;
}
/** The only issue of `input`: asserts there is exactly one, at `path`, and returns its message. */
function onlyIssue(input: unknown, path: string): string {
  const issues = issuesOf(input);
  expect(issues.map((i) => i.path)).toEqual([path]);
  return (issues[0] as Issue).message;
}
function compiled(input: unknown) {
  return compileTerms(parseTerms(input));
}

const revenue = (at_least: unknown, window_days?: number) => ({
  metric: 'referred_revenue',
  at_least,
  ...(window_days === undefined ? {} : { window_days }),
});
const customers = (at_least: unknown) => ({ metric: 'active_customers', at_least });
const tiers = (...levels: unknown[]) => usd({ tiers: { levels } });

describe('validateTerms: tiers', () => {
  it('accepts levels that each ask more, lowest first', () => {
    const r = validateTerms(
      tiers(
        { id: 'silver', requires: [revenue('5000.00'), customers(10)], multiplier: 1.1 },
        // Same revenue, more customers: still stricter.
        { id: 'gold', requires: [revenue('5000.00'), customers(40)], multiplier: 1.25 },
        // A metric the level below does not ask for is stricter too.
        {
          id: 'platinum',
          requires: [revenue('5000.00'), customers(40), { metric: 'activations', at_least: 5 }],
        },
      ),
    );
    expect(r.ok).toBe(true);
  });

  it('rejects an unknown metric at tiers.levels[i].requires[j].metric, naming the metrics', () => {
    const msg = onlyIssue(
      tiers({ id: 'silver', requires: [{ metric: 'clicks', at_least: 10 }] }),
      'tiers.levels[0].requires[0].metric',
    );
    expect(msg).toBe(
      'must be one of referred_revenue, active_customers, signups, activations, payments, certified_integrations',
    );
  });

  it('rejects a level that asks nothing more than the one below (overlapping tiers)', () => {
    const msg = onlyIssue(
      tiers(
        { id: 'silver', requires: [revenue('5000.00')] },
        { id: 'gold', requires: [revenue('5000')] },
      ),
      'tiers.levels[1].requires',
    );
    expect(msg).toBe(
      'overlapping tiers: this level requires nothing more than the level below (list levels lowest first, each asking more)',
    );
  });

  it('rejects a level that asks less of a metric, with both targets in the message', () => {
    const msg = onlyIssue(
      tiers(
        { id: 'silver', requires: [revenue('5000.00'), customers(10)] },
        { id: 'gold', requires: [revenue('4000.00'), customers(40)] },
      ),
      'tiers.levels[1].requires',
    );
    expect(msg).toContain(
      'asks 4000.00 of referred_revenue over 90 days, less than the level below (5000.00)',
    );
  });

  it('rejects levels listed highest first', () => {
    onlyIssue(
      tiers({ id: 'gold', requires: [customers(40)] }, { id: 'silver', requires: [customers(10)] }),
      'tiers.levels[1].requires',
    );
  });

  it('rejects a higher level that drops a requirement of the level below', () => {
    const msg = onlyIssue(
      tiers(
        { id: 'silver', requires: [revenue('5000.00'), customers(10)] },
        { id: 'gold', requires: [revenue('25000.00')] },
      ),
      'tiers.levels[1].requires',
    );
    expect(msg).toContain(
      'does not require active_customers over 90 days, which the level below requires',
    );
  });

  it('treats the same metric over another window as another requirement', () => {
    const msg = onlyIssue(
      tiers(
        { id: 'silver', requires: [revenue('5000.00', 90)] },
        { id: 'gold', requires: [revenue('25000.00', 30)] },
      ),
      'tiers.levels[1].requires',
    );
    expect(msg).toContain('does not require referred_revenue over 90 days');
  });

  it('rejects a metric and window required twice in one level', () => {
    const msg = onlyIssue(
      tiers({ id: 'silver', requires: [customers(10), customers(12)] }),
      'tiers.levels[0].requires[1]',
    );
    expect(msg).toBe(
      'active_customers over 90 days is required twice in this level; write each metric and window once',
    );
  });

  it('reports an invalid target once, without an overlap issue it would cause', () => {
    const issues = issuesOf(
      tiers(
        { id: 'silver', requires: [revenue('5000.00')] },
        { id: 'gold', requires: [revenue(25000)] },
      ),
    );
    expect(issues).toEqual([
      {
        path: 'tiers.levels[1].requires[0].at_least',
        message: 'referred_revenue is an amount: write it as a string such as "5000.00"',
      },
    ]);
  });

  it('wants a count metric as a whole number, not a string, a fraction or negative', () => {
    const at = 'tiers.levels[0].requires[0].at_least';
    expect(onlyIssue(tiers({ id: 's', requires: [customers('10')] }), at)).toBe(
      'active_customers is a count: write a whole number without quotes, such as 50',
    );
    expect(onlyIssue(tiers({ id: 's', requires: [customers(2.5)] }), at)).toBe(
      'active_customers is a count: write a whole number of 0 or more, such as 50 (got 2.5)',
    );
    expect(onlyIssue(tiers({ id: 's', requires: [customers(-1)] }), at)).toContain('(got -1)');
    expect(onlyIssue(tiers({ id: 's', requires: [customers(true)] }), at)).toBe(
      'must be an amount in quotes such as "5000.00" or a whole number such as 50',
    );
  });

  it('checks an amount target against the currency decimals (JPY has none)', () => {
    const msg = onlyIssue(
      {
        currency: 'JPY',
        rewards: [],
        tiers: { levels: [{ id: 's', requires: [revenue('500000.5')] }] },
      },
      'tiers.levels[0].requires[0].at_least',
    );
    expect(msg).toBe('JPY has 0 decimal places; got "500000.5"');
  });

  it('rejects a tier with both a multiplier and its own rewards, even beside another issue', () => {
    const both = {
      id: 'platinum',
      multiplier: 1.5,
      rewards: [{ id: 'revenue-share', event: 'payment', percent: 30 }],
    };
    expect(onlyIssue(tiers(both), 'tiers.levels[0].multiplier')).toBe(
      'a tier either multiplies the rates or has its own rewards, not both',
    );
    const issues = issuesOf(tiers({ ...both, requires: [{ metric: 'clicks', at_least: 1 }] }));
    expect(issues.map((i) => i.path).sort()).toEqual([
      'tiers.levels[0].multiplier',
      'tiers.levels[0].requires[0].metric',
    ]);
  });

  it('rejects an unknown benefit at tiers.levels[i].benefits[j]', () => {
    const msg = onlyIssue(
      usd({
        benefits: [{ id: 'priority-support', name: 'Priority support' }],
        tiers: { levels: [{ id: 'gold', benefits: ['priority-support', 'early-access'] }] },
      }),
      'tiers.levels[0].benefits[1]',
    );
    expect(msg).toBe('unknown benefit early-access (declare it under benefits)');
    onlyIssue(
      usd({ tiers: { levels: [{ id: 'gold', benefits: ['x'] }] } }),
      'tiers.levels[0].benefits[0]',
    );
  });

  it('rejects duplicate tier ids, and duplicate rule ids within a tier', () => {
    expect(
      onlyIssue(
        tiers({ id: 'gold', requires: [customers(10)] }, { id: 'gold', requires: [customers(20)] }),
        'tiers.levels[1].id',
      ),
    ).toBe('duplicate tier id gold');
    const rule = { id: 'r', event: 'signup', flat: '1.00' };
    expect(
      onlyIssue(tiers({ id: 'gold', rewards: [rule, rule] }), 'tiers.levels[0].rewards[1].id'),
    ).toBe('duplicate rule id r');
  });

  it('checks the amounts of a tier’s own rules against the currency', () => {
    const msg = onlyIssue(
      {
        currency: 'JPY',
        rewards: [],
        tiers: { levels: [{ id: 'gold', rewards: [{ id: 'r', event: 'signup', flat: '100.5' }] }] },
      },
      'tiers.levels[0].rewards[0].flat',
    );
    expect(msg).toBe('JPY has 0 decimal places; got "100.5"');
  });

  it('bounds grace_days, the number of levels, multipliers and unknown keys', () => {
    onlyIssue(usd({ tiers: { grace_days: 366, levels: [{ id: 'a' }] } }), 'tiers.grace_days');
    onlyIssue(usd({ tiers: { levels: [] } }), 'tiers.levels');
    expect(onlyIssue(tiers({ id: 'a', multiplier: 0 }), 'tiers.levels[0].multiplier')).toBe(
      'must be > 0',
    );
    expect(onlyIssue(tiers({ id: 'a', multiplier: 1.00005 }), 'tiers.levels[0].multiplier')).toBe(
      'must have at most four decimals',
    );
    expect(
      onlyIssue(tiers({ id: 'a', multiplier: '1.25' }), 'tiers.levels[0].multiplier'),
    ).toContain('expected number');
    expect(onlyIssue(tiers({ id: 'a', multiplyer: 1.25 }), 'tiers.levels[0]')).toBe(
      'Unrecognized key: "multiplyer"',
    );
  });
});

describe('validateTerms: benefits', () => {
  const benefit = (b: Record<string, unknown>) => usd({ benefits: [b] });

  it('rejects duplicate benefit ids at the second one', () => {
    expect(
      onlyIssue(
        usd({
          benefits: [
            { id: 'b', name: 'B' },
            { id: 'b', name: 'B again' },
          ],
        }),
        'benefits[1].id',
      ),
    ).toBe('duplicate benefit id b');
  });

  it('wants an allowance to be either an amount or a count, per month, quarter or year', () => {
    const at = 'benefits[0].allowance';
    expect(
      onlyIssue(
        benefit({ id: 'b', name: 'B', allowance: { amount: '1.00', count: 2, per: 'year' } }),
        at,
      ),
    ).toBe('an allowance is either an amount or a count');
    onlyIssue(benefit({ id: 'b', name: 'B', allowance: { per: 'year' } }), at);
    onlyIssue(benefit({ id: 'b', name: 'B', allowance: { count: 2, per: 'week' } }), `${at}.per`);
    onlyIssue(benefit({ id: 'b', name: 'B', allowance: { count: 0, per: 'year' } }), `${at}.count`);
  });

  it('checks an allowance amount against the currency decimals', () => {
    const msg = onlyIssue(
      {
        currency: 'JPY',
        rewards: [],
        benefits: [{ id: 'credit', name: 'Credit', allowance: { amount: '1000.50', per: 'year' } }],
      },
      'benefits[0].allowance.amount',
    );
    expect(msg).toBe('JPY has 0 decimal places; got "1000.50"');
  });
});

describe('validateTerms: accelerators and stacking', () => {
  const q4 = { id: 'q4', from: '2026-10-01', to: '2027-01-01', multiplier: 1.5 };

  it('rejects an accelerator that ends before (or when) it starts, at accelerators[i].to', () => {
    const msg = onlyIssue(
      usd({ accelerators: [{ ...q4, to: '2026-09-30' }] }),
      'accelerators[0].to',
    );
    expect(msg).toBe('must be after from (to is exclusive: the accelerator ends just before it)');
    onlyIssue(usd({ accelerators: [{ ...q4, to: '2026-10-01' }] }), 'accelerators[0].to');
    // Time zones are honoured: 02:00+02:00 is midnight UTC, the same instant as from.
    onlyIssue(
      usd({
        accelerators: [{ ...q4, from: '2026-10-01T00:00:00Z', to: '2026-10-01T02:00:00+02:00' }],
      }),
      'accelerators[0].to',
    );
  });

  it('reports a date that does not exist once, without a spurious "after from"', () => {
    expect(
      onlyIssue(usd({ accelerators: [{ ...q4, to: '2026-02-30' }] }), 'accelerators[0].to'),
    ).toBe('must be an ISO 8601 date or date-time such as "2026-10-01"');
    onlyIssue(usd({ accelerators: [{ ...q4, from: 'Q4' }] }), 'accelerators[0].from');
  });

  it('rejects an unknown rule id, and accepts the id of a tier’s own rule', () => {
    expect(
      onlyIssue(
        usd({ accelerators: [{ ...q4, rules: ['signup', 'revenue_share'] }] }),
        'accelerators[0].rules[1]',
      ),
    ).toBe("unknown rule revenue_share (the id of a rule under rewards or under a tier's rewards)");
    const withTierRule = usd({
      tiers: {
        levels: [{ id: 'gold', rewards: [{ id: 'gold-share', event: 'payment', percent: 30 }] }],
      },
      accelerators: [{ ...q4, rules: ['gold-share'] }],
    });
    expect(validateTerms(withTierRule).ok).toBe(true);
  });

  it('rejects duplicate accelerator ids and the reserved id "tier"', () => {
    expect(onlyIssue(usd({ accelerators: [q4, q4] }), 'accelerators[1].id')).toBe(
      'duplicate accelerator id q4',
    );
    expect(onlyIssue(usd({ accelerators: [{ ...q4, id: 'tier' }] }), 'accelerators[0].id')).toBe(
      '"tier" names the tier multiplier in stacking.order',
    );
  });

  it('checks the multiplier and the condition', () => {
    expect(
      onlyIssue(usd({ accelerators: [{ ...q4, multiplier: 101 }] }), 'accelerators[0].multiplier'),
    ).toBe('must be ≤ 100');
    onlyIssue(
      usd({
        accelerators: [{ ...q4, when: { field: 'customer.region', op: 'eq', value: 'APAC' } }],
      }),
      'accelerators[0].when.field',
    );
  });

  it('rejects a stacking ceiling below 1 at stacking.ceiling, and accepts exactly 1', () => {
    expect(onlyIssue(usd({ stacking: { ceiling: 0.99 } }), 'stacking.ceiling')).toBe(
      'a stacking ceiling must be ≥ 1',
    );
    expect(onlyIssue(usd({ stacking: { ceiling: 2.00001 } }), 'stacking.ceiling')).toBe(
      'must have at most four decimals',
    );
    expect(validateTerms(usd({ stacking: { ceiling: 1 } })).ok).toBe(true);
  });

  it('rejects an unknown boost in stacking.order at its index', () => {
    const msg = onlyIssue(
      usd({ accelerators: [q4], stacking: { order: ['q4', 'q1'] } }),
      'stacking.order[1]',
    );
    expect(msg).toBe('unknown boost q1 (an accelerator id or "tier")');
  });

  it('rejects a boost listed twice in stacking.order', () => {
    expect(
      onlyIssue(
        usd({ accelerators: [q4], stacking: { order: ['q4', 'q4'] } }),
        'stacking.order[1]',
      ),
    ).toBe('q4 is listed twice; list each boost once');
  });

  it('accepts "tier" in stacking.order only when a tier has a multiplier', () => {
    expect(onlyIssue(usd({ stacking: { order: ['tier'] } }), 'stacking.order[0]')).toBe(
      '"tier" boosts nothing here: no tier level has a multiplier',
    );
    onlyIssue(
      usd({
        tiers: { levels: [{ id: 'gold', rewards: [{ id: 'g', event: 'signup', flat: '3.00' }] }] },
        stacking: { order: ['tier'] },
      }),
      'stacking.order[0]',
    );
    expect(
      validateTerms(
        usd({
          tiers: { levels: [{ id: 'gold', multiplier: 1.25 }] },
          stacking: { order: ['tier'] },
        }),
      ).ok,
    ).toBe(true);
  });

  it('rejects an unknown stacking mode', () => {
    onlyIssue(usd({ stacking: { mode: 'max' } }), 'stacking.mode');
  });
});

describe('validateTerms: bonuses', () => {
  const bonus = (b: Record<string, unknown>) => usd({ bonuses: [{ id: 'b', ...b }] });
  const activations = (...steps: unknown[]) => bonus({ metric: 'activations', steps });

  it('rejects steps whose targets do not ascend, at the step that breaks the order', () => {
    const msg = onlyIssue(
      activations({ at_least: 50, pays: '500.00' }, { at_least: 50, pays: '1200.00' }),
      'bonuses[0].steps[1].at_least',
    );
    expect(msg).toBe(
      'steps must be listed by ascending target: 50 is not above the step before (50)',
    );
  });

  it('rejects a higher step that pays no more than the one below', () => {
    const msg = onlyIssue(
      activations({ at_least: 50, pays: '500.00' }, { at_least: 100, pays: '500' }),
      'bonuses[0].steps[1].pays',
    );
    expect(msg).toBe(
      'pays 500, not more than the step below (500.00); the highest step reached pays instead of the lower ones',
    );
  });

  it('rejects a target of 0, for counts and amounts', () => {
    expect(
      onlyIssue(activations({ at_least: 0, pays: '1.00' }), 'bonuses[0].steps[0].at_least'),
    ).toBe('a bonus target must be more than 0');
    onlyIssue(
      bonus({ metric: 'referred_revenue', steps: [{ at_least: '0.00', pays: '1.00' }] }),
      'bonuses[0].steps[0].at_least',
    );
  });

  it('wants an amount metric as a string and a count metric as a number', () => {
    expect(
      onlyIssue(
        bonus({ metric: 'referred_revenue', steps: [{ at_least: 10000, pays: '100.00' }] }),
        'bonuses[0].steps[0].at_least',
      ),
    ).toBe('referred_revenue is an amount: write it as a string such as "5000.00"');
    expect(
      onlyIssue(activations({ at_least: '50', pays: '500.00' }), 'bonuses[0].steps[0].at_least'),
    ).toBe('activations is a count: write a whole number without quotes, such as 50');
  });

  it('checks what a step pays: a string, with the currency decimals', () => {
    onlyIssue(activations({ at_least: 50, pays: 500 }), 'bonuses[0].steps[0].pays');
    const msg = onlyIssue(
      {
        currency: 'JPY',
        rewards: [],
        bonuses: [{ id: 'b', metric: 'activations', steps: [{ at_least: 50, pays: '5000.5' }] }],
      },
      'bonuses[0].steps[0].pays',
    );
    expect(msg).toBe('JPY has 0 decimal places; got "5000.5"');
  });

  it('rejects an unknown metric or period, no steps, and duplicate bonus ids', () => {
    const step = { at_least: 50, pays: '500.00' };
    onlyIssue(bonus({ metric: 'clicks', steps: [step] }), 'bonuses[0].metric');
    onlyIssue(bonus({ metric: 'signups', period: 'week', steps: [step] }), 'bonuses[0].period');
    onlyIssue(bonus({ metric: 'signups', steps: [] }), 'bonuses[0].steps');
    const b = { id: 'monthly', metric: 'signups', steps: [step] };
    expect(onlyIssue(usd({ bonuses: [b, b] }), 'bonuses[1].id')).toBe('duplicate bonus id monthly');
  });
});

describe('validateTerms: budget, margin guard, notice_days', () => {
  it('rejects a budget in a currency the program does not use, at budget.currency', () => {
    expect(
      onlyIssue(usd({ budget: { monthly: '20000.00', currency: 'EUR' } }), 'budget.currency'),
    ).toBe('the program pays in USD; a budget in EUR cannot be enforced');
    expect(validateTerms(usd({ budget: { monthly: '20000.00', currency: 'USD' } })).ok).toBe(true);
  });

  it('checks the monthly amount: the currency decimals, and more than 0', () => {
    expect(
      onlyIssue(
        { currency: 'JPY', rewards: [], budget: { monthly: '2000000.00' } },
        'budget.monthly',
      ),
    ).toBe('JPY has 0 decimal places; got "2000000.00"');
    expect(onlyIssue(usd({ budget: { monthly: '0.00' } }), 'budget.monthly')).toBe(
      'must be more than 0 (leave budget out for no budget)',
    );
    onlyIssue(usd({ budget: { monthly: 20000 } }), 'budget.monthly');
  });

  it('rejects an unknown policy', () => {
    onlyIssue(
      usd({ budget: { monthly: '1.00', when_exhausted: 'pause' } }),
      'budget.when_exhausted',
    );
  });

  it('wants alert percentages ascending, without repeats, 1 to 1000', () => {
    const msg = 'must be ascending without repeats';
    expect(
      onlyIssue(usd({ budget: { monthly: '1.00', alerts_at: [100, 80] } }), 'budget.alerts_at'),
    ).toBe(msg);
    expect(
      onlyIssue(usd({ budget: { monthly: '1.00', alerts_at: [80, 80] } }), 'budget.alerts_at'),
    ).toBe(msg);
    onlyIssue(usd({ budget: { monthly: '1.00', alerts_at: [0, 50] } }), 'budget.alerts_at[0]');
    expect(
      onlyIssue(
        usd({ margin_guard: { max_percent: 15, alerts_at: [90, 50] } }),
        'margin_guard.alerts_at',
      ),
    ).toBe(msg);
    expect(validateTerms(usd({ budget: { monthly: '1.00', alerts_at: [50, 120] } })).ok).toBe(true);
  });

  it('wants the margin guard in whole basis points, 0.01 to 1000', () => {
    const at = 'margin_guard.max_percent';
    expect(onlyIssue(usd({ margin_guard: { max_percent: 12.345 } }), at)).toBe(
      'must have at most two decimals (whole basis points)',
    );
    expect(onlyIssue(usd({ margin_guard: { max_percent: 0.001 } }), at)).toBe('must be ≥ 0.01');
    expect(onlyIssue(usd({ margin_guard: { max_percent: 0 } }), at)).toBe('must be ≥ 0.01');
    expect(onlyIssue(usd({ margin_guard: { max_percent: 1000.01 } }), at)).toBe('must be ≤ 1000');
  });

  it('bounds notice_days to whole days 0–365', () => {
    onlyIssue(usd({ notice_days: 366 }), 'notice_days');
    onlyIssue(usd({ notice_days: -1 }), 'notice_days');
    onlyIssue(usd({ notice_days: 1.5 }), 'notice_days');
  });

  it('lists every problem of the new sections at once', () => {
    const issues = issuesOf(
      usd({
        tiers: {
          levels: [
            { id: 'silver', requires: [{ metric: 'revenue', at_least: '1.00' }] },
            { id: 'gold', benefits: ['lounge'] },
          ],
        },
        accelerators: [{ id: 'q4', from: '2026-10-01', to: '2026-09-01', multiplier: 1.5 }],
        stacking: { ceiling: 0.5 },
        budget: { monthly: '100.00', alerts_at: [100, 80] },
      }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      'accelerators[0].to',
      'budget.alerts_at',
      'stacking.ceiling',
      'tiers.levels[0].requires[0].metric',
    ]);
    const cross = issuesOf(
      usd({
        tiers: { levels: [{ id: 'gold', benefits: ['lounge'] }] },
        accelerators: [
          { id: 'q4', from: '2026-10-01', to: '2027-01-01', multiplier: 1.5, rules: ['x'] },
        ],
        stacking: { order: ['q4', 'q3'] },
        bonuses: [{ id: 'b', metric: 'signups', steps: [{ at_least: 5, pays: '1.005' }] }],
        budget: { monthly: '100.00', currency: 'GBP' },
      }),
    );
    expect(cross.map((i) => i.path)).toEqual([
      'tiers.levels[0].benefits[0]',
      'accelerators[0].rules[0]',
      'stacking.order[1]',
      'bonuses[0].steps[0].pays',
      'budget.currency',
    ]);
  });
});

describe('validateTerms: normalized document', () => {
  it('fills the defaults of the new sections', () => {
    const r = validateTerms(
      usd({
        tiers: { levels: [{ id: 'silver', requires: [{ metric: 'signups', at_least: 5 }] }] },
        stacking: {},
        bonuses: [{ id: 'b', metric: 'signups', steps: [{ at_least: 5, pays: '10.00' }] }],
        budget: { monthly: '100.00' },
        margin_guard: { max_percent: 15 },
      }),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const d = r.document;
    expect(d.notice_days).toBe(0);
    expect(d.benefits).toEqual([]);
    expect(d.accelerators).toEqual([]);
    expect(d.tiers).toEqual({
      grace_days: 30,
      levels: [
        {
          id: 'silver',
          requires: [{ metric: 'signups', window_days: 90, at_least: 5 }],
          benefits: [],
        },
      ],
    });
    expect(d.stacking).toEqual({ mode: 'multiply', order: [] });
    expect(d.bonuses[0]?.period).toBe('month');
    expect(d.budget).toEqual({ monthly: '100.00', when_exhausted: 'stop', alerts_at: [80, 100] });
    expect(d.margin_guard).toEqual({ max_percent: 15, alerts_at: [80, 100] });
  });
});

describe('compileTerms: the new sections', () => {
  const program = usd({
    notice_days: 14,
    benefits: [
      { id: 'priority-support', name: 'Priority support' },
      { id: 'co-marketing', name: 'Co-marketing slots', allowance: { count: 2, per: 'quarter' } },
      {
        id: 'support-credit',
        name: 'Support credit',
        allowance: { amount: '500.00', per: 'year' },
      },
    ],
    tiers: {
      grace_days: 45,
      levels: [
        {
          id: 'silver',
          requires: [revenue('5000.00'), customers(10)],
          multiplier: 1.1,
          benefits: ['priority-support'],
        },
        {
          id: 'gold',
          name: 'Gold',
          requires: [revenue('25000.50', 30), revenue('5000.00'), customers(40)],
          multiplier: 1.25,
          benefits: ['priority-support', 'co-marketing'],
        },
        {
          id: 'platinum',
          requires: [revenue('25000.50', 30), revenue('100000.00'), customers(100)],
          rewards: [{ id: 'revenue-share', event: 'payment', percent: 30 }],
          benefits: ['support-credit'],
        },
      ],
    },
    accelerators: [
      {
        id: 'apac-q4',
        name: 'APAC sellers in Q4',
        from: '2026-10-01',
        to: '2027-01-01',
        multiplier: 1.5,
        when: { field: 'customer.side', op: 'eq', value: 'seller' },
        rules: ['revenue-share'],
      },
      {
        id: 'tokyo',
        from: '2026-10-01T09:00:00+09:00',
        to: '2026-10-02T00:00:00.5Z',
        multiplier: 2,
      },
    ],
    stacking: { mode: 'add', order: ['tier', 'apac-q4'], ceiling: 2.5 },
    bonuses: [
      {
        id: 'activations',
        metric: 'activations',
        steps: [
          { at_least: 50, pays: '500.00' },
          { at_least: 100, pays: '1200.00' },
        ],
      },
      {
        id: 'revenue-quarter',
        metric: 'referred_revenue',
        period: 'quarter',
        steps: [{ at_least: '10000.00', pays: '250.00' }],
      },
    ],
    budget: { monthly: '20000.00', when_exhausted: 'prorate', alerts_at: [50, 90, 100] },
    margin_guard: { max_percent: 12.5, alerts_at: [90] },
  });
  const t = compiled(program);

  it('compiles tiers: requirements to minor units or counts, multipliers to parts per 10 000', () => {
    expect(t.tiers?.graceDays).toBe(45);
    const [silver, gold, platinum] = t.tiers?.levels ?? [];
    expect(silver).toEqual({
      id: 'silver',
      name: 'silver',
      requires: [
        { metric: 'referred_revenue', windowDays: 90, atLeast: 500000n },
        { metric: 'active_customers', windowDays: 90, atLeast: 10n },
      ],
      factor: 11000n,
      rewards: undefined,
      benefits: ['priority-support'],
    });
    expect(gold?.name).toBe('Gold');
    expect(gold?.factor).toBe(12500n);
    expect(gold?.requires[0]).toEqual({
      metric: 'referred_revenue',
      windowDays: 30,
      atLeast: 2500050n,
    });
    expect(platinum?.factor).toBeUndefined();
    expect(platinum?.rewards?.map((r) => [r.id, r.bps, r.of])).toEqual([
      ['revenue-share', 3000n, 'revenue'],
    ]);
    expect(platinum?.requires[1]?.atLeast).toBe(10000000n);
  });

  it('compiles benefits with amount allowances in minor units', () => {
    expect(t.benefits).toEqual([
      {
        id: 'priority-support',
        name: 'Priority support',
        description: undefined,
        allowance: undefined,
      },
      {
        id: 'co-marketing',
        name: 'Co-marketing slots',
        description: undefined,
        allowance: { per: 'quarter', count: 2 },
      },
      {
        id: 'support-credit',
        name: 'Support credit',
        description: undefined,
        allowance: { per: 'year', amount: 50000n },
      },
    ]);
  });

  it('compiles accelerators: instants to epoch ms (time zones honoured), factors, rule sets', () => {
    const [apac, tokyo] = t.accelerators;
    expect(apac?.from).toBe(utc(2026, 10, 1));
    expect(apac?.to).toBe(utc(2027, 1, 1));
    expect(apac?.factor).toBe(15000n);
    expect(apac?.rules).toEqual(new Set(['revenue-share']));
    expect(apac?.when).toEqual({ field: 'customer.side', op: 'eq', value: 'seller' });
    expect(tokyo?.from).toBe(utc(2026, 10, 1, 0));
    expect(tokyo?.to).toBe(utc(2026, 10, 2, 0, 0, 0, 500));
    expect(tokyo?.factor).toBe(20000n);
    expect(tokyo?.rules).toBeUndefined();
  });

  it('compiles stacking, bonuses, budget, margin guard and notice days', () => {
    expect(t.stacking).toEqual({ mode: 'add', order: ['tier', 'apac-q4'], ceiling: 25000n });
    expect(t.bonuses).toEqual([
      {
        id: 'activations',
        name: undefined,
        metric: 'activations',
        period: 'month',
        steps: [
          { atLeast: 50n, pays: 50000n },
          { atLeast: 100n, pays: 120000n },
        ],
      },
      {
        id: 'revenue-quarter',
        name: undefined,
        metric: 'referred_revenue',
        period: 'quarter',
        steps: [{ atLeast: 1000000n, pays: 25000n }],
      },
    ]);
    expect(t.budget).toEqual({ monthly: 2000000n, policy: 'prorate', alertsAt: [50, 90, 100] });
    expect(t.marginGuard).toEqual({ maxBps: 1250n, alertsAt: [90] });
    expect(t.noticeDays).toBe(14);
  });

  it('leaves absent sections empty and defaults stacking to multiply without a ceiling', () => {
    const plain = compiled(usd({}));
    expect(plain.tiers).toBeUndefined();
    expect(plain.benefits).toEqual([]);
    expect(plain.accelerators).toEqual([]);
    expect(plain.bonuses).toEqual([]);
    expect(plain.budget).toBeUndefined();
    expect(plain.marginGuard).toBeUndefined();
    expect(plain.noticeDays).toBe(0);
    expect(plain.stacking).toEqual({ mode: 'multiply', order: [], ceiling: undefined });
  });

  it('compiles multipliers exactly where the float product is not', () => {
    // 1.15 × 10 000 is 11499.999999999998 and 1.0005 × 10 000 is 10004.999999999998 in floats.
    const factors = [1.15, 1.0005, 0.0001, 2.3456, 100, 1.1].map(
      (m) => compiled(tiers({ id: 'a', multiplier: m })).tiers?.levels[0]?.factor,
    );
    expect(factors).toEqual([11500n, 10005n, 1n, 23456n, 1000000n, 11000n]);
    const bps = [0.01, 12.34, 1000, 33.33].map(
      (p) => compiled(usd({ margin_guard: { max_percent: p } })).marginGuard?.maxBps,
    );
    expect(bps).toEqual([1n, 1234n, 100000n, 3333n]);
  });

  it('uses the minor units of the program currency (JPY 0, KWD 3)', () => {
    const jpy = compiled({
      currency: 'JPY',
      rewards: [],
      tiers: { levels: [{ id: 'a', requires: [revenue('500000')] }] },
      bonuses: [
        { id: 'b', metric: 'referred_revenue', steps: [{ at_least: '100000', pays: '5000' }] },
      ],
      budget: { monthly: '150000' },
    });
    expect(jpy.tiers?.levels[0]?.requires[0]?.atLeast).toBe(500000n);
    expect(jpy.bonuses[0]?.steps).toEqual([{ atLeast: 100000n, pays: 5000n }]);
    expect(jpy.budget?.monthly).toBe(150000n);
    const kwd = compiled({ currency: 'KWD', rewards: [], budget: { monthly: '1.234' } });
    expect(kwd.budget?.monthly).toBe(1234n);
  });
});

describe('decideTier', () => {
  const levels = [{ id: 'silver' }, { id: 'gold' }, { id: 'platinum' }];
  const t0 = utc(2026, 5, 2, 6);
  const gold: TierState = { tier: 'gold', since: utc(2026, 3, 1), belowSince: null };

  it('changes nothing for a partner without a tier who qualifies for none', () => {
    const none: TierState = { tier: null, since: t0, belowSince: null };
    expect(decideTier(levels, 30, none, -1, t0)).toEqual({ state: none });
  });

  it('promotes at once, straight to the highest level qualified for', () => {
    expect(decideTier(levels, 30, { tier: null, since: 0, belowSince: null }, 1, t0)).toEqual({
      state: { tier: 'gold', since: t0, belowSince: null },
      change: { from: null, to: 'gold', reason: 'promotion' },
    });
    expect(decideTier(levels, 30, gold, 2, t0).change).toEqual({
      from: 'gold',
      to: 'platinum',
      reason: 'promotion',
    });
  });

  it('keeps a partner below its tier for grace_days, then demotes to what it qualifies for', () => {
    const first = decideTier(levels, 30, gold, 0, t0);
    expect(first).toEqual({ state: { ...gold, belowSince: t0 } });
    // One millisecond short of 30 days: still gold, and still counting from t0.
    const almost = decideTier(levels, 30, first.state, 0, t0 + 30 * DAY - 1);
    expect(almost).toEqual({ state: { ...gold, belowSince: t0 } });
    // At exactly 30 days, demoted to the level qualified for now (none here).
    expect(decideTier(levels, 30, almost.state, -1, t0 + 30 * DAY)).toEqual({
      state: { tier: null, since: t0 + 30 * DAY, belowSince: null },
      change: { from: 'gold', to: null, reason: 'demotion' },
    });
    expect(decideTier(levels, 30, almost.state, 0, t0 + 30 * DAY).change?.to).toBe('silver');
  });

  it('restarts the grace period when the partner meets its tier again', () => {
    const below = decideTier(levels, 30, gold, 0, t0).state;
    const back = decideTier(levels, 30, below, 1, t0 + 10 * DAY);
    expect(back).toEqual({ state: gold });
    const again = decideTier(levels, 30, back.state, 0, t0 + 20 * DAY).state;
    expect(again.belowSince).toBe(t0 + 20 * DAY);
    expect(decideTier(levels, 30, again, 0, t0 + 45 * DAY).change).toBeUndefined();
    expect(decideTier(levels, 30, again, 0, t0 + 50 * DAY).change?.reason).toBe('demotion');
  });

  it('promotes during a grace period and clears it', () => {
    const below = decideTier(levels, 30, gold, 0, t0).state;
    expect(decideTier(levels, 30, below, 2, t0 + DAY)).toEqual({
      state: { tier: 'platinum', since: t0 + DAY, belowSince: null },
      change: { from: 'gold', to: 'platinum', reason: 'promotion' },
    });
  });

  it('demotes at once with grace_days 0', () => {
    expect(decideTier(levels, 0, gold, 0, t0)).toEqual({
      state: { tier: 'silver', since: t0, belowSince: null },
      change: { from: 'gold', to: 'silver', reason: 'demotion' },
    });
  });

  it('drops a tier that the terms in force no longer have, without grace', () => {
    const diamond: TierState = { tier: 'diamond', since: 0, belowSince: null };
    expect(decideTier(levels, 30, diamond, 1, t0)).toEqual({
      state: { tier: 'gold', since: t0, belowSince: null },
      change: { from: 'diamond', to: 'gold', reason: 'tier_removed' },
    });
  });
});

describe('highestQualified', () => {
  const req = (metric: Requirement['metric'], atLeast: bigint): Requirement => ({
    metric,
    windowDays: 90,
    atLeast,
  });
  const levels = [
    { requires: [req('referred_revenue', 500000n), req('active_customers', 10n)] },
    { requires: [req('referred_revenue', 2500000n), req('active_customers', 40n)] },
  ];
  const partner = (rev: bigint, act: bigint) => (r: Requirement) =>
    r.metric === 'referred_revenue' ? rev : act;

  it('is the highest level whose every requirement is met (≥), or -1', () => {
    expect(highestQualified(levels, partner(500000n, 10n))).toBe(0);
    expect(highestQualified(levels, partner(499999n, 10n))).toBe(-1);
    expect(highestQualified(levels, partner(9999999n, 39n))).toBe(0);
    expect(highestQualified(levels, partner(2500000n, 40n))).toBe(1);
    expect(highestQualified(levels, partner(0n, 0n))).toBe(-1);
  });

  it('counts a level without requirements as always met', () => {
    expect(highestQualified([{ requires: [] }, ...levels], partner(0n, 0n))).toBe(0);
  });
});

describe('tierAt', () => {
  const history = [
    { at: utc(2026, 3, 17, 10), tier: 'silver' },
    { at: utc(2026, 5, 1), tier: 'gold' },
    { at: utc(2026, 8, 1), tier: null },
  ];

  it('is the tier of the latest change at or before the instant', () => {
    expect(tierAt(undefined, utc(2026, 5, 1))).toBeNull();
    expect(tierAt(history, utc(2026, 3, 17, 9, 59, 59, 999))).toBeNull();
    expect(tierAt(history, utc(2026, 3, 17, 10))).toBe('silver');
    expect(tierAt(history, utc(2026, 4, 30, 23, 59, 59, 999))).toBe('silver');
    expect(tierAt(history, utc(2026, 5, 1))).toBe('gold');
    expect(tierAt(history, utc(2026, 8, 1))).toBeNull();
  });
});

describe('stackBoosts', () => {
  const b = (id: string, factor: bigint): Boost => ({ id, label: id, factor });
  const policy = (p: Partial<Stacking>): Stacking => ({
    mode: 'multiply',
    order: [],
    ceiling: undefined,
    ...p,
  });
  /** Asserts num/den equals p/q exactly. */
  const ratio = (s: { num: bigint; den: bigint }) => ({
    is: (p: bigint, q: bigint) => expect(s.num * q).toBe(p * s.den),
  });

  it('multiplies exactly: 1.5 × 1.5 = 2.25, 1.1 × 1.1 = 1.21, 1.25 × 1.2 × 2 = 3', () => {
    const s = stackBoosts([b('tier', 15000n), b('q4', 15000n)], policy({}));
    ratio(s).is(9n, 4n);
    expect(s.steps).toEqual(['tier ×1.5', 'q4 ×1.5', 'stacking multiply → ×2.25']);
    ratio(stackBoosts([b('a', 11000n), b('b', 11000n)], policy({}))).is(121n, 100n);
    ratio(stackBoosts([b('a', 12500n), b('b', 12000n), b('c', 20000n)], policy({}))).is(3n, 1n);
  });

  it('rounds the amount once, after stacking: 0.33 × 2.25 = 0.7425 → 0.74, not 0.75', () => {
    const s = stackBoosts([b('tier', 15000n), b('q4', 15000n)], policy({}));
    expect(applyRatio(33n, s.num, s.den)).toBe(74n);
    // Rounding after each boost would give 0.495 → 0.50, then 0.75.
    expect(applyRatio(applyRatio(33n, 15000n, 10000n), 15000n, 10000n)).toBe(75n);
  });

  it('adds increments: 1.5 and 2 make 2.5; 1.5 and 1.5 make 2', () => {
    ratio(stackBoosts([b('a', 15000n), b('b', 20000n)], policy({ mode: 'add' }))).is(5n, 2n);
    const s = stackBoosts([b('a', 15000n), b('b', 15000n)], policy({ mode: 'add' }));
    ratio(s).is(2n, 1n);
    expect(s.steps.at(-1)).toBe('stacking add → ×2');
  });

  it('takes the highest; on a tie the first in order applies', () => {
    const s = stackBoosts(
      [b('a', 15000n), b('b', 20000n), b('c', 12500n)],
      policy({ mode: 'highest' }),
    );
    ratio(s).is(2n, 1n);
    expect(s.steps).toEqual([
      'a ×1.5 (not the highest)',
      'b ×2 (highest, applies)',
      'c ×1.25 (not the highest)',
      'stacking highest → ×2',
    ]);
    const tie = [b('tier', 20000n), b('q4', 20000n)];
    expect(stackBoosts(tie, policy({ mode: 'highest' })).steps[0]).toBe(
      'tier ×2 (highest, applies)',
    );
    expect(stackBoosts(tie, policy({ mode: 'highest', order: ['q4'] })).steps).toEqual([
      'q4 ×2 (highest, applies)',
      'tier ×2 (not the highest)',
      'stacking highest → ×2',
    ]);
  });

  it('applies boosts in stacking.order first, then the rest as given', () => {
    const s = stackBoosts(
      [b('a', 11000n), b('b', 12000n), b('c', 13000n), b('d', 14000n)],
      policy({ order: ['c', 'a'] }),
    );
    expect(s.steps.slice(0, 4)).toEqual(['c ×1.3', 'a ×1.1', 'b ×1.2', 'd ×1.4']);
  });

  it('cuts at the ceiling: the boost that crosses it applies partly, later ones not at all', () => {
    const boosts = [b('tier', 15000n), b('apac', 15000n), b('category', 20000n)];
    const s = stackBoosts(boosts, policy({ ceiling: 20000n }));
    ratio(s).is(2n, 1n);
    expect(s.steps).toEqual([
      'tier ×1.5',
      'apac ×1.5 (partly: ceiling ×2 reached)',
      'category ×2 (cut: ceiling reached)',
      'stacking multiply (ceiling ×2) → ×2',
    ]);
    // The order decides which boosts are cut; the ceiling still holds.
    const reordered = stackBoosts(boosts, policy({ ceiling: 20000n, order: ['category'] }));
    ratio(reordered).is(2n, 1n);
    expect(reordered.steps.slice(0, 3)).toEqual([
      'category ×2',
      'tier ×1.5 (partly: ceiling ×2 reached)',
      'apac ×1.5 (cut: ceiling reached)',
    ]);
  });

  it('lets a product exactly at the ceiling through uncut', () => {
    const s = stackBoosts([b('a', 15000n), b('b', 15000n)], policy({ ceiling: 22500n }));
    ratio(s).is(9n, 4n);
    expect(s.steps.slice(0, 2)).toEqual(['a ×1.5', 'b ×1.5']);
  });

  it('caps add and highest too', () => {
    ratio(
      stackBoosts([b('a', 15000n), b('b', 20000n)], policy({ mode: 'add', ceiling: 22500n })),
    ).is(9n, 4n);
    ratio(stackBoosts([b('a', 30000n)], policy({ mode: 'highest', ceiling: 20000n }))).is(2n, 1n);
  });

  it('is 1 without boosts, and a single boost is itself', () => {
    const none = stackBoosts([], policy({}));
    ratio(none).is(1n, 1n);
    expect(none.steps).toEqual([]);
    const one = stackBoosts([b('q4', 15000n)], policy({}));
    ratio(one).is(3n, 2n);
    expect(one.steps).toEqual(['q4 ×1.5']);
  });
});

describe('measure', () => {
  const from = utc(2026, 1, 1);
  const to = utc(2026, 4, 1);
  const range = { from, to, currency: currency('USD') };
  const c = (
    customerId: string,
    type: string,
    occurredAt: number,
    revenue = 0n,
    currency: string | null = 'USD',
  ): MetricConversion => ({ customerId, type, occurredAt, currency, revenue });
  const conversions = [
    c('cus_a', 'signup', utc(2026, 1, 5), 0n, null),
    c('cus_a', 'activation', utc(2026, 1, 6), 0n, null),
    c('cus_a', 'payment', utc(2026, 1, 10), 10000n),
    c('cus_a', 'payment', utc(2026, 2, 10), 5000n),
    c('cus_a', 'refund', utc(2026, 2, 12), -2000n),
    c('cus_b', 'payment', from, 7000n), // the first instant is inside
    c('cus_c', 'payment', utc(2026, 2, 1), 9900n, 'EUR'), // counted as active, not as USD revenue
    c('cus_d', 'refund', utc(2026, 3, 1), -500n), // a refund alone does not make a customer active
    c('cus_e', 'payment', to, 100000n), // the end is outside
    c('cus_f', 'payment', from - 1, 100000n),
    c('cus_g', 'signup', utc(2026, 3, 31, 23, 59, 59, 999), 0n, null),
  ];

  it('sums revenue in the program currency net of refunds over [from, to)', () => {
    expect(measure('referred_revenue', conversions, range)).toBe(
      10000n + 5000n - 2000n + 7000n - 500n,
    );
  });

  it('counts distinct customers with a payment, and events by type', () => {
    expect(measure('active_customers', conversions, range)).toBe(3n);
    expect(measure('signups', conversions, range)).toBe(2n);
    expect(measure('activations', conversions, range)).toBe(1n);
    expect(measure('payments', conversions, range)).toBe(4n);
  });

  it('uses half-open ranges: an event at `to` belongs to the next range', () => {
    expect(measure('referred_revenue', [], range)).toBe(0n);
    expect(measure('active_customers', conversions, { ...range, from: to, to: to + DAY })).toBe(1n);
    expect(measure('payments', conversions, { ...range, from: to + 1, to: to + DAY })).toBe(0n);
  });
});

describe('periodOf, parsePeriodKey', () => {
  it('gives the calendar month and quarter of an instant, in UTC, half-open', () => {
    const at = utc(2026, 11, 15, 12);
    expect(periodOf('month', at)).toEqual({
      key: '2026-11',
      start: utc(2026, 11, 1),
      end: utc(2026, 12, 1),
    });
    expect(periodOf('quarter', at)).toEqual({
      key: '2026-Q4',
      start: utc(2026, 10, 1),
      end: utc(2027, 1, 1),
    });
    expect(periodOf('month', utc(2026, 12, 31, 23, 59, 59, 999)).end).toBe(utc(2027, 1, 1));
    expect(periodOf('month', utc(2028, 2, 10)).end).toBe(utc(2028, 3, 1));
    expect(periodOf('quarter', utc(2028, 2, 29)).key).toBe('2028-Q1');
  });

  it('puts the start in its period and the end in the next', () => {
    expect(periodOf('month', utc(2026, 3, 1)).key).toBe('2026-03');
    expect(periodOf('month', utc(2026, 3, 1) - 1).key).toBe('2026-02');
    expect(periodOf('quarter', utc(2026, 4, 1)).key).toBe('2026-Q2');
    expect(periodOf('quarter', utc(2026, 4, 1) - 1).key).toBe('2026-Q1');
  });

  it('parses every key periodOf makes back to the same period', () => {
    for (let m = 1; m <= 12; m++) {
      const month = periodOf('month', utc(2026, m, 7));
      expect(parsePeriodKey(month.key)).toEqual({
        period: 'month',
        start: month.start,
        end: month.end,
      });
      const quarter = periodOf('quarter', utc(2026, m, 7));
      expect(parsePeriodKey(quarter.key)).toEqual({
        period: 'quarter',
        start: quarter.start,
        end: quarter.end,
      });
    }
    expect(parsePeriodKey('2026-Q3')).toEqual({
      period: 'quarter',
      start: utc(2026, 7, 1),
      end: utc(2026, 10, 1),
    });
  });

  it('refuses malformed keys', () => {
    for (const key of [
      // Date.UTC would read year 0099 as 1999.
      '0099-01',
      '1969-Q4',
      '2026-13',
      '2026-00',
      '2026-1',
      '26-11',
      '2026-11-01',
      '2026-Q0',
      '2026-Q5',
      '2026-q4',
      '',
    ])
      expect(parsePeriodKey(key)).toBeUndefined();
  });
});

describe('reachedStep', () => {
  const stepped = compiled(
    usd({
      bonuses: [
        {
          id: 'activations',
          metric: 'activations',
          steps: [
            { at_least: 50, pays: '500.00' },
            { at_least: 100, pays: '1200.00' },
          ],
        },
        {
          id: 'revenue',
          metric: 'referred_revenue',
          steps: [{ at_least: '10000.00', pays: '250.00' }],
        },
      ],
    }),
  ).bonuses as [CompiledBonus, CompiledBonus];

  it('is the highest step whose target is met, or none', () => {
    const [activations] = stepped;
    expect(reachedStep(activations, 0n)).toBeUndefined();
    expect(reachedStep(activations, 49n)).toBeUndefined();
    expect(reachedStep(activations, 50n)).toEqual({ atLeast: 50n, pays: 50000n, index: 0 });
    expect(reachedStep(activations, 99n)).toEqual({ atLeast: 50n, pays: 50000n, index: 0 });
    expect(reachedStep(activations, 100n)).toEqual({ atLeast: 100n, pays: 120000n, index: 1 });
    expect(reachedStep(activations, 5000n)?.pays).toBe(120000n);
  });

  it('compares amount targets in minor units', () => {
    const [, revenueBonus] = stepped;
    expect(reachedStep(revenueBonus, 999999n)).toBeUndefined();
    expect(reachedStep(revenueBonus, 1000000n)?.pays).toBe(25000n);
  });
});
