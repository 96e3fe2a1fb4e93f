import { describe, expect, it } from 'vitest';
import { workedExampleTerms } from '../../test/support/worked-example.js';
import { diffTerms, sections } from './diff-terms.js';
import { type ProgramTermsInput, parseTerms, programTermsSchema } from './program-terms.js';

/** A program that uses every section of the schema. */
const rich = {
  currency: 'USD',
  attribution: {
    model: 'last_touch',
    window_days: 90,
    priority: ['coupon', 'referral_code', 'click'],
  },
  hold_days: 30,
  notice_days: 30,
  rewards: [
    {
      id: 'seller-activation',
      event: 'activation',
      flat: '10.00',
      when: { field: 'customer.side', op: 'eq', value: 'seller' },
    },
    {
      id: 'first-year-revenue',
      name: '20% of first-year take',
      event: 'payment',
      percent: 20,
      of: 'revenue',
      duration: { months: 12, from: 'first_payment' },
      cap_per_customer: '500.00',
    },
  ],
  caps: { per_partner_per_month: '5000.00' },
  benefits: [
    { id: 'priority-support', name: 'Priority support' },
    { id: 'ads-credit', name: 'Ads credit', allowance: { amount: '100.00', per: 'month' } },
  ],
  tiers: {
    grace_days: 30,
    levels: [
      {
        id: 'silver',
        requires: [{ metric: 'referred_revenue', window_days: 90, at_least: '5000.00' }],
        multiplier: 1.1,
      },
      {
        id: 'gold',
        name: 'Gold',
        requires: [{ metric: 'referred_revenue', window_days: 90, at_least: '20000.00' }],
        multiplier: 1.25,
        benefits: ['priority-support'],
      },
    ],
  },
  accelerators: [
    {
      id: 'black-friday',
      from: '2026-11-27',
      to: '2026-11-30',
      multiplier: 2,
      rules: ['seller-activation'],
    },
  ],
  stacking: { mode: 'multiply', order: ['black-friday', 'tier'], ceiling: 3 },
  bonuses: [
    {
      id: 'fifty-activations',
      metric: 'activations',
      period: 'month',
      steps: [{ at_least: 50, pays: '500.00' }],
    },
  ],
  budget: { monthly: '20000.00', when_exhausted: 'stop', alerts_at: [80, 100] },
  margin_guard: { max_percent: 30, alerts_at: [80, 100] },
} satisfies ProgramTermsInput;

// biome-ignore lint/suspicious/noExplicitAny: a test edits the plain document any way it likes
type Editable = any;
/** The rich terms with one edit applied; the result must still be valid terms. */
function edited(edit: (t: Editable) => void) {
  const t: Editable = structuredClone(rich);
  edit(t);
  return parseTerms(t);
}
const base = parseTerms(rich);
const summaries = (after: ReturnType<typeof parseTerms>, before = base) =>
  diffTerms(before, after).map((c) => c.summary);

