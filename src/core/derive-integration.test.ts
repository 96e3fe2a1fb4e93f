import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Completion,
  certificationAt,
  checkMilestone,
  deriveGrants,
  deriveUsageMonth,
  integrationTermsOf,
  tieredPrice,
  type UsageRecord,
} from './derive-integration.js';
import { compileTerms, parseTerms, validateTerms } from './program-terms.js';
import type { ProgramVersion } from './program-version.js';

const at = (s: string) => Date.parse(s);
const JAN = at('2026-01-01T00:00:00Z');

function version(integrations: object, extra: object = {}, n = 1, from = JAN): ProgramVersion {
  return {
    id: `ver_${n}`,
    programId: 'prg_1',
    number: n,
    effectiveFrom: from,
    publishedAt: from,
    correction: false,
    terms: compileTerms(
      parseTerms({ currency: 'USD', hold_days: 10, rewards: [], integrations, ...extra }),
    ),
  };
}

const it1 = { id: 'int_1', partnerId: 'prt_1', programId: 'prg_1', createdAt: JAN };
const done = (milestone: string, when: string, ref = `evt_${milestone}`): Completion => ({
  milestone,
  completedAt: at(when),
  source: 'event',
  ref,
});
const always = () => true;

describe('tiered unit prices', () => {
  const rule = (tiering: 'graduated' | 'volume') =>
    integrationTermsOf(
      version({
        usage: [
          {
            id: 'calls',
            per: 'unit',
            metric: 'api_calls',
            tiering,
            rates: [
              { up_to: 1000, each: '0.01' },
              { up_to: 5000, each: '0.005' },
              { each: '0.0001' },
            ],
          },
        ],
      }).terms,
    ).usage[0] as Parameters<typeof tieredPrice>[0];
  const cents = (r: { num: bigint; den: bigint }) => Number(r.num) / Number(r.den);

  it('graduated: each band at its own price, exactly at the boundaries', () => {
    const g = rule('graduated');
    expect(cents(tieredPrice(g, 0n))).toBe(0);
    expect(cents(tieredPrice(g, 1000n))).toBe(1000); // 1000 × 1¢
    expect(cents(tieredPrice(g, 1001n))).toBe(1000.5); // + 0.5¢
    expect(cents(tieredPrice(g, 5000n))).toBe(3000); // + 4000 × 0.5¢
    expect(cents(tieredPrice(g, 5001n))).toBe(3000.01); // + 0.01¢
  });

  it('volume: every unit at the price of the band reached (a band includes its up_to)', () => {
    const v = rule('volume');
    expect(cents(tieredPrice(v, 1000n))).toBe(1000);
    expect(cents(tieredPrice(v, 1001n))).toBe(500.5);
    expect(cents(tieredPrice(v, 5000n))).toBe(2500);
    expect(cents(tieredPrice(v, 5001n))).toBe(50.01);
  });

  it('graduated prices never fall as usage grows and add up band by band', () => {
    const g = rule('graduated');
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10_000_000n }),
        fc.bigInt({ min: 0n, max: 10_000n }),
        (q, more) => {
          const a = tieredPrice(g, q);
          const b = tieredPrice(g, q + more);
          expect(a.den).toBe(b.den);
          expect(b.num >= a.num).toBe(true);
          // The exact fraction equals the sum over bands of units × price.
          const band = (lo: bigint, hi: bigint, each: bigint) =>
            (q > lo ? (q < hi ? q : hi) - lo : 0n) * each;
          // Prices in 1/10000 of a cent: 0.01 → 10000, 0.005 → 5000, 0.0001 → 100.
          expect(a.num).toBe(
            band(0n, 1000n, 10_000n) + band(1000n, 5000n, 5000n) + band(5000n, q + 1n, 100n),
          );
        },
      ),
    );
  });
});

