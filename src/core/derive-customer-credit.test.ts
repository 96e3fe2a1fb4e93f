import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DesiredAccrual } from './accrual.js';
import { noisyOrShapley, shapleyValues } from './credit-split.js';
import { deriveCustomer } from './derive-customer.js';
import type { TandemEvent } from './event.js';
import { isHeldOut } from './lift.js';
import { currency } from './money.js';
import { compileTerms, type ProgramTermsInput, parseTerms } from './program-terms.js';
import type { ProgramWithVersions } from './program-version.js';
import { applyBasisPoints } from './rounding.js';
import type { CampaignRecord, ClickRecord, CodeRecord } from './touch.js';

/** Credit between partners in attribution: campaign touches and split rewards (issue 6). */

const USD = currency('USD');
const PRG = 'prg_co';
const T0 = Date.parse('2026-03-01T00:00:00Z');
const hour = (h: number) => T0 + h * 3_600_000;

const base: ProgramTermsInput = {
  currency: 'USD',
  hold_days: 0,
  attribution: { window_days: 30 },
  rewards: [
    { id: 'act', event: 'activation', flat: '50.00' },
    { id: 'rev', event: 'payment', percent: 10 },
  ],
};

function program(credit?: Record<string, unknown>): ProgramWithVersions {
  const terms = credit ? { ...base, attribution: { window_days: 30, credit } } : base;
  return {
    id: PRG,
    key: 'co',
    versions: [
      {
        id: 'ver_1',
        programId: PRG,
        number: 1,
        effectiveFrom: Date.parse('2026-01-01T00:00:00Z'),
        publishedAt: Date.parse('2025-12-01T00:00:00Z'),
        correction: false,
        terms: compileTerms(parseTerms(terms)),
      },
    ],
  };
}

let n = 0;
const ev = (
  customerId: string,
  type: TandemEvent['type'],
  at: number,
  extra: Partial<TandemEvent> = {},
): TandemEvent => {
  n++;
  return {
    id: `evt_${n}`,
    source: 'api',
    externalId: `x${n}`,
    type,
    occurredAt: at,
    customerId,
    customer: {},
    ...extra,
  };
};

const campaign = (over: Partial<CampaignRecord> = {}): CampaignRecord => ({
  id: 'cmp_1',
  code: 'SPRING',
  programId: PRG,
  partnerIds: ['ptn_A', 'ptn_B'],
  startsAt: hour(0),
  endsAt: hour(24 * 20),
  running: true,
  holdoutBps: 0,
  ...over,
});

const clickOf = (id: string, partnerId: string, at: number): [string, ClickRecord] => [
  id,
  { id, linkId: `lnk_${partnerId}`, programId: PRG, partnerId, occurredAt: at, bot: false },
];
const couponOf = (code: string, partnerId: string): [string, CodeRecord] => [
  code,
  { code, kind: 'coupon', programId: PRG, partnerId, createdAt: 0, disabledAt: undefined },
];

function derive(
  customerId: string,
  events: TandemEvent[],
  opts: {
    credit?: Record<string, unknown>;
    campaigns?: CampaignRecord[];
    clicks?: [string, ClickRecord][];
    codes?: [string, CodeRecord][];
  } = {},
) {
  return deriveCustomer({
    customerId,
    events,
    clicks: new Map(opts.clicks ?? []),
    codes: new Map(opts.codes ?? []),
    programs: [program(opts.credit)],
    campaigns: new Map((opts.campaigns ?? []).map((c) => [c.id, c])),
  });
}

const byPartner = (as: readonly DesiredAccrual[]) => {
  const out: Record<string, bigint> = {};
  for (const a of as) out[a.partnerId] = (out[a.partnerId] ?? 0n) + a.amount;
  return out;
};

