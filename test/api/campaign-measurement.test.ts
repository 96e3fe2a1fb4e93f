import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Currency } from '../../src/core/currency.js';
import { isHeldOut, liftReport, stableHash } from '../../src/core/lift.js';
import { incrementalActivations } from '../../src/core/measure-campaign.js';
import { formatAmount } from '../../src/core/money.js';
import { prng } from '../../src/core/prng.js';
import { divideHalfEven } from '../../src/core/rounding.js';
import { deriveAll, deriveIsolating } from '../../src/engine/derive-dirty-units.js';
import { campaignPlan, campaignWorld, touchEvent } from '../support/campaign-world.js';
import { expectProblem } from '../support/expect-problem.js';
import { rowCounts } from '../support/row-counts.js';
import { testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;
type World = Awaited<ReturnType<typeof campaignWorld>>;
type Event = Record<string, unknown>;

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const DAY = 86_400_000;
/** The default plan's window: [2026-03-02, 2026-03-30). */
const START = at('2026-03-02T00:00:00Z');
const END = at('2026-03-30T00:00:00Z');

let seq = 0;
const activation = (customer: string, when: number): Event => ({
  id: `act-${++seq}`,
  type: 'activation',
  occurred_at: iso(when),
  customer: { id: customer },
});

/**
 * Customer ids `<prefix>-<n>` split by the campaign's holdout hash until each arm has its size:
 * the arms' sizes (and so every count) are the same whatever id the campaign got.
 */
function audience(
  campaignId: string,
  holdoutBps: number,
  sizes: { exposed: number; holdout: number },
  prefix: string,
) {
  const out = { exposed: [] as string[], holdout: [] as string[] };
  for (let n = 0; out.exposed.length < sizes.exposed || out.holdout.length < sizes.holdout; n++) {
    const id = `${prefix}-${n}`;
    const side = isHeldOut(campaignId, id, holdoutBps) ? 'holdout' : 'exposed';
    if (out[side].length < sizes[side]) out[side].push(id);
  }
  return out;
}

describe(`campaign measurement, target bonuses and published reports (${backend})`, () => {
  let s: Server;
  let w: World;
  beforeEach(async () => {
    s = await testServer({ now: '2026-02-15T00:00:00Z' });
    w = await campaignWorld(s);
  });
  afterEach(async () => s.close());

  const setClock = (when: string) => s.t.clock.set(at(when));

  async function plan(over: Record<string, unknown>) {
    const r = await w.ops('POST', '/v1/campaigns', campaignPlan(over));
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; code: string };
  }

  async function move(id: string, ...statuses: string[]) {
    for (const status of statuses) {
      const r = await w.ops('POST', `/v1/campaigns/${id}/status`, { status });
      expect(r.statusCode, r.body).toBe(200);
    }
  }

  async function send(events: Event[]) {
    for (let i = 0; i < events.length; i += 1000) {
      const r = await w.ops('POST', '/v1/events', { events: events.slice(i, i + 1000) });
      const rejected = (r.json().results as { status: string }[]).filter(
        (x) => x.status === 'rejected',
      );
      expect(rejected, r.body).toEqual([]);
    }
  }

  /** The campaign unit's accrual lines, in posting order. */
  async function bonusLines(campaignId: string) {
    const rows = await s.t.store.db
      .selectFrom('accrual_lines')
      .select(['partner_id', 'amount', 'rule_id', 'trace'])
      .where('unit', '=', `cm:${campaignId}`)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ partner: r.partner_id, amount: BigInt(r.amount), rule: r.rule_id }));
  }
  const sumByPartner = (lines: { partner: string; amount: bigint }[]) => {
    const out: Record<string, bigint> = {};
    for (const l of lines) out[l.partner] = (out[l.partner] ?? 0n) + l.amount;
    return out;
  };

  it('measures a 20% holdout: the arms match an independent count and the interval holds the true lift', async () => {
    const c = await plan({
      code: 'LIFT26',
      partner_ids: [w.a, w.b],
      channels: ['email', 'social'],
      holdout_percent: 20,
      expected_lift: 10,
      targets: { leads: 300, activations: 80, revenue: '1000.00' },
      cost: '3000.00',
    });
    await move(c.id, 'approved', 'live');
    setClock('2026-04-02T00:00:00Z');
    // True conversion: 10% held out, 25% exposed (a lift of 15 points). Each arm draws from
    // its own seeded stream, so the outcome does not depend on the campaign's (random) id.
    const TRUE_LIFT = 0.15;
    const people = audience(c.id, 2000, { exposed: 320, holdout: 80 }, 'lift');
    const events: Event[] = [];
    const count = {
      exposed: { customers: 0, activations: 0 },
      holdout: { customers: 0, activations: 0 },
      email: 0,
      social: 0,
    };
    for (const side of ['exposed', 'holdout'] as const) {
      // Seed 2 is one whose interval holds the true lift (95% of seeds do; see core/lift.test.ts).
      const rand = prng(stableHash(`campaign-measurement-lift-${side}-2`));
      people[side].forEach((customer, i) => {
        const channel = rand() < 0.5 ? 'email' : 'social';
        const touched = START + (i % 25) * DAY + i * 1000;
        events.push(touchEvent('LIFT26', customer, iso(touched), { channel }));
        const arm = count[side];
        arm.customers++;
        if (side === 'exposed') count[channel]++;
        if (rand() < (side === 'holdout' ? 0.1 : 0.25)) {
          events.push(activation(customer, touched + Math.floor(rand() * 2 * DAY)));
          arm.activations++;
        } else if (i % 20 === 0) {
          // Activating once the window has closed does not count.
          events.push(activation(customer, END + i * 1000));
        }
      });
    }
    // Touches outside the window are not the campaign's audience.
    events.push(touchEvent('LIFT26', 'outside-1', '2026-02-20T00:00:00Z'));
    events.push(touchEvent('LIFT26', 'outside-2', '2026-03-30T00:00:00Z'));
    await send(events);
    await move(c.id, 'completed');

    const r = await w.ops('GET', `/v1/campaigns/${c.id}/report`);
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json();
    expect(report.audience).toEqual({
      customers: 400,
      exposed: count.exposed.customers,
      holdout: count.holdout.customers,
    });
    expect(report.arms.exposed).toMatchObject(count.exposed);
    expect(report.arms.holdout).toMatchObject(count.holdout);
    expect(
      report.channels.map((x: { channel: string; customers: number }) => [x.channel, x.customers]),
    ).toEqual([
      ['email', count.email],
      ['social', count.social],
    ]);
    const expected = liftReport(
      { customers: count.exposed.customers, conversions: count.exposed.activations },
      { customers: count.holdout.customers, conversions: count.holdout.activations },
    );
    expect(report.lift.lift_points).toBeCloseTo(expected.lift * 100, 3);
    expect(report.lift.interval_points.low).toBeCloseTo(expected.interval.low * 100, 3);
    expect(report.lift.interval_points.high).toBeCloseTo(expected.interval.high * 100, 3);
    expect(report.lift.interval_points.low).toBeLessThanOrEqual(TRUE_LIFT * 100);
    expect(report.lift.interval_points.high).toBeGreaterThanOrEqual(TRUE_LIFT * 100);
    expect(report.lift.significant).toBe(true);
    expect(report.lift.expected_points).toBe(10);
    expect(report.lift.verdict).toBe(
      liftReport(
        { customers: count.exposed.customers, conversions: count.exposed.activations },
        { customers: count.holdout.customers, conversions: count.holdout.activations },
        0.1,
      ).expected?.verdict,
    );
    const incremental = incrementalActivations(count.exposed, count.holdout) as number;
    expect(report.lift.incremental_activations).toBe(incremental);
    // Plan against actual; cost per (incremental) activation in the campaign currency.
    expect(report.plan.targets.leads).toEqual({
      target: 300,
      actual: count.exposed.customers,
      attained: count.exposed.customers >= 300,
    });
    expect(report.plan.targets.activations.actual).toBe(count.exposed.activations);
    expect(report.plan.targets.revenue).toEqual({
      target: '1000.00',
      actual: '0.00',
      attained: false,
    });
    expect(report.cost).toEqual({ campaign: '3000.00', mdf_reimbursed: '0.00', total: '3000.00' });
    const cents = (n: number) =>
      formatAmount(divideHalfEven(300_000n, BigInt(n)), 'USD' as Currency);
    expect(report.cost_per_activation).toBe(cents(count.exposed.activations));
    expect(report.cost_per_incremental_activation).toBe(cents(incremental));
    expect(report.partners.map((p: { partner_id: string }) => p.partner_id)).toEqual([w.a, w.b]);
    // A partner key sees its own figures, not the others'.
    const mine = (await w.asB('GET', `/v1/campaigns/${c.id}/report`)).json();
    expect(mine.partners).toBeUndefined();
    expect(mine.partner).toMatchObject({
      partner_id: w.b,
      customers: count.exposed.customers,
      activations: count.exposed.activations,
      held_out_customers: count.holdout.customers,
    });
    // The marketplace asks before sending the creative; the answer is the report's arm.
    for (const [customer, arm] of [
      ...people.exposed.slice(0, 3).map((id) => [id, 'exposed']),
      ...people.holdout.slice(0, 3).map((id) => [id, 'holdout']),
    ]) {
      const a = await w.ops('GET', `/v1/campaigns/${c.id}/assignment?customer_id=${customer}`);
      expect(a.statusCode, a.body).toBe(200);
      expect(a.json()).toEqual({
        campaign_id: c.id,
        customer_id: customer,
        arm,
        holdout_percent: 20,
      });
    }
  });

  it('pays a stepped activation target once at the close, split between two partners, and only the difference for late activations', async () => {
    const bonuses = [
      {
        id: 'target',
        name: 'Activation target',
        metric: 'activations',
        steps: [
          { at_least: 5, pays: '500.00' },
          { at_least: 10, pays: '1200.00' },
        ],
      },
    ];
    const c = await plan({ code: 'STEP26', partner_ids: [w.a, w.b], bonuses });
    // A campaign still proposed, with the same bonus and the same results, pays nothing.
    const idle = await plan({ code: 'IDLE26', partner_ids: [w.a, w.b], bonuses });
    await move(c.id, 'approved', 'live');

    setClock('2026-03-20T00:00:00Z');
    const customers = Array.from({ length: 12 }, (_, i) => `step-${i}`);
    const touches = customers.flatMap((id, i) => [
      touchEvent('STEP26', id, iso(START + i * DAY), { channel: 'email' }),
      touchEvent('IDLE26', id, iso(START + i * DAY), { channel: 'email' }),
    ]);
    await send([
      ...touches,
      ...customers.slice(0, 7).map((id, i) => activation(id, START + i * DAY + 3_600_000)),
    ]);
    await deriveAll(s.t);
    expect(await bonusLines(c.id)).toEqual([]);
    // Parked until the window closes.
    const parked = await s.t.store.db
      .selectFrom('dirty_units')
      .select('marked_at')
      .where('unit', '=', `cm:${c.id}`)
      .executeTakeFirst();
    expect(Number(parked?.marked_at)).toBe(END);

    setClock('2026-03-31T00:00:00Z');
    await move(c.id, 'completed');
    await deriveAll(s.t);
    const closed = await bonusLines(c.id);
    expect(closed.map((l) => [l.partner, l.amount, l.rule])).toEqual(
      expect.arrayContaining([
        [w.a, 25_000n, 'target'],
        [w.b, 25_000n, 'target'],
      ]),
    );
    expect(closed).toHaveLength(2);
    const line = await s.t.store.db
      .selectFrom('accrual_lines')
      .select(['trace', 'occurred_at', 'available_at'])
      .where('unit', '=', `cm:${c.id}`)
      .where('partner_id', '=', w.a)
      .executeTakeFirstOrThrow();
    const trace = typeof line.trace === 'string' ? JSON.parse(line.trace) : line.trace;
    expect(trace.steps).toEqual([
      '7 activations in the campaign window ≥ 5 (step 1 of 2) → 500.00 USD, split between 2 partners',
      'your share: 250.00 USD',
    ]);
    expect(Number(line.occurred_at)).toBe(END);
    expect(Number(line.available_at)).toBe(END);

    // Evaluated exactly once: deriving again posts nothing.
    const again = await deriveAll(s.t);
    expect(again.lines).toBe(0);
    expect(await bonusLines(c.id)).toHaveLength(2);

    // Late activations (inside the window, received after) reach the second step: +700.00.
    setClock('2026-04-05T00:00:00Z');
    await send(customers.slice(7, 10).map((id) => activation(id, at('2026-03-29T12:00:00Z'))));
    // The worker's fallback (one unit per transaction) derives campaign units too: the customers
    // first, which mark the campaign, then the campaign.
    const customersRound = await deriveIsolating(s.t);
    expect(customersRound.parked).toEqual([]);
    const campaignRound = await deriveIsolating(s.t);
    // This campaign and the proposed one (same customers): only this one posts.
    expect(campaignRound).toMatchObject({ units: 2, lines: 2, parked: [] });
    const after = await bonusLines(c.id);
    expect(after.slice(2).map((l) => [l.partner, l.amount])).toEqual(
      expect.arrayContaining([
        [w.a, 35_000n],
        [w.b, 35_000n],
      ]),
    );
    expect(after).toHaveLength(4);
    expect(sumByPartner(after)).toEqual({ [w.a]: 60_000n, [w.b]: 60_000n });
    // An activation after the close changes nothing.
    await send([activation(customers[11] as string, at('2026-04-01T00:00:00Z'))]);
    expect((await deriveAll(s.t)).units).toBeGreaterThan(0);
    expect(await bonusLines(c.id)).toHaveLength(4);
    expect(await bonusLines(idle.id)).toEqual([]);
    expect((await w.ops('GET', `/v1/campaigns/${c.id}/report`)).json().bonuses_posted).toBe(
      '1200.00',
    );
  });

  it('pays per incremental activation only when the lift is significant', async () => {
    const lift = [
      {
        id: 'lift',
        metric: 'incremental_activations',
        per: '20.00',
        require_significant: true,
      },
    ];
    const strong = await plan({
      code: 'STRONG',
      partner_ids: [w.a],
      holdout_percent: 30,
      bonuses: lift,
    });
    const flat = await plan({
      code: 'FLAT',
      partner_ids: [w.c],
      holdout_percent: 30,
      bonuses: lift,
    });
    await move(strong.id, 'approved', 'live');
    await move(flat.id, 'approved', 'live');
    setClock('2026-04-01T00:00:00Z');
    const events: Event[] = [];
    const arms = {
      strong: {
        exposed: { customers: 0, activations: 0 },
        holdout: { customers: 0, activations: 0 },
      },
      flat: {
        exposed: { customers: 0, activations: 0 },
        holdout: { customers: 0, activations: 0 },
      },
    };
    for (const [name, c] of [
      ['strong', strong],
      ['flat', flat],
    ] as const) {
      const people = audience(c.id, 3000, { exposed: 140, holdout: 60 }, name);
      for (const side of ['exposed', 'holdout'] as const) {
        people[side].forEach((customer, i) => {
          const when = START + (i % 20) * DAY;
          events.push(touchEvent(c.code, customer, iso(when)));
          const arm = arms[name][side];
          arm.customers++;
          // Strong: 60% of exposed activate against 10% of held out; flat: every fifth, either arm.
          const converts = name === 'strong' ? i % 10 < (side === 'holdout' ? 1 : 6) : i % 5 === 0;
          if (converts) {
            events.push(activation(customer, when + DAY));
            arm.activations++;
          }
        });
      }
    }
    await send(events);
    await move(strong.id, 'completed');
    await move(flat.id, 'completed');
    await deriveAll(s.t);

    const incremental = incrementalActivations(arms.strong.exposed, arms.strong.holdout) as number;
    expect(incremental).toBeGreaterThan(0);
    const strongReport = (await w.ops('GET', `/v1/campaigns/${strong.id}/report`)).json();
    expect(strongReport.lift.significant).toBe(true);
    expect(strongReport.lift.incremental_activations).toBe(incremental);
    expect(sumByPartner(await bonusLines(strong.id))).toEqual({
      [w.a]: BigInt(incremental) * 2000n,
    });

    const flatReport = (await w.ops('GET', `/v1/campaigns/${flat.id}/report`)).json();
    expect(flatReport.arms.exposed).toMatchObject(arms.flat.exposed);
    expect(flatReport.lift.significant).toBe(false);
    expect(await bonusLines(flat.id)).toEqual([]);
  });

  it('publishes a completed campaign report to the whole partner network', async () => {
    const c = await plan({ code: 'PUB26', partner_ids: [w.a, w.c], cost: '800.00' });
    await move(c.id, 'approved', 'live');
    // pub-1: a webinar touch (for both partners), an activation and 120.00 less a 20.00 refund;
    // pub-2: a visit through partner C's campaign link, quoted by its signup.
    setClock('2026-03-10T00:00:00Z');
    const link = await w.ops('POST', `/v1/campaigns/${c.id}/links`, {
      partner_id: w.c,
      destination: 'https://shop.example/webinars',
    });
    expect(link.statusCode, link.body).toBe(201);
    const visit = await s.app.inject({
      method: 'GET',
      url: `/r/${link.json().code}`,
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' },
    });
    await s.app.tracker.flush();
    const clickId = new URL(visit.headers.location as string).searchParams.get('tdm_click');
    expect(clickId).toBeTruthy();
    const money = { currency: 'USD' };
    await send([
      touchEvent('PUB26', 'pub-1', '2026-03-05T00:00:00Z', { channel: 'webinar' }),
      activation('pub-1', at('2026-03-06T00:00:00Z')),
      {
        id: 'pay-1',
        type: 'payment',
        occurred_at: '2026-03-07T00:00:00Z',
        customer: { id: 'pub-1' },
        ...money,
        revenue: '120.00',
      },
      {
        id: 'ref-1',
        type: 'refund',
        occurred_at: '2026-03-08T00:00:00Z',
        customer: { id: 'pub-1' },
        ...money,
        revenue: '20.00',
        payment_id: 'pay-1',
      },
      {
        id: 'sig-2',
        type: 'signup',
        occurred_at: '2026-03-10T00:00:00Z',
        customer: { id: 'pub-2' },
        click_id: clickId,
      },
    ]);
    // MDF for the campaign (written by the MDF feature; here straight into its tables):
    // 300.00 approved and not yet claimed, 250.00 approved of which 200.00 was reimbursed.
    const program = (await w.ops('GET', `/v1/campaigns/${c.id}`)).json().program_id as string;
    const now = at('2026-03-10T00:00:00Z');
    await s.t.store.db
      .insertInto('mdf_pools')
      .values({
        id: 'mdp_1',
        program_id: program,
        quarter: '2026-Q1',
        scope: 'program',
        tier_id: null,
        partner_id: null,
        scope_key: 'program',
        currency: 'USD',
        amount: 1_000_000n,
        created_by: 'test',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const request = (id: string, status: string, approved: bigint, reimbursed: bigint | null) => ({
      id,
      pool_id: 'mdp_1',
      campaign_id: c.id,
      partner_id: w.a,
      currency: 'USD',
      requested: approved,
      approved,
      claimed: reimbursed,
      reimbursed,
      status,
      description: 'Webinar production',
      claim_deadline: null,
      proof: null,
      tx_id: null,
      requested_by: 'test',
      decided_by: null,
      decided_at: null,
      decision_note: null,
      claimed_at: null,
      claim_decided_by: null,
      claim_decided_at: null,
      claim_note: null,
      created_at: now,
      updated_at: now,
    });
    await s.t.store.db
      .insertInto('mdf_requests')
      .values([
        request('mdr_1', 'approved', 30_000n, null),
        request('mdr_2', 'reimbursed', 25_000n, 20_000n),
        request('mdr_3', 'rejected', 90_000n, null),
      ])
      .execute();
    setClock('2026-04-01T00:00:00Z');
    const live = (await w.ops('GET', `/v1/campaigns/${c.id}/report`)).json();
    expect(live).toMatchObject({
      audience: { customers: 2, exposed: 2, holdout: 0 },
      arms: { exposed: { customers: 2, signups: 1, activations: 1, revenue: '100.00' } },
      channels: [
        { channel: 'partner_site', customers: 1, signups: 1, activations: 0, revenue: '0.00' },
        { channel: 'webinar', customers: 1, signups: 0, activations: 1, revenue: '100.00' },
      ],
      cost: { campaign: '800.00', mdf_reimbursed: '200.00', total: '1000.00' },
      mdf: { approved: '550.00', spent: '200.00' },
      cost_per_activation: '1000.00',
      cost_per_incremental_activation: null,
      lift: null,
    });
    expect(Object.keys(live.notes).sort()).toEqual(['cost_per_incremental_activation', 'lift']);
    expect(
      live.partners.map((p: { partner_id: string; customers: number; signups: number }) => [
        p.partner_id,
        p.customers,
        p.signups,
      ]),
    ).toEqual([
      [w.a, 1, 0],
      [w.c, 2, 1],
    ]);
    const story = { title: 'How a webinar series activated sellers', body: '## What we did\n…' };
    const before = await rowCounts(s.t.store.db, ['campaign_reports']);
    const early = await w.ops('POST', `/v1/campaigns/${c.id}/reports`, story);
    expectProblem(early, 409, 'invalid_campaign_transition');
    expect(await rowCounts(s.t.store.db, ['campaign_reports'])).toEqual(before);

    await move(c.id, 'completed');
    const first = await w.ops('POST', `/v1/campaigns/${c.id}/reports`, story);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      campaign_id: c.id,
      campaign_code: 'PUB26',
      title: story.title,
      version: 1,
      body: story.body,
    });
    expect(first.json().snapshot).toMatchObject({
      campaign: { id: c.id, status: 'reported' },
      audience: live.audience,
      channels: live.channels,
      cost_per_activation: '1000.00',
    });
    expect(first.json().snapshot.partners).toBeUndefined();
    expect((await w.ops('GET', `/v1/campaigns/${c.id}`)).json().status).toBe('reported');
    s.t.clock.advance(60_000);
    const second = await w.ops('POST', `/v1/campaigns/${c.id}/reports`, {
      title: 'Update: three months on',
      body: 'Still activating.',
    });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().version).toBe(2);

    // Partner B runs other campaigns, not this one: it reads what was published all the same.
    const list = await w.asB('GET', '/v1/campaign-reports');
    expect(list.statusCode, list.body).toBe(200);
    expect(
      list.json().data.map((x: { title: string; version: number }) => [x.title, x.version]),
    ).toEqual([
      ['Update: three months on', 2],
      [story.title, 1],
    ]);
    expect(list.json().data[0].body).toBeUndefined();
    const one = await w.asB('GET', `/v1/campaign-reports/${first.json().id}`);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toMatchObject({
      body: story.body,
      snapshot: { cost: { total: '1000.00' } },
    });
    // … but not the live report of a campaign it does not run.
    expectProblem(await w.asB('GET', `/v1/campaigns/${c.id}/report`), 404, 'campaign_not_found');
    const paged = await w.asB('GET', '/v1/campaign-reports?limit=1');
    expect(paged.json().data).toHaveLength(1);
    const next = await w.asB(
      'GET',
      `/v1/campaign-reports?limit=1&after=${paged.json().next_cursor}`,
    );
    expect(next.json().data.map((x: { version: number }) => x.version)).toEqual([1]);
  });

  it('refuses bad input with 4xx and changes nothing', async () => {
    const c = await plan({ code: 'BAD26', partner_ids: [w.a] });
    await move(c.id, 'approved', 'live', 'completed');
    const tables = ['campaigns', 'campaign_reports', 'campaign_status_history', 'audit_log'];
    const before = await rowCounts(s.t.store.db, tables);
    const statusBefore = (await w.ops('GET', `/v1/campaigns/${c.id}`)).json().status;
    const bad: [Awaited<ReturnType<World['ops']>>, number, string][] = [
      [
        await w.ops('POST', `/v1/campaigns/${c.id}/reports`, { title: '', body: 'x' }),
        400,
        'validation_failed',
      ],
      [
        await w.ops('POST', `/v1/campaigns/${c.id}/reports`, { title: '   ', body: 'x' }),
        400,
        'validation_failed',
      ],
      [
        await w.ops('POST', `/v1/campaigns/${c.id}/reports`, {
          title: 'Long',
          body: 'x'.repeat(20_001),
        }),
        400,
        'validation_failed',
      ],
      [
        await w.ops('POST', '/v1/campaigns/cmp_nope/reports', { title: 'T', body: 'x' }),
        404,
        'campaign_not_found',
      ],
      [
        await w.asA('POST', `/v1/campaigns/${c.id}/reports`, { title: 'T', body: 'x' }),
        403,
        'forbidden',
      ],
      [await w.asB('GET', `/v1/campaigns/${c.id}/report`), 404, 'campaign_not_found'],
      [await w.ops('GET', `/v1/campaigns/${c.id}/assignment`), 400, 'validation_failed'],
      [await w.asA('GET', `/v1/campaigns/${c.id}/assignment?customer_id=x`), 403, 'forbidden'],
      [
        await w.ops('GET', '/v1/campaigns/cmp_nope/assignment?customer_id=x'),
        404,
        'campaign_not_found',
      ],
      [await w.asA('GET', '/v1/campaign-reports/crp_nope'), 404, 'report_not_found'],
    ];
    for (const [r, status, code] of bad) expectProblem(r, status, code);
    expect(await rowCounts(s.t.store.db, tables)).toEqual(before);
    expect((await w.ops('GET', `/v1/campaigns/${c.id}`)).json().status).toBe(statusBefore);
  });
});