describe('milestones', () => {
  const terms = integrationTermsOf(version({}).terms);

  it('enforces the default path order and says what is missing', () => {
    expect(checkMilestone(terms, [], 'authentication', JAN, 'event')).toEqual({
      ok: true,
      renewal: false,
    });
    expect(checkMilestone(terms, [], 'certification', JAN, 'review')).toMatchObject({
      ok: false,
      code: 'milestone_out_of_order',
      message: 'certification requires automated_testing to be completed first',
    });
    expect(checkMilestone(terms, [], 'launch', JAN, 'event')).toMatchObject({
      ok: false,
      code: 'unknown_milestone',
    });
    // A prerequisite completed later than the event does not count.
    const auth = [done('authentication', '2026-02-01T00:00:00Z')];
    expect(
      checkMilestone(terms, auth, 'data_mapping', at('2026-01-31T00:00:00Z'), 'event').ok,
    ).toBe(false);
    expect(
      checkMilestone(terms, auth, 'data_mapping', at('2026-02-01T00:00:00Z'), 'event').ok,
    ).toBe(true);
    expect(
      checkMilestone(terms, auth, 'authentication', at('2026-03-01T00:00:00Z'), 'event'),
    ).toEqual({
      ok: true,
      renewal: true,
    });
  });

  it('holds each milestone to how it completes', () => {
    const t = integrationTermsOf(
      version({
        milestones: [
          { id: 'auth', completed_by: 'event' },
          { id: 'review', completed_by: 'review' },
        ],
      }).terms,
    );
    expect(checkMilestone(t, [], 'auth', JAN, 'review')).toMatchObject({
      code: 'milestone_completed_by_other',
    });
    const auth = [done('auth', '2026-01-01T00:00:00Z')];
    expect(checkMilestone(t, auth, 'review', JAN, 'event')).toMatchObject({
      code: 'milestone_completed_by_other',
    });
    expect(checkMilestone(t, auth, 'review', JAN, 'review').ok).toBe(true);
  });
});

describe('grants', () => {
  const v = version({
    grants: [
      { id: 'auth', on: 'authentication', flat: '100.00' },
      { id: 'credits', on: 'data_mapping', credits: { asset: 'SUPPORT_CREDIT', amount: 50 } },
      { id: 'path', on: 'path', flat: '1000.00' },
    ],
  });
  const all = [
    done('authentication', '2026-02-01T00:00:00Z'),
    done('data_mapping', '2026-02-02T00:00:00Z'),
    done('automated_testing', '2026-02-03T00:00:00Z'),
    done('certification', '2026-02-04T00:00:00Z'),
  ];

  it('pays each grant once, when its milestone (or the whole path) first completed; renewals pay nothing', () => {
    const renewed = [
      ...all,
      done('certification', '2026-06-01T00:00:00Z', 'evt_renew'),
      done('authentication', '2026-06-02T00:00:00Z', 'evt_again'),
    ];
    const grants = deriveGrants({
      integration: it1,
      versions: [v],
      completions: renewed,
      approved: always,
    });
    expect(
      grants.map((g) => [
        g.ruleId,
        g.amount,
        g.currency,
        new Date(g.occurredAt).toISOString(),
        new Date(g.availableAt).toISOString(),
      ]),
    ).toEqual([
      ['auth', 10000n, 'USD', '2026-02-01T00:00:00.000Z', '2026-02-11T00:00:00.000Z'],
      ['credits', 50n, 'SUPPORT_CREDIT', '2026-02-02T00:00:00.000Z', '2026-02-02T00:00:00.000Z'],
      ['path', 100000n, 'USD', '2026-02-04T00:00:00.000Z', '2026-02-14T00:00:00.000Z'],
    ]);
    expect(new Set(grants.map((g) => g.key)).size).toBe(3);
  });

  it('uses the version in force when the milestone completed, and nothing for a partner not approved then', () => {
    const v2 = {
      ...version(
        { grants: [{ id: 'auth', on: 'authentication', flat: '150.00' }] },
        {},
        2,
        at('2026-02-01T12:00:00Z'),
      ),
    };
    const grants = deriveGrants({
      integration: it1,
      versions: [v, v2],
      completions: all,
      approved: always,
    });
    expect(grants.find((g) => g.ruleId === 'auth')?.amount).toBe(10000n);
    // After v2 the path grant no longer exists.
    expect(grants.map((g) => g.ruleId)).toEqual(['auth']);
    const suspended = (_: string, t: number) => t < at('2026-02-01T12:00:00Z');
    expect(
      deriveGrants({ integration: it1, versions: [v], completions: all, approved: suspended }).map(
        (g) => g.ruleId,
      ),
    ).toEqual(['auth']);
  });
});