describe('diffTerms', () => {
  it('finds nothing between identical documents, however they were written', () => {
    expect(diffTerms(base, parseTerms(rich))).toEqual([]);
    const ex = parseTerms(workedExampleTerms);
    expect(diffTerms(ex, ex)).toEqual([]);
    // Key order, "10" for "10.00", defaults written out or left to fill in: the same terms.
    const rewritten = edited((t) => {
      t.rewards[0] = {
        when: { value: 'seller', op: 'eq', field: 'customer.side' },
        flat: '10',
        event: 'activation',
        id: 'seller-activation',
      };
      t.accelerators[0].from = '2026-11-27T00:00:00Z';
      t.stacking.order = ['black-friday', 'tier'];
    });
    expect(diffTerms(base, rewritten)).toEqual([]);
  });

  it('has a section for every top-level field of the schema', () => {
    expect(sections.map((s) => s.key).sort()).toEqual(Object.keys(programTermsSchema.shape).sort());
  });

  it('currency, hold period and notice period', () => {
    expect(
      summaries(
        edited((t) => {
          t.hold_days = 45;
          t.notice_days = 1;
        }),
      ),
    ).toEqual(['Hold period 30 → 45 days', 'Notice period for new versions 30 → 1 day']);
    const eur = edited((t) => {
      t.currency = 'EUR';
    });
    const changes = diffTerms(base, eur);
    expect(changes[0]).toEqual({
      path: 'currency',
      change: 'changed',
      before: 'USD',
      after: 'EUR',
      summary: 'Currency USD → EUR',
    });
    // Amounts in another currency are not the same amounts.
    expect(changes.map((c) => c.summary)).toContain(
      'Reward "seller-activation": flat 10.00 USD → 10.00 EUR',
    );
    expect(changes.map((c) => c.summary)).toContain('Monthly budget 20000.00 USD → 20000.00 EUR');
  });

  it('attribution: model, window, and priority, whose order matters', () => {
    expect(
      summaries(
        edited((t) => {
          t.attribution.model = 'first_touch';
          t.attribution.window_days = 30;
        }),
      ),
    ).toEqual(['Attribution model last touch → first touch', 'Attribution window 90 → 30 days']);
    expect(
      summaries(
        edited((t) => {
          t.attribution.priority = ['click', 'coupon', 'referral_code'];
        }),
      ),
    ).toEqual([
      'Attribution priority reordered: coupon > referral_code > click → click > coupon > referral_code',
    ]);
    const dropped = diffTerms(
      base,
      edited((t) => {
        t.attribution.priority = ['coupon', 'click'];
      }),
    );
    expect(dropped).toEqual([
      {
        path: 'attribution.priority',
        change: 'changed',
        before: ['coupon', 'referral_code', 'click'],
        after: ['coupon', 'click'],
        summary:
          'Attribution priority coupon > referral_code > click → coupon > click (referral_code no longer attributes)',
      },
    ]);
  });

  it('rewards are matched by id: a move is no change, each field change is one sentence', () => {
    expect(
      summaries(
        edited((t) => {
          t.rewards.reverse();
        }),
      ),
    ).toEqual([]);
    const changes = diffTerms(
      base,
      edited((t) => {
        t.rewards.reverse();
        t.rewards[0].percent = 25;
        t.rewards[0].name = '25% of first-year take';
        t.rewards[0].cap_per_customer = '400.00';
        t.rewards[0].duration = { months: 6, from: 'signup' };
        t.rewards[1].when = { field: 'customer.country', op: 'in', value: ['US', 'CA'] };
        t.rewards[1].event = 'signup';
      }),
    );
    expect(changes.map((c) => [c.path, c.summary])).toEqual([
      [
        'rewards[first-year-revenue].name',
        'Reward "first-year-revenue" renamed: "20% of first-year take" → "25% of first-year take"',
      ],
      ['rewards[first-year-revenue].percent', 'Reward "first-year-revenue": percent 20% → 25%'],
      [
        'rewards[first-year-revenue].duration',
        'Reward "first-year-revenue": duration 12 months from first payment → 6 months from signup',
      ],
      [
        'rewards[first-year-revenue].cap_per_customer',
        'Reward "first-year-revenue": cap per customer 500.00 → 400.00 USD',
      ],
      [
        'rewards[seller-activation].event',
        'Reward "seller-activation" fires on activation → signup',
      ],
      [
        'rewards[seller-activation].when',
        'Reward "seller-activation" now applies when customer.country in [US, CA] (was when customer.side = seller)',
      ],
    ]);
    expect(changes[1]).toMatchObject({ change: 'changed', before: 20, after: 25 });
  });

  it('rewards added and removed, conditions and limits added and removed, payouts switched', () => {
    const changes = diffTerms(
      base,
      edited((t) => {
        const [activation, revenue] = t.rewards;
        delete activation.when;
        activation.flat = '12.50';
        delete revenue.duration;
        delete revenue.cap_per_customer;
        revenue.of = 'gross';
        t.rewards.push({
          id: 'buyer-signup',
          event: 'signup',
          flat: '2',
          when: {
            all: [
              { field: 'customer.side', op: 'eq', value: 'buyer' },
              { not: { field: 'customer.segment', op: 'eq', value: 'enterprise' } },
            ],
          },
          duration: { days: 1, from: 'attribution' },
        });
      }),
    );
    expect(changes.map((c) => [c.change, c.path, c.summary])).toEqual([
      [
        'changed',
        'rewards[seller-activation].flat',
        'Reward "seller-activation": flat 10.00 → 12.50 USD',
      ],
      [
        'removed',
        'rewards[seller-activation].when',
        'Reward "seller-activation" now applies always (was only when customer.side = seller)',
      ],
      [
        'changed',
        'rewards[first-year-revenue]',
        'Reward "first-year-revenue": pays 20% of revenue → 20% of gross',
      ],
      [
        'removed',
        'rewards[first-year-revenue].duration',
        'Reward "first-year-revenue" no longer ends (was for 12 months from first payment)',
      ],
      [
        'removed',
        'rewards[first-year-revenue].cap_per_customer',
        'Reward "first-year-revenue": cap per customer removed (was 500.00 USD)',
      ],
      [
        'added',
        'rewards[buyer-signup]',
        'Reward "buyer-signup" added: pays 2.00 USD on signup when customer.side = buyer and not customer.segment = enterprise, for 1 day from attribution',
      ],
    ]);
    const back = diffTerms(
      edited((t) => {
        t.rewards[1] = { id: 'first-year-revenue', event: 'payment', flat: '5.00' };
      }),
      base,
    );
    expect(back.map((c) => c.summary)).toEqual([
      'Reward "first-year-revenue" named "20% of first-year take"',
      'Reward "first-year-revenue": pays 5.00 USD → 20% of revenue',
      'Reward "first-year-revenue" now pays only for 12 months from first payment',
      'Reward "first-year-revenue": cap per customer added: 500.00 USD',
    ]);
    expect(back[1]).toMatchObject({
      before: { flat: '5.00' },
      after: { percent: 20, of: 'revenue' },
    });
  });

  it('the example of the issue: a seller activation reward added, and removed', () => {
    // The worked example: no accelerator refers to the rule, so it can come and go alone.
    const withIt = parseTerms(workedExampleTerms);
    const without = parseTerms({
      ...workedExampleTerms,
      rewards: workedExampleTerms.rewards.slice(1),
    });
    expect(diffTerms(without, withIt)).toEqual([
      {
        path: 'rewards[seller-activation]',
        change: 'added',
        after: withIt.rewards[0],
        summary:
          'Reward "seller-activation" added: pays 10.00 USD on activation when customer.side = seller',
      },
    ]);
    expect(diffTerms(withIt, without)).toEqual([
      {
        path: 'rewards[seller-activation]',
        change: 'removed',
        before: withIt.rewards[0],
        summary:
          'Reward "seller-activation" removed (it pays 10.00 USD on activation when customer.side = seller)',
      },
    ]);
  });

  it('monthly partner cap', () => {
    const noCap = edited((t) => {
      delete t.caps;
    });
    expect(summaries(noCap)).toEqual(['Monthly partner cap removed (was 5000.00 USD)']);
    expect(diffTerms(noCap, base).map((c) => c.summary)).toEqual([
      'Monthly partner cap added: 5000.00 USD',
    ]);
    expect(
      summaries(
        edited((t) => {
          t.caps.per_partner_per_month = '4000';
        }),
      ),
    ).toEqual(['Monthly partner cap 5000.00 → 4000.00 USD']);
  });

  it('benefits by id: added, removed, renamed, allowance changed', () => {
    const changes = diffTerms(
      base,
      edited((t) => {
        t.benefits = [
          { id: 'ads-credit', name: 'Ads credit', allowance: { amount: '150.00', per: 'quarter' } },
          {
            id: 'onboarding',
            name: 'Onboarding call',
            description: 'One hour',
            allowance: { count: 1, per: 'year' },
          },
        ];
        t.tiers.levels[1].benefits = ['onboarding'];
      }),
    );
    expect(changes.map((c) => c.summary)).toEqual([
      'Benefit "ads-credit": allowance 100.00 USD per month → 150.00 USD per quarter',
      'Benefit "onboarding" added: Onboarding call, allowance 1 per year',
      'Benefit "priority-support" removed (Priority support)',
      'Tier "gold" now grants benefit "onboarding"',
      'Tier "gold" no longer grants benefit "priority-support"',
    ]);
    expect(
      summaries(
        edited((t) => {
          t.benefits[0].name = 'Priority support (24/7)';
          t.benefits[0].description = 'Answers within the hour';
          delete t.benefits[1].allowance;
        }),
      ),
    ).toEqual([
      'Benefit "priority-support" renamed: "Priority support" → "Priority support (24/7)"',
      'Benefit "priority-support": description added',
      'Benefit "ads-credit" no longer comes with an allowance (was 100.00 USD per month)',
    ]);
  });

  it('tiers: requirements, multipliers, grace period, levels by id, and their order', () => {
    expect(
      diffTerms(
        base,
        edited((t) => {
          t.tiers.levels[1].requires[0].at_least = '25000.00';
        }),
      ),
    ).toEqual([
      {
        path: 'tiers.levels[gold].requires[referred_revenue]',
        change: 'changed',
        before: { metric: 'referred_revenue', window_days: 90, at_least: '20000.00' },
        after: { metric: 'referred_revenue', window_days: 90, at_least: '25000.00' },
        summary: 'Tier "gold" now requires referred_revenue ≥ 25000.00 over 90 days (was 20000.00)',
      },
    ]);
    expect(
      summaries(
        edited((t) => {
          t.tiers.grace_days = 14;
          const gold = t.tiers.levels[1];
          gold.requires = [
            { metric: 'referred_revenue', window_days: 60, at_least: '20000.00' },
            { metric: 'active_customers', window_days: 90, at_least: 10 },
          ];
          gold.multiplier = 1.5;
          gold.name = 'Gold partners';
          // Every level moves to the 60-day window: levels must keep asking more than the one below.
          t.tiers.levels[0].requires[0].window_days = 60;
          delete t.tiers.levels[0].multiplier;
          t.tiers.levels.push({
            id: 'platinum',
            requires: [
              { metric: 'referred_revenue', window_days: 60, at_least: '50000.00' },
              { metric: 'active_customers', window_days: 90, at_least: 25 },
            ],
            multiplier: 2,
          });
        }),
      ),
    ).toEqual([
      'Tier grace period 30 → 14 days',
      'Tier "silver" now requires referred_revenue ≥ 5000.00 over 60 days (was 5000.00 over 90 days)',
      'Tier "silver" no longer multiplies rates (was ×1.1)',
      'Tier "gold" renamed: "Gold" → "Gold partners"',
      'Tier "gold" now requires referred_revenue ≥ 20000.00 over 60 days (was 20000.00 over 90 days)',
      'Tier "gold" now also requires active_customers ≥ 10 over 90 days',
      'Tier "gold": rates ×1.25 → ×1.5',
      'Tier "platinum" added: requires referred_revenue ≥ 50000.00 over 60 days and active_customers ≥ 25 over 90 days; multiplies rates ×2',
    ]);
    // Levels rank lowest first: swapping them is reported (with the requirements that make it valid).
    const swapped = summaries(
      edited((t) => {
        const [silver, gold] = t.tiers.levels;
        silver.requires[0].at_least = '30000.00';
        t.tiers.levels = [gold, silver];
      }),
    );
    expect(swapped[0]).toBe('Tier levels reordered (lowest first): silver, gold → gold, silver');
    expect(
      summaries(
        edited((t) => {
          t.tiers.levels.shift();
          t.tiers.levels[0].requires = [];
        }),
      ),
    ).toEqual([
      'Tier "gold" no longer requires referred_revenue ≥ 20000.00 over 90 days',
      'Tier "silver" removed',
    ]);
  });

  it('tiers added, removed, and a tier with its own rewards', () => {
    const noTiers = edited((t) => {
      delete t.tiers;
      t.stacking.order = ['black-friday'];
    });
    expect(
      diffTerms(noTiers, base)
        .map((c) => c.summary)
        .slice(0, 3),
    ).toEqual([
      'Tiers added (lowest first): silver, gold; a partner keeps a tier 30 days after falling below it',
      'Tier "silver" added: requires referred_revenue ≥ 5000.00 over 90 days; multiplies rates ×1.1',
      'Tier "gold" added: requires referred_revenue ≥ 20000.00 over 90 days; multiplies rates ×1.25; benefits priority-support',
    ]);
    expect(summaries(noTiers)[0]).toBe(
      'Tiers removed (were silver, gold): partners lose their tier multipliers, rewards and benefits',
    );
    const own = edited((t) => {
      const gold = t.tiers.levels[1];
      delete gold.multiplier;
      gold.rewards = [{ id: 'gold-activation', event: 'activation', flat: '15.00' }];
    });
    expect(summaries(own)).toEqual([
      'Tier "gold" no longer multiplies rates (was ×1.25)',
      'Tier "gold" now replaces the program\'s rewards with its own: gold-activation',
    ]);
    const richer = edited((t) => {
      const gold = t.tiers.levels[1];
      delete gold.multiplier;
      gold.rewards = [{ id: 'gold-activation', event: 'activation', flat: '20.00' }];
    });
    expect(summaries(richer, own)).toEqual([
      'Tier "gold" reward "gold-activation": flat 15.00 → 20.00 USD',
    ]);
    expect(diffTerms(own, richer)[0]?.path).toBe(
      'tiers.levels[gold].rewards[gold-activation].flat',
    );
    expect(summaries(base, own)).toEqual([
      'Tier "gold" now multiplies rates ×1.25',
      'Tier "gold" no longer has its own rewards (the program\'s apply)',
    ]);
  });

  it('accelerators by id: window, multiplier, scope', () => {
    const apac = {
      id: 'apac-q4',
      from: '2026-10-01',
      to: '2027-01-01',
      multiplier: 1.5,
    };
    expect(
      diffTerms(
        base,
        edited((t) => {
          t.accelerators.push(apac);
        }),
      ),
    ).toEqual([
      {
        path: 'accelerators[apac-q4]',
        change: 'added',
        after: apac,
        summary: 'Accelerator "apac-q4" added: ×1.5 from 2026-10-01 to 2027-01-01',
      },
    ]);
    expect(
      summaries(
        edited((t) => {
          const a = t.accelerators[0];
          a.multiplier = 3;
          a.from = '2026-11-26';
          a.to = '2026-12-01T00:00:00Z';
          a.when = { field: 'customer.country', op: 'in', value: ['JP', 'SG'] };
          delete a.rules;
        }),
      ),
    ).toEqual([
      'Accelerator "black-friday": ×2 → ×3',
      'Accelerator "black-friday" now starts 2026-11-26 (was 2026-11-27)',
      'Accelerator "black-friday" now ends 2026-12-01T00:00:00Z (was 2026-11-30)',
      'Accelerator "black-friday" now applies only when customer.country in [JP, SG]',
      'Accelerator "black-friday" boosts rules seller-activation → all rules',
    ]);
    expect(
      summaries(
        edited((t) => {
          t.accelerators = [];
          t.stacking.order = ['tier'];
        }),
      ),
    ).toEqual([
      'Accelerator "black-friday" removed (was ×2 from 2026-11-27 to 2026-11-30 on rules seller-activation)',
      'Stacking order black-friday, tier → tier',
    ]);
  });

  it('stacking: mode, order (which matters), ceiling; absent means multiply', () => {
    expect(
      summaries(
        edited((t) => {
          t.stacking = { mode: 'highest', order: ['tier', 'black-friday'] };
        }),
      ),
    ).toEqual([
      'Boosts stack by multiply → highest',
      'Stacking order black-friday, tier → tier, black-friday',
      'Stacking ceiling removed (was ×3)',
    ]);
    const none = edited((t) => {
      delete t.stacking;
    });
    const explicit = edited((t) => {
      t.stacking = { mode: 'multiply' };
    });
    expect(diffTerms(none, explicit)).toEqual([]);
    expect(
      summaries(
        edited((t) => {
          t.stacking.ceiling = 2.5;
        }),
      ),
    ).toEqual(['Stacking ceiling ×3 → ×2.5']);
  });

  it('bonuses by id: the offer before and after', () => {
    expect(
      summaries(
        edited((t) => {
          t.bonuses[0].steps.push({ at_least: 100, pays: '1200' });
          t.bonuses.push({
            id: 'quarter-revenue',
            metric: 'referred_revenue',
            period: 'quarter',
            steps: [{ at_least: '100000', pays: '2500.00' }],
          });
        }),
      ),
    ).toEqual([
      'Bonus "fifty-activations": pays 500.00 USD at activations ≥ 50 per month → 500.00 USD at activations ≥ 50, 1200.00 USD at activations ≥ 100 per month',
      'Bonus "quarter-revenue" added: pays 2500.00 USD at referred_revenue ≥ 100000.00 per quarter',
    ]);
    expect(
      summaries(
        edited((t) => {
          t.bonuses = [];
        }),
      ),
    ).toEqual([
      'Bonus "fifty-activations" removed (paid 500.00 USD at activations ≥ 50 per month)',
    ]);
  });

  it('budget and margin guard', () => {
    expect(
      summaries(
        edited((t) => {
          t.budget = { monthly: '15000.00', when_exhausted: 'prorate', alerts_at: [50, 80, 100] };
          t.margin_guard = { max_percent: 25, alerts_at: [90] };
        }),
      ),
    ).toEqual([
      'Monthly budget 20000.00 → 15000.00 USD',
      'When the budget runs out: stop → prorate',
      'Budget alerts at 80%, 100% → 50%, 80%, 100%',
      'Margin guard ceiling 30% → 25% of attributed revenue',
      'Margin guard alerts at 80%, 100% → 90%',
    ]);
    const bare = edited((t) => {
      delete t.budget;
      delete t.margin_guard;
    });
    expect(summaries(bare)).toEqual([
      'Monthly budget removed (was 20000.00 USD)',
      'Margin guard removed (was at most 30% of attributed revenue)',
    ]);
    expect(diffTerms(bare, base).map((c) => [c.change, c.path, c.summary])).toEqual([
      ['added', 'budget', 'Monthly budget added: 20000.00 USD; when it runs out: stop'],
      [
        'added',
        'margin_guard',
        'Margin guard added: incentive cost at most 30% of attributed revenue',
      ],
    ]);
    // Writing the program currency on the budget changes nothing.
    expect(
      summaries(
        edited((t) => {
          t.budget.currency = 'USD';
        }),
      ),
    ).toEqual([]);
  });

  it('reports a field no section knows about generically instead of dropping it', () => {
    const future = { ...base, loyalty: { points: 5 } };
    expect(diffTerms(base, future)).toEqual([
      { path: 'loyalty', change: 'added', after: { points: 5 }, summary: 'loyalty added' },
    ]);
  });
});