describe('campaign touches in attribution', () => {
  it('a running campaign attributes the customer to its partner; a touch never earns by itself', () => {
    const d = derive(
      'cus_1',
      [
        ev('cus_1', 'campaign.touch', hour(1), { campaignId: 'cmp_1', touchPartnerId: 'ptn_B' }),
        ev('cus_1', 'activation', hour(5)),
      ],
      { campaigns: [campaign()] },
    );
    expect(d.attributions[0]?.partnerId).toBe('ptn_B');
    expect(d.attributions[0]?.reason.touch).toMatchObject({ kind: 'campaign', ref: 'SPRING' });
    expect(d.accruals.map((a) => [a.partnerId, a.amount])).toEqual([['ptn_B', 5000n]]);
    expect(d.conversions.map((c) => c.type)).toEqual(['activation']);
  });

  it('ignores touches outside the window, of a campaign not running, and of held-out customers', () => {
    const cases: [string, CampaignRecord, number][] = [
      ['before the window', campaign({ startsAt: hour(2) }), hour(1)],
      ['after the window', campaign({ endsAt: hour(1) }), hour(1)],
      ['only proposed', campaign({ running: false }), hour(1)],
    ];
    for (const [why, c, at] of cases) {
      const d = derive(
        'cus_2',
        [
          ev('cus_2', 'campaign.touch', at, { campaignId: c.id }),
          ev('cus_2', 'activation', hour(5)),
        ],
        {
          campaigns: [c],
        },
      );
      expect(d.accruals, why).toEqual([]);
    }
    // A 50% holdout: find one customer held out and one exposed; only the exposed one earns.
    const c = campaign({ holdoutBps: 5000 });
    const ids = Array.from({ length: 40 }, (_, i) => `cus_h${i}`);
    const held = ids.find((id) => isHeldOut(c.id, id, 5000)) as string;
    const exposed = ids.find((id) => !isHeldOut(c.id, id, 5000)) as string;
    for (const [id, earns] of [
      [held, false],
      [exposed, true],
    ] as const) {
      const d = derive(
        id,
        [ev(id, 'campaign.touch', hour(1), { campaignId: c.id }), ev(id, 'activation', hour(5))],
        {
          campaigns: [c],
        },
      );
      expect(d.accruals.length > 0, id).toBe(earns);
    }
  });
});

describe("campaign touches over a campaign's life", () => {
  it('a touch of the whole campaign goes to its lead when one partner wins, whatever the ids', () => {
    for (const partnerIds of [
      ['ptn_Z', 'ptn_A'],
      ['ptn_A', 'ptn_Z'],
    ]) {
      const d = derive(
        'cus_lead',
        [
          ev('cus_lead', 'campaign.touch', hour(1), { campaignId: 'cmp_1' }),
          ev('cus_lead', 'activation', hour(5)),
        ],
        { campaigns: [campaign({ partnerIds })] },
      );
      expect(d.accruals.map((a) => a.partnerId)).toEqual([partnerIds[0]]);
    }
  });

  it('a campaign cancelled after it ran keeps the touches it made before', () => {
    const c = campaign({ cancelledAt: hour(10) });
    const before = derive(
      'cus_c1',
      [
        ev('cus_c1', 'campaign.touch', hour(9), { campaignId: c.id }),
        ev('cus_c1', 'activation', hour(20)),
      ],
      { campaigns: [c] },
    );
    expect(before.accruals).toHaveLength(1);
    const after = derive(
      'cus_c2',
      [
        ev('cus_c2', 'campaign.touch', hour(10), { campaignId: c.id }),
        ev('cus_c2', 'activation', hour(20)),
      ],
      { campaigns: [c] },
    );
    expect(after.accruals).toEqual([]);
  });
});

