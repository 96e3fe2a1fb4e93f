import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { campaignPlan, campaignWorld, touchEvent } from '../support/campaign-world.js';
import { rowCounts } from '../support/row-counts.js';
import { testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;
const TABLES = ['campaigns', 'campaign_partners', 'campaign_status_history', 'events', 'links'];

describe(`campaigns (${backend})`, () => {
  let s: Server;
  let w: Awaited<ReturnType<typeof campaignWorld>>;
  beforeEach(async () => {
    s = await testServer({ now: '2026-02-15T00:00:00Z' });
    w = await campaignWorld(s);
  });
  afterEach(async () => s.close());

  it('a partner proposes, the operator approves, and the campaign moves through its statuses in order', async () => {
    const proposed = await w.asA('POST', '/v1/campaigns', campaignPlan({ code: 'spring26' }));
    expect(proposed.statusCode).toBe(201);
    const c = proposed.json();
    expect(c).toMatchObject({
      code: 'SPRING26',
      status: 'proposed',
      currency: 'USD',
      cost: '0.00',
      holdout_percent: 0,
      expected_lift: 2,
      partners: [{ partner_id: w.a, role: 'lead' }],
      next_statuses: ['approved', 'rejected', 'cancelled'],
    });
    // The partner cannot approve its own proposal; another partner cannot see it.
    expect(
      (await w.asA('POST', `/v1/campaigns/${c.id}/status`, { status: 'approved' })).statusCode,
    ).toBe(403);
    expect((await w.asB('GET', `/v1/campaigns/${c.id}`)).statusCode).toBe(404);
    // The operator adds partner B and approves; the partner's proposal is then the operator's.

    const patched = await w.ops('PATCH', `/v1/campaigns/${c.id}`, { partner_ids: [w.a, w.b] });
    expect(patched.json().partners).toEqual([
      { partner_id: w.a, role: 'lead' },
      { partner_id: w.b, role: 'member' },
    ]);
    await w.ops('POST', `/v1/campaigns/${c.id}/status`, { status: 'approved' });
    const late = await w.asA('PATCH', `/v1/campaigns/${c.id}`, { holdout_percent: 50 });
    expect([late.statusCode, late.json().code]).toEqual([409, 'campaign_locked']);
    const withdraw = await w.asA('POST', `/v1/campaigns/${c.id}/status`, { status: 'cancelled' });
    expect([withdraw.statusCode, withdraw.json().code]).toEqual([
      409,
      'invalid_campaign_transition',
    ]);
    for (const status of ['live', 'completed', 'reported']) {
      const r = await w.ops('POST', `/v1/campaigns/SPRING26/status`, {
        status,
        note: `to ${status}`,
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().status).toBe(status);
    }
    const history = (await w.asB('GET', `/v1/campaigns/${c.id}/history`)).json().data;
    expect(history.map((h: { status: string }) => h.status)).toEqual([
      'proposed',
      'approved',
      'live',
      'completed',
      'reported',
    ]);
  });

  it('refuses skipped steps, steps back and bad plans with 4xx, changing nothing', async () => {
    const c = (await w.ops('POST', '/v1/campaigns', campaignPlan({ partner_ids: [w.a] }))).json();
    const before = await rowCounts(s.t.store.db, TABLES);
    const bad: [string, string, unknown, number, string][] = [
      [
        'POST',
        `/v1/campaigns/${c.id}/status`,
        { status: 'live' },
        409,
        'invalid_campaign_transition',
      ],
      [
        'POST',
        `/v1/campaigns/${c.id}/status`,
        { status: 'proposed' },
        409,
        'invalid_campaign_transition',
      ],
      [
        'POST',
        `/v1/campaigns/${c.id}/status`,
        { status: 'reported' },
        409,
        'invalid_campaign_transition',
      ],
      [
        'POST',
        '/v1/campaigns',
        campaignPlan({ partner_ids: [w.a], holdout_percent: 60 }),
        400,
        'validation_failed',
      ],
      [
        'POST',
        '/v1/campaigns',
        campaignPlan({ partner_ids: [w.a], holdout_percent: -1 }),
        400,
        'validation_failed',
      ],
      [
        'POST',
        '/v1/campaigns',
        campaignPlan({ partner_ids: [w.a], ends_at: '2026-03-01T00:00:00Z' }),
        400,
        'validation_failed',
      ],
      [
        'POST',
        '/v1/campaigns',
        campaignPlan({ partner_ids: [w.a], channels: ['billboard'] }),
        400,
        'validation_failed',
      ],
      [
        'POST',
        '/v1/campaigns',
        campaignPlan({ partner_ids: [w.a], ends_at: '2027-04-01T00:00:00Z' }),
        400,
        'validation_failed',
      ],
      [
        'POST',
        '/v1/campaigns',
        campaignPlan({ partner_ids: [w.a], starts_at: '1900-01-01T00:00:00Z' }),
        400,
        'validation_failed',
      ],
      [
        'POST',
        '/v1/campaigns',
        campaignPlan({ partner_ids: ['ptn_nobody'] }),
        404,
        'partner_not_found',
      ],
      [
        'POST',
        '/v1/campaigns',
        campaignPlan({ code: c.code, partner_ids: [w.a] }),
        409,
        'campaign_code_taken',
      ],
      [
        'POST',
        '/v1/campaigns',
        campaignPlan({
          partner_ids: [w.a],
          bonuses: [{ id: 'lift', metric: 'incremental_activations', per: '10.00' }],
        }),
        400,
        'validation_failed',
      ],
      [
        'POST',
        '/v1/campaigns',
        campaignPlan({
          partner_ids: [w.a],
          bonuses: [
            { id: 'target', metric: 'activations', steps: [{ at_least: 5, pays: '500.005' }] },
          ],
        }),
        400,
        'validation_failed',
      ],
      [
        'POST',
        '/v1/events',
        { events: [touchEvent('NOSUCH', 'cus-1', '2026-02-10T00:00:00Z')] },
        207,
        'unknown_campaign',
      ],
    ];
    for (const [method, url, body, status, code] of bad) {
      const r = await w.ops(method as 'POST', url, body);
      if (status === 207) {
        const item = r.json().results?.[0] ?? r.json();
        expect(item.error?.code ?? item.code, r.body).toBe(code);
        continue;
      }
      expect(r.statusCode, `${url} ${JSON.stringify(body)}: ${r.body}`).toBe(status);
      expect(r.json().code).toBe(code);
    }
    // A partner proposing for another partner is refused.
    const forOther = await w.asA('POST', '/v1/campaigns', campaignPlan({ partner_ids: [w.b] }));
    expect(forOther.statusCode).toBe(403);
    expect(await rowCounts(s.t.store.db, TABLES)).toEqual(before);
  });

  it('a shortened window brings its bonus evaluation forward', async () => {
    const bonuses = [{ id: 't', metric: 'activations', steps: [{ at_least: 1, pays: '10.00' }] }];
    const c = (
      await w.ops('POST', '/v1/campaigns', campaignPlan({ partner_ids: [w.a], bonuses }))
    ).json();
    await w.ops('POST', `/v1/campaigns/${c.id}/status`, { status: 'approved' });
    await deriveAll(s.t);
    const parkedUntil = async () =>
      Number(
        (
          await s.t.store.db
            .selectFrom('dirty_units')
            .select('marked_at')
            .where('unit', '=', `cm:${c.id}`)
            .executeTakeFirst()
        )?.marked_at,
      );
    expect(await parkedUntil()).toBe(Date.parse('2026-03-30T00:00:00Z'));
    const shorter = await w.ops('PATCH', `/v1/campaigns/${c.id}`, {
      ends_at: '2026-03-16T00:00:00Z',
    });
    expect(shorter.statusCode, shorter.body).toBe(200);
    await deriveAll(s.t);
    expect(await parkedUntil()).toBe(Date.parse('2026-03-16T00:00:00Z'));
  });

  it('stores campaign touches by code or UTM and gives a campaign tracking link its code as utm_campaign', async () => {
    const c = (
      await w.ops(
        'POST',
        '/v1/campaigns',
        campaignPlan({ code: 'WEB-26', partner_ids: [w.a, w.b] }),
      )
    ).json();
    const r = await w.ops('POST', '/v1/events', {
      events: [
        touchEvent('web-26', 'cus-1', '2026-02-10T00:00:00Z', { channel: 'email' }),
        {
          ...touchEvent('x', 'cus-2', '2026-02-10T00:00:00Z'),
          campaign: undefined,
          utm: { campaign: 'WEB-26', medium: 'newsletter' },
        },
        touchEvent('WEB-26', 'cus-3', '2026-02-10T00:00:00Z', { partner_id: w.c }),
      ],
    });
    const results = r.json().results;
    expect(results.map((x: { status: string }) => x.status)).toEqual([
      'accepted',
      'accepted',
      'rejected',
    ]);
    const rows = await s.t.store.db
      .selectFrom('events')
      .select(['customer_id', 'campaign_id'])
      .where('type', '=', 'campaign.touch')
      .orderBy('customer_id')
      .execute();
    expect(rows).toEqual([
      { customer_id: 'cus-1', campaign_id: c.id },
      { customer_id: 'cus-2', campaign_id: c.id },
    ]);
    const link = await w.asB('POST', `/v1/campaigns/${c.id}/links`, {
      destination: 'https://shop.example/spring',
    });
    expect(link.statusCode, link.body).toBe(201);
    expect(link.json()).toMatchObject({ partner_id: w.b, campaign_id: c.id });
    expect(link.json().destination).toContain('utm_campaign=WEB-26');
  });
});

describe(`credit shared between partners through the API (${backend})`, () => {
  let s: Server;
  let w: Awaited<ReturnType<typeof campaignWorld>>;
  beforeEach(async () => {
    s = await testServer({ now: '2026-03-20T00:00:00Z' });
    w = await campaignWorld(s, {
      currency: 'USD',
      hold_days: 0,
      attribution: { window_days: 60, credit: { split: 'shapley' } },
      rewards: [{ id: 'activation', event: 'activation', flat: '50.00' }],
    });
  });
  afterEach(async () => s.close());

  it("splits a conversion between a campaign's partners and a referral partner, and each sees only its own share", async () => {
    const c = (
      await w.ops('POST', '/v1/campaigns', campaignPlan({ code: 'DUO', partner_ids: [w.a, w.b] }))
    ).json();
    await w.ops('POST', `/v1/campaigns/${c.id}/status`, { status: 'approved' });
    const code = await w.api('POST', `/v1/partners/${w.c}/codes`, {
      program: 'co',
      kind: 'coupon',
      code: 'COBALT10',
    });
    expect(code.statusCode, code.body).toBe(201);
    const sent = await w.ops('POST', '/v1/events', {
      events: [
        touchEvent('DUO', 'cus-duo', '2026-03-03T10:00:00Z', { channel: 'webinar' }),
        {
          id: 'act-duo',
          type: 'activation',
          occurred_at: '2026-03-04T10:00:00Z',
          customer: { id: 'cus-duo' },
          coupon: 'COBALT10',
        },
      ],
    });
    expect(sent.json().accepted).toBe(2);
    await deriveAll(s.t);
    // Campaign touch strength 20% for A and B each, coupon 60% for C:
    // v = 1 − Π(1 − s); Shapley gives A = B, C more; the three sum to 50.00 exactly.
    const lines = await s.t.store.db
      .selectFrom('accrual_lines')
      .select(['partner_id', 'amount'])
      .where('customer_id', '=', 'cus-duo')
      .execute();
    const amounts = Object.fromEntries(lines.map((l) => [l.partner_id, Number(l.amount)]));
    expect(amounts[w.a]).toBe(amounts[w.b]);
    expect((amounts[w.c] as number) > (amounts[w.a] as number)).toBe(true);
    expect(Object.values(amounts).reduce((x, y) => x + y, 0)).toBe(5000);

    const seenRes = await w.asA('GET', `/v1/partners/${w.a}/customers`);
    expect(seenRes.statusCode, seenRes.body).toBe(200);
    const seen = seenRes.json().data;
    expect(seen, JSON.stringify(seen)).toHaveLength(1);
    expect(seen[0].reason, JSON.stringify(seen)).toHaveProperty('credit');
    expect(seen[0].reason.credit).toMatchObject({ split: 'shapley', partners: 3 });
    expect(seen[0].reason.credit.why).toMatch(
      /^you received \d+(\.\d+)?% of this conversion because/,
    );
    expect(JSON.stringify(seen)).not.toContain(w.c);
    expect(JSON.stringify(seen)).not.toContain(w.b);
    const accruals = (await w.asA('GET', `/v1/partners/${w.a}/accruals`)).json().data;
    expect(accruals[0].trace.credit.your_percent).toBe(seen[0].reason.credit.your_percent);
    // The operator sees every share on the customer's attribution.
    const customer = (await w.api('GET', '/v1/customers/cus-duo')).json();
    expect(
      customer.attributions[0].reason.credit.shares
        .map((x: { partner_id: string }) => x.partner_id)
        .sort(),
    ).toEqual([w.a, w.b, w.c].sort());
  });
});

describe(`shared credit under a budget and partner caps (${backend})`, () => {
  let s: Server;
  let w: Awaited<ReturnType<typeof campaignWorld>>;
  beforeEach(async () => {
    s = await testServer({ now: '2026-03-20T00:00:00Z' });
    w = await campaignWorld(s, {
      currency: 'USD',
      hold_days: 0,
      attribution: { window_days: 30, credit: { split: 'position' } },
      caps: { per_partner_per_month: '100.00' },
      budget: { monthly: '100.00', when_exhausted: 'stop' },
      rewards: [{ id: 'act', event: 'activation', flat: '80.00' }],
    });
  });
  afterEach(async () => s.close());

  it("never pays more than the budget, whoever shares the conversions, and a partner's cap once", async () => {
    for (const [partner, kind, code] of [
      [w.a, 'referral_code', 'AAA1'],
      [w.b, 'coupon', 'BBB1'],
      [w.c, 'coupon', 'CCC1'],
    ] as const)
      await w.api('POST', `/v1/partners/${partner}/codes`, { program: 'co', kind, code });
    const events = [];
    for (let i = 0; i < 5; i++) {
      const customer = { id: `shared-${i}` };
      events.push(
        {
          id: `s${i}`,
          type: 'signup',
          occurred_at: `2026-03-0${i + 1}T10:00:00Z`,
          customer,
          referral_code: 'AAA1',
          coupon: 'BBB1',
        },
        { id: `a${i}`, type: 'activation', occurred_at: `2026-03-0${i + 1}T11:00:00Z`, customer },
      );
    }
    for (let i = 5; i < 8; i++) {
      const customer = { id: `alone-${i}` };
      events.push(
        {
          id: `s${i}`,
          type: 'signup',
          occurred_at: `2026-03-1${i}T10:00:00Z`,
          customer,
          coupon: 'CCC1',
        },
        { id: `a${i}`, type: 'activation', occurred_at: `2026-03-1${i}T11:00:00Z`, customer },
      );
    }
    expect((await w.ops('POST', '/v1/events', { events })).json().accepted).toBe(16);
    await deriveAll(s.t);
    const lines = await s.t.store.db
      .selectFrom('accrual_lines')
      .select(['partner_id', 'unit', 'amount'])
      .execute();
    const total = lines.reduce((sum, l) => sum + Number(l.amount), 0);
    const perPartner = (p: string) =>
      lines.filter((l) => l.partner_id === p).reduce((x, l) => x + Number(l.amount), 0);
    expect(total).toBe(10_000);
    for (const p of [w.a, w.b, w.c]) expect(perPartner(p)).toBeLessThanOrEqual(10_000);
    // Every part of a shared conversion is settled in the program-month, where the budget is.
    expect(new Set(lines.map((l) => l.unit.split(':')[0]))).toEqual(new Set(['bm']));
  });
});
