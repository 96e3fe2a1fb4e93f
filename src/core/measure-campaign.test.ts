import { describe, expect, it } from 'vitest';
import { isHeldOut, liftReport } from './lift.js';
import {
  type AudienceTouch,
  incrementalActivations,
  type MeasuredCampaign,
  measureCampaign,
  type OutcomeEvent,
  outcomeOf,
} from './measure-campaign.js';

const T = (iso: string) => Date.parse(iso);
const START = T('2026-03-02T00:00:00Z');
const END = T('2026-03-30T00:00:00Z');

const campaign = (over: Partial<MeasuredCampaign> = {}): MeasuredCampaign => ({
  id: 'cmp_1',
  startsAt: START,
  endsAt: END,
  holdoutBps: 0,
  currency: 'USD',
  partnerIds: ['ptn_a', 'ptn_b'],
  expectedLiftBps: null,
  ...over,
});

let n = 0;
const touch = (
  customerId: string,
  at: number,
  channel = 'email',
  partnerId?: string,
): AudienceTouch => ({
  customerId,
  at,
  ref: `evt_${String(++n).padStart(4, '0')}`,
  channel,
  partnerId,
});
const event = (
  customerId: string,
  type: string,
  at: number,
  extra: Partial<OutcomeEvent> = {},
): OutcomeEvent => ({
  id: `evt_o${++n}`,
  source: 'api',
  externalId: `x-${n}`,
  customerId,
  type,
  occurredAt: at,
  ...extra,
});

describe('the campaign audience and its window', () => {
  it('counts touches from starts_at inclusive to ends_at exclusive', () => {
    const m = measureCampaign(
      campaign(),
      [
        touch('early', START - 1),
        touch('first-instant', START),
        touch('last-instant', END - 1),
        touch('at-end', END),
      ],
      [],
    );
    expect(m.audience).toBe(2);
    expect(m.arms.exposed.customers).toBe(2);
    expect(m.arms.holdout.customers).toBe(0);
  });

  it("counts a customer's outcomes from its first touch (inclusive) until ends_at (exclusive)", () => {
    const first = T('2026-03-10T00:00:00Z');
    const m = measureCampaign(
      campaign(),
      [
        touch('c1', first),
        touch('c1', T('2026-03-12T00:00:00Z')),
        touch('c2', first),
        touch('c3', first),
      ],
      [
        // c1: signed up before its first touch (not counted), activated at the touch instant (counted).
        event('c1', 'signup', first - 1),
        event('c1', 'activation', first),
        // c2: activated at ends_at: too late.
        event('c2', 'signup', first + 1),
        event('c2', 'activation', END),
        // c3: activated in the last millisecond.
        event('c3', 'activation', END - 1),
        // Not in the audience.
        event('stranger', 'activation', first),
      ],
    );
    expect(m.arms.exposed).toEqual({ customers: 3, signups: 1, activations: 2, revenue: 0n });
  });

  it('gives each customer the channel of its first touch, ordered by instant then reference', () => {
    const at = T('2026-03-05T00:00:00Z');
    const m = measureCampaign(
      campaign(),
      [
        touch('c1', at + 10, 'social'),
        touch('c1', at, 'email'),
        touch('c2', at, 'webinar'),
        { customerId: 'c2', at, ref: 'aaa', channel: 'search' },
        touch('c3', at, 'partner_site'),
      ],
      [event('c2', 'activation', at + 1)],
    );
    expect(m.channels.map((c) => [c.channel, c.customers, c.activations])).toEqual([
      ['email', 1, 0],
      ['search', 1, 1],
      ['partner_site', 1, 0],
    ]);
  });

  it('sums revenue in the campaign currency, less refunds of payments that counted', () => {
    const at = T('2026-03-05T00:00:00Z');
    const usd = { currency: 'USD' };
    const m = measureCampaign(
      campaign(),
      [touch('c1', at)],
      [
        event('c1', 'payment', at - 1000, { ...usd, revenue: 9_000n, externalId: 'before' }),
        event('c1', 'payment', at + 1, { ...usd, revenue: 10_000n, externalId: 'p1' }),
        event('c1', 'payment', at + 2, { currency: 'EUR', revenue: 5_000n, externalId: 'p2' }),
        event('c1', 'refund', at + 3, { ...usd, revenue: 2_500n, paymentId: 'p1' }),
        // A refund of a payment before the touch takes nothing from the campaign.
        event('c1', 'refund', at + 4, { ...usd, revenue: 9_000n, paymentId: 'before' }),
      ],
    );
    expect(m.arms.exposed.revenue).toBe(7_500n);
    expect(outcomeOf([], at, END, 'USD')).toEqual({
      signedUp: false,
      activated: false,
      revenue: 0n,
    });
  });

  it('counts per partner the customers it touched: a named partner, else every partner; from its own first touch', () => {
    const at = T('2026-03-05T00:00:00Z');
    const m = measureCampaign(
      campaign({ partnerIds: ['ptn_a', 'ptn_b', 'ptn_c'] }),
      [
        touch('c1', at, 'email', 'ptn_a'),
        touch('c2', at, 'email'),
        touch('c3', at, 'partner_site', 'ptn_b'),
        // ptn_c touches c4 only after c4 activated: the activation is not ptn_c's.
        touch('c4', at, 'email', 'ptn_a'),
        touch('c4', at + 5000, 'webinar', 'ptn_c'),
        // A partner that no longer runs the campaign is not listed.
        touch('c5', at, 'email', 'ptn_gone'),
      ],
      [
        event('c1', 'activation', at + 1),
        event('c2', 'activation', at + 1),
        event('c4', 'activation', at + 1),
      ],
    );
    const by = Object.fromEntries(
      m.partners.map((p) => [p.partnerId, [p.exposed.customers, p.exposed.activations]]),
    );
    expect(by).toEqual({ ptn_a: [3, 3], ptn_b: [2, 1], ptn_c: [2, 1] });
    expect(m.partners.map((p) => p.partnerId)).toEqual(['ptn_a', 'ptn_b', 'ptn_c']);
    expect(m.audience).toBe(5);
  });
});

