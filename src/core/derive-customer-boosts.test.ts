import { describe, expect, it } from 'vitest';
import { deriveCustomer, tierKey } from './derive-customer.js';
import type { TandemEvent } from './event.js';
import { compileTerms, type ProgramTermsInput, parseTerms } from './program-terms.js';
import type { ProgramWithVersions } from './program-version.js';
import type { ClickRecord } from './touch.js';

const at = (iso: string): number => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
const PROGRAM = 'prg_boosts';
const P = 'prt_P';

function programWith(terms: ProgramTermsInput): ProgramWithVersions {
  return {
    id: PROGRAM,
    key: 'boosts',
    versions: [
      {
        id: 'ver_1',
        programId: PROGRAM,
        number: 1,
        effectiveFrom: at('2026-01-01'),
        publishedAt: at('2026-01-01'),
        correction: false,
        terms: compileTerms(parseTerms(terms)),
      },
    ],
  };
}

const clicks = new Map<string, ClickRecord>([
  [
    'clk_1',
    {
      id: 'clk_1',
      linkId: 'lnk_1',
      programId: PROGRAM,
      partnerId: P,
      occurredAt: at('2026-10-01'),
      bot: false,
    },
  ],
]);

let n = 0;
function ev(
  type: TandemEvent['type'],
  when: string,
  extra: Partial<TandemEvent> = {},
): TandemEvent {
  n += 1;
  return {
    id: `evt_${String(n).padStart(4, '0')}`,
    source: 'api',
    externalId: `ext_${n}`,
    type,
    occurredAt: at(when),
    customerId: 'cus_S',
    customer: { side: 'seller', country: 'SG' },
    ...extra,
  };
}

const pay = (when: string, revenue: bigint, extra: Partial<TandemEvent> = {}) =>
  ev('payment', when, {
    currency: 'USD' as TandemEvent['currency'],
    revenue,
    gross: revenue * 10n,
    ...extra,
  });

function amounts(
  terms: ProgramTermsInput,
  events: TandemEvent[],
  tiers?: { at: string; tier: string | null }[],
) {
  const d = deriveCustomer({
    customerId: 'cus_S',
    events,
    clicks,
    codes: new Map(),
    programs: [programWith(terms)],
    ...(tiers
      ? {
          partnerTiers: new Map([
            [tierKey(PROGRAM, P), tiers.map((t) => ({ at: at(t.at), tier: t.tier }))],
          ]),
        }
      : {}),
  });
  return d.accruals.map((a) => ({ rule: a.ruleId, amount: a.amount, tier: a.trace.tier }));
}

const tiered: ProgramTermsInput = {
  currency: 'USD',
  hold_days: 0,
  rewards: [{ id: 'share', event: 'payment', percent: 20 }],
  benefits: [{ id: 'priority-support', name: 'Priority support' }],
  tiers: {
    grace_days: 30,
    levels: [
      {
        id: 'gold',
        requires: [{ metric: 'referred_revenue', window_days: 90, at_least: '1000.00' }],
        multiplier: 1.5,
        benefits: ['priority-support'],
      },
      {
        id: 'platinum',
        requires: [{ metric: 'referred_revenue', window_days: 90, at_least: '5000.00' }],
        rewards: [{ id: 'share', event: 'payment', percent: 40 }],
      },
    ],
  },
};

describe('tiers in derivation', () => {
  it('a partner promoted mid-month earns the higher rate only from the promotion on', () => {
    const events = [
      ev('signup', '2026-11-01', { clickId: 'clk_1' }),
      pay('2026-11-10', 100_00n),
      pay('2026-11-20', 100_00n),
    ];
    expect(amounts(tiered, events, [{ at: '2026-11-15T12:00:00Z', tier: 'gold' }])).toEqual([
      { rule: 'share', amount: 20_00n, tier: undefined },
      { rule: 'share', amount: 30_00n, tier: 'gold' },
    ]);
  });

  it('a tier with its own rules replaces the base rules; a demotion ends it from its moment', () => {
    const events = [
      ev('signup', '2026-11-01', { clickId: 'clk_1' }),
      pay('2026-11-10', 100_00n),
      pay('2026-11-20', 100_00n),
      pay('2026-12-05', 100_00n),
    ];
    const history = [
      { at: '2026-11-01', tier: 'platinum' },
      { at: '2026-12-01', tier: 'gold' },
    ];
    expect(amounts(tiered, events, history).map((a) => [a.tier, a.amount])).toEqual([
      ['platinum', 40_00n],
      ['platinum', 40_00n],
      ['gold', 30_00n],
    ]);
  });

  it('a tier the version does not define has no effect', () => {
    const events = [ev('signup', '2026-11-01', { clickId: 'clk_1' }), pay('2026-11-10', 100_00n)];
    expect(amounts(tiered, events, [{ at: '2026-11-01', tier: 'diamond' }])).toEqual([
      { rule: 'share', amount: 20_00n, tier: undefined },
    ]);
  });
});

const accelerated = (stacking: ProgramTermsInput['stacking']): ProgramTermsInput => ({
  currency: 'USD',
  hold_days: 0,
  rewards: [
    { id: 'share', event: 'payment', percent: 10 },
    { id: 'bounty', event: 'activation', flat: '10.00' },
  ],
  tiers: {
    levels: [{ id: 'gold', requires: [], multiplier: 1.2 }],
  },
  accelerators: [
    {
      id: 'apac-q4',
      from: '2026-10-01',
      to: '2027-01-01',
      multiplier: 1.5,
      when: {
        all: [
          { field: 'customer.country', op: 'in', value: ['SG', 'AU', 'JP'] },
          { field: 'customer.side', op: 'eq', value: 'seller' },
        ],
      },
    },
    {
      id: 'new-category',
      from: '2026-11-01',
      to: '2026-12-01',
      multiplier: 2,
      when: { field: 'event.attributes.category', op: 'eq', value: 'boats' },
    },
  ],
  ...(stacking ? { stacking } : {}),
});