describe('credit split between partners', () => {
  it('Shapley over a click (30%) and a coupon (60%): 21/72 and 51/72 of the reward, summing exactly', () => {
    const d = derive(
      'cus_3',
      [ev('cus_3', 'activation', hour(5), { clickId: 'clk_1', coupon: 'SAVE' })],
      {
        credit: { split: 'shapley' },
        clicks: [clickOf('clk_1', 'ptn_A', hour(1))],
        codes: [couponOf('SAVE', 'ptn_B')],
      },
    );
    // v(A) = 0.30, v(B) = 0.60, v(AB) = 1 − 0.7 × 0.4 = 0.72: A = 0.21, B = 0.51.
    // 5000 × 21/72 = 1458.33 → 1458; 5000 × 51/72 = 3541.67 → 3542.
    expect(byPartner(d.accruals)).toEqual({ ptn_A: 1458n, ptn_B: 3542n });
    const a = d.accruals.find((x) => x.partnerId === 'ptn_A') as DesiredAccrual;
    expect(a.key.endsWith(':ptn_A')).toBe(true);
    expect(a.trace.credit).toMatchObject({ split: 'shapley', partners: 2, your_percent: '29.17%' });
    expect(a.trace.credit?.why).toMatch(/^you received 29.17% of this conversion because/);
    expect(a.trace.credit?.why).toContain('1 click (strength 30% each)');
    // No other partner is named in a partner's trace.
    expect(JSON.stringify(a.trace)).not.toContain('ptn_B');
    // The attribution stores every share with its reason.
    expect(d.attributions[0]?.reason.credit?.shares.map((s) => [s.partner_id, s.percent])).toEqual([
      ['ptn_A', '29.17%'],
      ['ptn_B', '70.83%'],
    ]);
  });

  it('two partners of one campaign share 50/50; a position split gives 40/20/40', () => {
    const twin = derive(
      'cus_4',
      [
        ev('cus_4', 'campaign.touch', hour(1), { campaignId: 'cmp_1' }),
        ev('cus_4', 'activation', hour(5)),
      ],
      { credit: { split: 'shapley' }, campaigns: [campaign()] },
    );
    expect(byPartner(twin.accruals)).toEqual({ ptn_A: 2500n, ptn_B: 2500n });

    const three = derive(
      'cus_5',
      [
        ev('cus_5', 'campaign.touch', hour(1), { campaignId: 'cmp_1', touchPartnerId: 'ptn_A' }),
        ev('cus_5', 'signup', hour(2), { clickId: 'clk_2' }),
        ev('cus_5', 'activation', hour(5), { coupon: 'SAVE' }),
      ],
      {
        credit: { split: 'position', first: 40, last: 40 },
        campaigns: [campaign()],
        clicks: [clickOf('clk_2', 'ptn_C', hour(2))],
        codes: [couponOf('SAVE', 'ptn_D')],
      },
    );
    // Pinned at the signup: A (campaign, first) and C (click, last) touched by then → 50/50;
    // the coupon came later and does not reopen the attribution.
    expect(byPartner(three.accruals)).toEqual({ ptn_A: 2500n, ptn_C: 2500n });

    const all = derive(
      'cus_6',
      [
        ev('cus_6', 'campaign.touch', hour(1), { campaignId: 'cmp_1', touchPartnerId: 'ptn_A' }),
        ev('cus_6', 'activation', hour(5), { clickId: 'clk_3', coupon: 'SAVE' }),
      ],
      {
        credit: { split: 'position', first: 40, last: 40 },
        campaigns: [campaign()],
        clicks: [clickOf('clk_3', 'ptn_C', hour(3))],
        codes: [couponOf('SAVE', 'ptn_D')],
      },
    );
    expect(byPartner(all.accruals)).toEqual({ ptn_A: 2000n, ptn_C: 1000n, ptn_D: 2000n });
  });

  it('a refund reverses each partner its own part; nothing is reversed twice', () => {
    const d = derive(
      'cus_7',
      [
        ev('cus_7', 'campaign.touch', hour(1), { campaignId: 'cmp_1' }),
        ev('cus_7', 'payment', hour(5), { externalId: 'pay-1', currency: USD, revenue: 12_345n }),
        ev('cus_7', 'refund', hour(6), { paymentId: 'pay-1' }),
      ],
      { credit: { split: 'shapley' }, campaigns: [campaign()] },
    );
    const accrued = d.accruals.filter((a) => a.kind === 'accrual');
    const reversed = d.accruals.filter((a) => a.kind === 'reversal');
    // 10% of 123.45 = 12.35 (half-even … 1234.5 → 1234), split 617/617.
    expect(byPartner(accrued)).toEqual({ ptn_A: 617n, ptn_B: 617n });
    expect(byPartner(reversed)).toEqual({ ptn_A: -617n, ptn_B: -617n });
    expect(new Set(d.accruals.map((a) => a.key)).size).toBe(d.accruals.length);
  });

  it('splits always sum exactly to the reward, whatever the touches and the rule (property)', () => {
    const kinds = ['click', 'coupon', 'campaign'] as const;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            partner: fc.constantFrom('A', 'B', 'C', 'D'),
            kind: fc.constantFrom(...kinds),
            h: fc.integer({ min: 0, max: 100 }),
          }),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        fc.constantFrom<Record<string, unknown>>(
          { split: 'shapley' },
          { split: 'position', first: 30, last: 50 },
          { split: 'first_touch' },
          { split: 'last_touch' },
        ),
        fc.integer({ min: 100, max: 1_000_000_000 }),
        (touches, credit, revenue) => {
          const customer = 'cus_p';
          const events: TandemEvent[] = [];
          const clicks: [string, ClickRecord][] = [];
          const codes: [string, CodeRecord][] = [];
          const campaigns: CampaignRecord[] = [];
          touches.forEach((t, i) => {
            const pid = `ptn_${t.partner}`;
            if (t.kind === 'click') {
              clicks.push(clickOf(`clk_${i}`, pid, hour(t.h)));
              events.push(ev(customer, 'signup', hour(t.h), { clickId: `clk_${i}` }));
            } else if (t.kind === 'coupon') {
              codes.push(couponOf(`C${i}`, pid));
              events.push(
                ev(customer, 'campaign.touch', hour(t.h), {
                  coupon: `C${i}`,
                } as Partial<TandemEvent>),
              );
            } else {
              campaigns.push(campaign({ id: `cmp_${i}`, code: `K${i}`, partnerIds: [pid] }));
              events.push(ev(customer, 'campaign.touch', hour(t.h), { campaignId: `cmp_${i}` }));
            }
          });
          // Coupons count when quoted by an event the customer sends; quote them on the payment.
          const pay = ev(customer, 'payment', hour(200), {
            currency: USD,
            revenue: BigInt(revenue),
            ...(codes[0] ? { coupon: codes[0][0] } : {}),
          });
          const d = derive(customer, [...events, pay], { credit, clicks, codes, campaigns });
          const whole = applyBasisPoints(BigInt(revenue), 1000n);
          const paid = d.accruals.filter((a) => a.eventId === pay.id);
          const sum = paid.reduce((s, a) => s + a.amount, 0n);
          expect(paid.length).toBeGreaterThan(0);
          expect(sum).toBe(whole);
          expect(new Set(paid.map((a) => a.partnerId)).size).toBe(paid.length);
        },
      ),
      { numRuns: 200, seed: 6 },
    );
  });
});