describe('a month of usage', () => {
  const usage = (
    customer: string,
    metric: string,
    quantity: number,
    when: string,
    revenue?: bigint,
  ): UsageRecord => ({
    id: `evt_${customer}_${when}`,
    externalId: `${customer}-${when}`,
    customerId: customer,
    occurredAt: at(when),
    metric,
    quantity: BigInt(quantity),
    ...(revenue === undefined ? {} : { revenue, currency: 'USD' }),
  });
  const month = (
    v: ProgramVersion[],
    records: UsageRecord[],
    completions: Completion[] = [],
    extra: object = {},
  ) =>
    deriveUsageMonth({
      integration: it1,
      month: '2026-03',
      versions: v,
      usage: records,
      completions,
      firstUsageAt: records[0]?.occurredAt,
      approved: always,
      ...extra,
    });

  it('shares revenue of paid installs, caps the month, and counts only usage inside the duration', () => {
    const v = version({
      usage: [
        {
          id: 'share',
          per: 'revenue',
          percent: 15,
          cap_per_month: '30.00',
          duration: { days: 10, from: 'certification' },
        },
      ],
    });
    const records = [
      usage('a', 'plan', 1, '2026-03-02T00:00:00Z', 10000n),
      usage('b', 'plan', 1, '2026-03-05T00:00:00Z', 5000n),
      usage('c', 'plan', 1, '2026-03-20T00:00:00Z', 90000n), // after the 10 days
    ];
    // No certification yet: the duration has not begun, nothing counts.
    expect(month([v], records)).toEqual([]);
    const cert = [done('certification', '2026-03-01T00:00:00Z')];
    const [a] = month([v], records, cert);
    expect(a?.amount).toBe(2250n); // 15% of 150.00
    expect(a?.trace.inputs).toMatchObject({
      revenue: '150.00',
      counted_until: '2026-03-11T00:00:00.000Z',
    });
    const capped = month(
      [version({ usage: [{ id: 'share', per: 'revenue', percent: 15, cap_per_month: '20.00' }] })],
      records,
    );
    expect(capped[0]?.amount).toBe(2000n);
    expect(capped[0]?.trace.steps.at(-1)).toBe('capped at 20.00 per month');
    // Valued at the month's last instant, held by the program's hold days.
    expect(new Date(a?.occurredAt as number).toISOString()).toBe('2026-03-31T23:59:59.999Z');
    expect(new Date(a?.availableAt as number).toISOString()).toBe('2026-04-10T23:59:59.999Z');
  });

  it('applies accelerators in force when the month began, rounding once', () => {
    const v = version(
      { usage: [{ id: 'installs', per: 'active_install', flat: '0.35' }] },
      {
        accelerators: [
          {
            id: 'spring',
            from: '2026-03-01',
            to: '2026-04-01',
            multiplier: 1.5,
            rules: ['installs'],
          },
          { id: 'late', from: '2026-03-15', to: '2026-04-01', multiplier: 3 },
          {
            id: 'crm',
            from: '2026-03-01',
            to: '2026-04-01',
            multiplier: 2,
            when: { field: 'integration.category', op: 'eq', value: 'crm' },
          },
        ],
      },
    );
    const records = [
      usage('a', 'x', 1, '2026-03-02T00:00:00Z'),
      usage('b', 'x', 1, '2026-03-03T00:00:00Z'),
      usage('c', 'x', 1, '2026-03-03T00:00:00Z'),
    ];
    // 3 × 0.35 = 1.05 × 1.5 = 1.575 → 1.58 (half-even), once.
    expect(month([v], records)[0]?.amount).toBe(158n);
    expect(
      month([v], records, [], { categories: [{ since: JAN, category: 'crm' }] })[0]?.amount,
    ).toBe(315n); // × 1.5 × 2
  });

  it('reads the category the month began with: a later change re-prices nothing', () => {
    const v = version(
      { usage: [{ id: 'installs', per: 'active_install', flat: '1.00' }] },
      {
        accelerators: [
          {
            id: 'crm',
            from: '2026-01-01',
            to: '2027-01-01',
            multiplier: 2,
            when: { field: 'integration.category', op: 'eq', value: 'crm' },
          },
        ],
      },
    );
    const records = [usage('a', 'x', 1, '2026-03-02T00:00:00Z')];
    const changed = [
      { since: JAN, category: 'crm' },
      { since: at('2026-04-10T00:00:00Z'), category: 'erp' },
    ];
    expect(month([v], records, [], { categories: changed })[0]?.amount).toBe(200n);
    const earlier = [
      { since: JAN, category: 'erp' },
      { since: at('2026-03-01T00:00:00Z'), category: 'crm' },
    ];
    expect(month([v], records, [], { categories: earlier })[0]?.amount).toBe(200n);
    expect(
      month([v], records, [], { categories: [{ since: JAN, category: 'erp' }] })[0]?.amount,
    ).toBe(100n);
  });

  it('is valued under the version in force when the month began', () => {
    const v1 = version({ usage: [{ id: 'installs', per: 'active_install', flat: '1.00' }] });
    const v2 = version(
      { usage: [{ id: 'installs', per: 'active_install', flat: '5.00' }] },
      {},
      2,
      at('2026-03-15T00:00:00Z'),
    );
    const records = [usage('a', 'x', 1, '2026-03-20T00:00:00Z')];
    expect(month([v1, v2], records)[0]?.amount).toBe(100n);
  });
});