describe('accelerators', () => {
  const events = () => [
    ev('signup', '2026-10-02', { clickId: 'clk_1' }),
    pay('2026-09-30', 100_00n), // before the accelerator: only the tier
    pay('2026-10-15', 100_00n), // APAC Q4
    pay('2026-11-15', 100_00n, { attributes: { category: 'boats' } }), // both
    pay('2027-01-01', 100_00n, { attributes: { category: 'boats' } }), // after both
  ];
  const gold = [{ at: '2026-01-01', tier: 'gold' }];
  const shares = (stacking: ProgramTermsInput['stacking']) =>
    amounts(accelerated(stacking), events(), gold)
      .filter((a) => a.rule === 'share')
      .map((a) => a.amount);

  it('multiply: 10.00 × 1.2 × 1.5 = 18.00 in October, × 2 more for boats in November', () => {
    // The September payment comes before the click, so it is not attributed: three shares.
    expect(shares({ mode: 'multiply' })).toEqual([18_00n, 36_00n, 12_00n]);
  });

  it('add: increments add up, 1 + 0.2 + 0.5 + 1 = 2.7', () => {
    expect(shares({ mode: 'add' })).toEqual([17_00n, 27_00n, 12_00n]);
  });

  it('highest: only the largest boost applies', () => {
    expect(shares({ mode: 'highest' })).toEqual([15_00n, 20_00n, 12_00n]);
  });

  it('a ceiling caps the combined multiplier, in order', () => {
    expect(
      shares({ mode: 'multiply', ceiling: 2.5, order: ['new-category', 'tier', 'apac-q4'] }),
    ).toEqual([18_00n, 25_00n, 12_00n]);
    const d = deriveCustomer({
      customerId: 'cus_S',
      events: events(),
      clicks,
      codes: new Map(),
      programs: [
        programWith(
          accelerated({
            mode: 'multiply',
            ceiling: 2.5,
            order: ['new-category', 'tier', 'apac-q4'],
          }),
        ),
      ],
      partnerTiers: new Map([[tierKey(PROGRAM, P), [{ at: at('2026-01-01'), tier: 'gold' }]]]),
    });
    const boats = d.accruals.find((a) => a.ruleId === 'share' && a.amount === 25_00n);
    expect(boats?.trace.steps).toEqual(
      expect.arrayContaining([
        'accelerator new-category ×2',
        'tier gold ×1.2',
        'accelerator apac-q4 ×1.5 (partly: ceiling ×2.5 reached)',
        'stacking multiply (ceiling ×2.5) → ×2.5',
      ]),
    );
  });

  it('an accelerator scoped to rules leaves the others alone; segment conditions are honoured', () => {
    const terms = accelerated({ mode: 'multiply' });
    terms.accelerators = [{ ...(terms.accelerators?.[0] as object), rules: ['bounty'] } as never];
    const got = amounts(
      terms,
      [
        ev('signup', '2026-10-02', { clickId: 'clk_1' }),
        ev('activation', '2026-10-03'),
        pay('2026-10-15', 100_00n),
      ],
      gold,
    );
    expect(got.map((a) => [a.rule, a.amount])).toEqual([
      ['bounty', 18_00n],
      ['share', 12_00n],
    ]);
    const buyer = amounts(
      terms,
      [
        ev('signup', '2026-10-02', {
          clickId: 'clk_1',
          customer: { side: 'buyer', country: 'SG' },
        }),
        ev('activation', '2026-10-03', { customer: { side: 'buyer', country: 'SG' } }),
      ],
      gold,
    );
    expect(buyer.map((a) => a.amount)).toEqual([12_00n]);
  });
});

describe('rounding with boosts', () => {
  it('rounds once: 20% of 0.03 × 1.5 = 0.009 → 0.01, not 0.006 → 0.01 → 0.015 → 0.02', () => {
    const terms: ProgramTermsInput = {
      currency: 'USD',
      hold_days: 0,
      rewards: [{ id: 'share', event: 'payment', percent: 20 }],
      accelerators: [{ id: 'boost', from: '2026-01-01', to: '2027-01-01', multiplier: 1.5 }],
    };
    const d = deriveCustomer({
      customerId: 'cus_S',
      events: [ev('signup', '2026-10-02', { clickId: 'clk_1' }), pay('2026-10-15', 3n)],
      clicks,
      codes: new Map(),
      programs: [programWith(terms)],
    });
    expect(d.accruals.map((a) => a.amount)).toEqual([1n]);
    expect(d.accruals[0]?.trace.steps.at(-1)).toBe(
      '0.03 revenue × 20% × 1.5 = 0.01 USD (rounded half-even, once)',
    );
  });
});

describe('boosts on amounts under a cent', () => {
  it('boosts the exact amount: 50% of 0.01 × 3 = 0.015 → 0.02, not nothing', () => {
    const terms: ProgramTermsInput = {
      currency: 'USD',
      hold_days: 0,
      rewards: [{ id: 'share', event: 'payment', percent: 50 }],
      accelerators: [{ id: 'boost', from: '2026-01-01', to: '2027-01-01', multiplier: 3 }],
    };
    const d = deriveCustomer({
      customerId: 'cus_S',
      events: [
        ev('signup', '2026-10-02', { clickId: 'clk_1' }),
        pay('2026-10-15', 1n),
        pay('2026-10-16', 3n),
      ],
      clicks,
      codes: new Map(),
      programs: [programWith(terms)],
    });
    expect(d.accruals.map((a) => a.amount)).toEqual([2n, 4n]);
  });
});