describe('arms and lift', () => {
  it('splits the audience by the stable hash (intent-to-treat) and compares activation rates', () => {
    const c = campaign({ holdoutBps: 5000, expectedLiftBps: 1000 });
    const at = T('2026-03-05T00:00:00Z');
    const customers = Array.from({ length: 40 }, (_, i) => `cus-${i}`);
    const held = customers.filter((id) => isHeldOut(c.id, id, c.holdoutBps));
    const exposed = customers.filter((id) => !held.includes(id));
    expect(held.length).toBeGreaterThan(5);
    expect(exposed.length).toBeGreaterThan(5);
    // Every exposed customer activates, one held-out customer does.
    const outcomes = [
      ...exposed.map((id) => event(id, 'activation', at + 1)),
      event(held[0] as string, 'activation', at + 1),
    ];
    const m = measureCampaign(
      c,
      customers.map((id) => touch(id, at)),
      outcomes,
    );
    expect(m.arms.exposed.customers).toBe(exposed.length);
    expect(m.arms.holdout).toEqual({
      customers: held.length,
      signups: 0,
      activations: 1,
      revenue: 0n,
    });
    // The channel breakdown is of the exposed arm only.
    expect(m.channels).toEqual([
      {
        channel: 'email',
        customers: exposed.length,
        signups: 0,
        activations: exposed.length,
        revenue: 0n,
      },
    ]);
    expect(m.lift).toEqual(
      liftReport(
        { customers: exposed.length, conversions: exposed.length },
        { customers: held.length, conversions: 1 },
        0.1,
      ),
    );
    expect(m.incrementalActivations).toBe(
      incrementalActivations(
        { customers: exposed.length, activations: exposed.length },
        { customers: held.length, activations: 1 },
      ),
    );
  });

  it('has no lift without customers in both arms', () => {
    const m = measureCampaign(campaign(), [touch('c1', T('2026-03-05T00:00:00Z'))], []);
    expect(m.lift).toBeNull();
    expect(m.incrementalActivations).toBeNull();
    expect(m.partners[0]?.incrementalActivations).toBeNull();
  });
});

describe('incremental activations', () => {
  it('is (aE·nH − aH·nE) / nH, exactly', () => {
    // 30% of 100 exposed against 16% of 25 held out: 14 more activations.
    expect(
      incrementalActivations(
        { customers: 100, activations: 30 },
        { customers: 25, activations: 4 },
      ),
    ).toBe(14);
  });

  it('rounds half to even', () => {
    // (2·2 − 1·3) / 2 = 0.5 → 0
    expect(
      incrementalActivations({ customers: 3, activations: 2 }, { customers: 2, activations: 1 }),
    ).toBe(0);
    // (4·2 − 1·5) / 2 = 1.5 → 2
    expect(
      incrementalActivations({ customers: 5, activations: 4 }, { customers: 2, activations: 1 }),
    ).toBe(2);
    // (5·2 − 1·5) / 2 = 2.5 → 2
    expect(
      incrementalActivations({ customers: 5, activations: 5 }, { customers: 2, activations: 1 }),
    ).toBe(2);
    // (7·3 − 1·10) / 3 = 3.67 → 4
    expect(
      incrementalActivations({ customers: 10, activations: 7 }, { customers: 3, activations: 1 }),
    ).toBe(4);
  });

  it('is never below zero, and null when an arm is empty', () => {
    expect(
      incrementalActivations({ customers: 10, activations: 1 }, { customers: 10, activations: 5 }),
    ).toBe(0);
    expect(
      incrementalActivations({ customers: 0, activations: 0 }, { customers: 10, activations: 5 }),
    ).toBeNull();
    expect(
      incrementalActivations({ customers: 10, activations: 1 }, { customers: 0, activations: 0 }),
    ).toBeNull();
  });
});