describe('certification', () => {
  const v = version({
    certification: {
      levels: [
        {
          id: 'certified',
          requires: { milestones: ['certification'] },
          valid_days: 365,
          entitlements: ['listing'],
        },
        {
          id: 'premier',
          requires: {
            milestones: ['certification'],
            active_installs: 100,
            uptime_at_least: 99.9,
            error_rate_at_most: 0.5,
          },
          valid_days: 365,
          entitlements: ['listing', 'featured'],
        },
      ],
    },
  });
  const cert = [done('certification', '2026-01-10T00:00:00Z')];

  it('holds the highest level whose requirements all hold, and lists what each level misses', () => {
    const c = certificationAt({
      versions: [v],
      completions: cert,
      quality: [{ at: JAN, uptime: 9995, errorRate: 60 }],
      activeInstalls: 120,
      at: at('2026-02-01T00:00:00Z'),
    });
    expect(c).toMatchObject({
      level: 'certified',
      entitlements: ['listing'],
      expires_at: '2027-01-10T00:00:00.000Z',
    });
    expect(c.levels[1]?.missing).toEqual(['error rate ≤ 0.5% (latest 0.6%)']);
    const better = certificationAt({
      versions: [v],
      completions: cert,
      quality: [
        { at: JAN, uptime: 9995, errorRate: 60 },
        { at: at('2026-01-20T00:00:00Z'), errorRate: 50 },
      ],
      activeInstalls: 100,
      at: at('2026-02-01T00:00:00Z'),
    });
    expect(better.level).toBe('premier');
  });

  it('expires at the exact instant its validity ends, and a renewal restores it', () => {
    const end = at('2027-01-10T00:00:00Z');
    const q = { versions: [v], completions: cert, quality: [], activeInstalls: 0 };
    expect(certificationAt({ ...q, at: end - 1 }).level).toBe('certified');
    expect(certificationAt({ ...q, at: end }).level).toBe(null);
    const renewed = certificationAt({
      ...q,
      completions: [...cert, done('certification', '2027-01-20T00:00:00Z', 'evt_r')],
      at: at('2027-01-20T00:00:00Z'),
    });
    expect(renewed).toMatchObject({ level: 'certified', expires_at: '2028-01-20T00:00:00.000Z' });
  });
});

describe('integration terms', () => {
  const issues = (integrations: object) => {
    const r = validateTerms({ currency: 'USD', rewards: [], integrations });
    return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
  };

  it('rejects with exact paths', () => {
    expect(issues({ grants: [{ id: 'g', on: 'launch', flat: '1.00' }] })).toEqual([
      'integrations.grants[0].on: unknown milestone launch (a milestone id or "path")',
    ]);
    expect(issues({ milestones: [{ id: 'a', requires: ['b'] }, { id: 'b' }] })).toEqual([
      'integrations.milestones[0].requires[0]: unknown milestone b (a milestone listed before a)',
    ]);
    expect(
      issues({
        usage: [
          {
            id: 'u',
            per: 'unit',
            metric: 'm',
            rates: [{ up_to: 10, each: '1' }, { up_to: 5, each: '1' }, { each: '1' }],
          },
        ],
      }),
    ).toEqual(['integrations.usage[0].rates[1].up_to: bands ascend: 5 is not above 10']);
    expect(issues({ usage: [{ id: 'u', per: 'unit', rates: [{ each: '1' }] }] })).toEqual([
      'integrations.usage[0].metric: per: unit counts one metric',
    ]);
    expect(issues({ usage: [{ id: 'u', per: 'active_install', percent: 5 }] })).toEqual([
      'integrations.usage[0].flat: per: active_install pays with flat',
      'integrations.usage[0].percent: per: active_install pays with flat, not percent',
    ]);
    expect(issues({ usage: [{ id: 'u', per: 'active_install', flat: '0.001' }] })).toEqual([
      'integrations.usage[0].flat: USD has 2 decimal places; got "0.001"',
    ]);
    expect(
      issues({ grants: [{ id: 'g', on: 'path', credits: { asset: 'USD', amount: 5 } }] }),
    ).toEqual([
      'integrations.grants[0].credits.asset: must be 4–32 capital letters, digits or _, such as SUPPORT_CREDIT',
    ]);
  });

  it('lets accelerators name usage rules', () => {
    const r = validateTerms({
      currency: 'USD',
      rewards: [],
      integrations: { usage: [{ id: 'installs', per: 'active_install', flat: '1.00' }] },
      accelerators: [
        { id: 'a', from: '2026-01-01', to: '2026-02-01', multiplier: 2, rules: ['installs'] },
      ],
    });
    expect(r.ok).toBe(true);
  });
});