describe('Shapley of the noisy-OR game in closed form', () => {
  it('equals the sum over every coalition, for any strengths (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 3 }), {
          minLength: 1,
          maxLength: 8,
        }),
        (partners) => {
          const q = partners.map((strengths) => ({
            num: strengths.reduce((p, s) => p * BigInt(100 - s), 1n),
            den: 100n ** BigInt(strengths.length),
          }));
          const ids = q.map((_, i) => `p${i}`);
          let all = 1n;
          for (const x of q) all *= x.den;
          const v = (members: ReadonlySet<string>) =>
            all - q.reduce((p, x, i) => p * (members.has(`p${i}`) ? x.num : x.den), 1n);
          const exact = shapleyValues(ids, v);
          const closed = noisyOrShapley(q);
          // Both exact: v is scaled by D and the sum by n!, exactly the closed form's scale D·n!.
          ids.forEach((id, i) => {
            expect(closed[i]).toBe(exact.num.get(id));
          });
        },
      ),
      { numRuns: 200, seed: 8 },
    );
  });

  it('splits a conversion between 50 campaign partners exactly and equally, without sampling', () => {
    const partnerIds = Array.from({ length: 50 }, (_, i) => `ptn_${String(i).padStart(2, '0')}`);
    const d = derive(
      'cus_50',
      [
        ev('cus_50', 'campaign.touch', hour(1), { campaignId: 'cmp_1' }),
        ev('cus_50', 'activation', hour(5)),
      ],
      { credit: { split: 'shapley' }, campaigns: [campaign({ partnerIds })] },
    );
    const amounts = Object.values(byPartner(d.accruals));
    expect(amounts).toHaveLength(50);
    expect(amounts.reduce((a, b) => a + b, 0n)).toBe(5000n);
    expect(new Set(amounts)).toEqual(new Set([100n]));
    expect(d.accruals[0]?.trace.credit?.why).not.toContain('sampled');
  });
});
