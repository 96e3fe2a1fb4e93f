import { describe, expect, it } from 'vitest';
import { type CampaignBonus, campaignBonusSchema } from './campaign.js';
import type { Currency } from './currency.js';
import { type BonusCampaign, deriveCampaignBonuses } from './derive-campaign-bonuses.js';
import type { CampaignMeasurement, Tally } from './measure-campaign.js';

const END = Date.parse('2026-03-30T00:00:00Z');
const tally = (customers: number, activations: number): Tally => ({
  customers,
  signups: customers,
  activations,
  revenue: 0n,
});

const measurement = (
  exposed: Tally,
  over: Partial<CampaignMeasurement> = {},
): CampaignMeasurement => ({
  audience: exposed.customers,
  arms: { exposed, holdout: tally(0, 0) },
  channels: [],
  partners: [],
  lift: null,
  incrementalActivations: null,
  ...over,
});

const bonus = (b: unknown): CampaignBonus => campaignBonusSchema.parse(b);
const stepped = bonus({
  id: 'target',
  metric: 'activations',
  steps: [
    { at_least: 10, pays: '1200.00' },
    { at_least: 5, pays: '500.00' },
  ],
});

const campaign = (over: Partial<BonusCampaign> = {}): BonusCampaign => ({
  id: 'cmp_1',
  code: 'SPRING',
  programId: 'prg_1',
  endsAt: END,
  currency: 'USD' as Currency,
  partnerIds: ['ptn_lead', 'ptn_b', 'ptn_c'],
  bonuses: [stepped],
  running: true,
  ...over,
});

const version = { id: 'ver_1', programId: 'prg_1', number: 1, terms: { holdDays: 7 } };
const derive = (
  c: BonusCampaign,
  m: CampaignMeasurement,
  now = END,
  approved: (partnerId: string) => boolean = () => true,
) => deriveCampaignBonuses({ campaign: c, measurement: m, version, approved, now });
const amounts = (xs: { partnerId: string; amount: bigint }[]) =>
  Object.fromEntries(xs.map((x) => [x.partnerId, x.amount]));

describe('campaign target bonuses', () => {
  it('pays the highest step reached, split equally with the remainder to the lead', () => {
    const out = derive(
      campaign({ bonuses: [bonus({ ...stepped, steps: [{ at_least: 5, pays: '500.00' }] })] }),
      measurement(tally(20, 7)),
    );
    // 50 000 cents in three: 16 666 each and 2 cents of remainder, to the lead first, then in order.
    expect(amounts(out)).toEqual({ ptn_lead: 16_667n, ptn_b: 16_667n, ptn_c: 16_666n });
    const first = out[0];
    expect(first).toMatchObject({
      key: 'campaign-bonus:cmp_1:target:ptn_lead',
      unit: 'cm:cmp_1',
      ruleId: 'target',
      versionId: 'ver_1',
      occurredAt: END,
      availableAt: END + 7 * 86_400_000,
      currency: 'USD',
    });
    expect(first?.trace.steps).toEqual([
      '7 activations in the campaign window ≥ 5 (step 1 of 1) → 500.00 USD, split between 3 partners',
      'your share: 166.67 USD',
    ]);
    expect(amounts(derive(campaign(), measurement(tally(20, 12))))).toEqual({
      ptn_lead: 40_000n,
      ptn_b: 40_000n,
      ptn_c: 40_000n,
    });
  });

  it('pays nothing before the close, below the first step, or while not running', () => {
    expect(derive(campaign(), measurement(tally(20, 12)), END - 1)).toEqual([]);
    expect(derive(campaign(), measurement(tally(20, 4)))).toEqual([]);
    expect(derive(campaign({ running: false }), measurement(tally(20, 12)))).toEqual([]);
  });

  it('leaves out a partner not approved at the close (its share is not paid)', () => {
    const out = derive(campaign(), measurement(tally(20, 5)), END, (p) => p !== 'ptn_b');
    expect(amounts(out)).toEqual({ ptn_lead: 16_667n, ptn_c: 16_666n });
  });

  it('pays per unit up to its cap, on incremental activations only when the lift is significant', () => {
    const per = bonus({
      id: 'lift',
      metric: 'incremental_activations',
      per: '20.00',
      cap: '250.00',
      require_significant: true,
    });
    const c = campaign({ partnerIds: ['ptn_lead'], bonuses: [per] });
    const significant = { significant: true } as CampaignMeasurement['lift'];
    const m = (inc: number, lift: CampaignMeasurement['lift']) =>
      measurement(tally(100, 30), { incrementalActivations: inc, lift });
    expect(amounts(derive(c, m(11, significant)))).toEqual({ ptn_lead: 22_000n });
    expect(amounts(derive(c, m(14, significant)))).toEqual({ ptn_lead: 25_000n });
    expect(derive(c, m(14, significant))[0]?.trace.steps).toEqual([
      'the lift is significant (95% interval above 0)',
      '14 incremental activations in the campaign window × 20.00 USD = 280.00 USD, capped at 250.00 USD',
    ]);
    expect(derive(c, m(14, { significant: false } as CampaignMeasurement['lift']))).toEqual([]);
    expect(derive(c, m(14, null))).toEqual([]);
  });

  it("pays a partner-scope bonus on each partner's own customers", () => {
    const own = bonus({
      id: 'own',
      metric: 'touched_customers',
      scope: 'partner',
      steps: [{ at_least: 3, pays: '100.00' }],
    });
    const m = measurement(tally(6, 0), {
      partners: [
        {
          partnerId: 'ptn_lead',
          exposed: tally(4, 0),
          holdout: tally(0, 0),
          incrementalActivations: null,
        },
        {
          partnerId: 'ptn_b',
          exposed: tally(2, 0),
          holdout: tally(0, 0),
          incrementalActivations: null,
        },
        {
          partnerId: 'ptn_c',
          exposed: tally(3, 0),
          holdout: tally(0, 0),
          incrementalActivations: null,
        },
      ],
    });
    const out = derive(campaign({ bonuses: [own] }), m);
    expect(amounts(out)).toEqual({ ptn_lead: 10_000n, ptn_c: 10_000n });
    expect(out[0]?.key).toBe('campaign-bonus:cmp_1:own:ptn_lead');
  });

  it('is deterministic: the same measurement derives the same accruals', () => {
    const m = measurement(tally(20, 7));
    expect(derive(campaign(), m)).toEqual(derive(campaign(), m));
  });
});
