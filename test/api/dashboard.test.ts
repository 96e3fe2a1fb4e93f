import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { expectProblem } from '../support/expect-problem.js';
import { expectSummariesMatch } from '../support/expect-summaries.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

const NOW = '2026-03-10T12:00:00Z';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36';
const TERMS = {
  currency: 'USD',
  hold_days: 0,
  rewards: [
    { id: 'signup-bonus', event: 'signup', flat: '5.00' },
    { id: 'revenue-share', event: 'payment', percent: 10 },
  ],
};

type Server = Awaited<ReturnType<typeof testServer>>;
let s: Server;
let admin: ReturnType<typeof apiClient>;
const partners: Record<string, { id: string; key: string }> = {};

/** A visit through the partner's link, a signup on `day` and payments; the worker derives. */
async function customer(name: string, linkCode: string, day: string, payments: string[]) {
  s.t.clock.set(Date.parse(`${day}T09:00:00Z`));
  const visit = await s.app.inject({
    method: 'GET',
    url: `/r/${linkCode}`,
    headers: { 'user-agent': BROWSER },
  });
  const clickId = new URL(visit.headers.location as string).searchParams.get('tdm_click');
  await s.app.tracker.flush();
  s.t.clock.set(Date.parse(NOW));
  const r = await admin('POST', '/v1/events', {
    events: [
      {
        id: `${name}-su`,
        type: 'signup',
        occurred_at: `${day}T10:00:00Z`,
        customer: { id: name },
        click_id: clickId,
      },
      ...payments.map((revenue, i) => ({
        id: `${name}-pay-${i}`,
        type: 'payment',
        occurred_at: `${day}T11:00:00Z`,
        customer: { id: name },
        currency: 'USD',
        revenue,
      })),
    ],
  });
  expect(r.json().accepted).toBe(1 + payments.length);
}

beforeAll(async () => {
  s = await testServer({ now: '2026-01-01T00:00:00Z' });
  admin = apiClient(s);
  const program = await admin('POST', '/v1/programs', {
    key: 'ref',
    name: 'Referrals',
    version: { effective_from: '2026-01-01T00:00:00Z', terms: TERMS },
  });
  expect(program.statusCode, program.body).toBe(201);
  s.t.clock.set(Date.parse(NOW));
  for (const name of ['alpha', 'beta']) {
    const p = (
      await admin('POST', '/v1/partners', { name, status: 'approved', programs: ['ref'] })
    ).json();
    const key = (await admin('POST', '/v1/api-keys', { name, partner_id: p.id })).json();
    const link = (
      await admin('POST', `/v1/partners/${p.id}/links`, {
        program: 'ref',
        destination: 'https://market.test/join',
      })
    ).json();
    partners[name] = { id: p.id, key: key.key };
    (partners[name] as { link?: string }).link = link.code;
  }
  const link = (n: string) => (partners[n] as unknown as { link: string }).link;
  await customer('c1', link('alpha'), '2026-03-08', ['100.00']);
  await customer('c2', link('alpha'), '2026-03-09', ['40.00', '60.00']);
  await customer('c3', link('beta'), '2026-03-09', ['200.00']);
  s.t.clock.set(Date.parse(NOW));
  // A bot's visit counts as a bot click, not a click.
  await s.app.inject({
    method: 'GET',
    url: `/r/${link('beta')}`,
    headers: { 'user-agent': 'curl/8.0' },
  });
  await s.app.tracker.flush();
  await deriveAll(s.t);
});
afterAll(() => s.close());

describe(`dashboard and overview summaries (${backend})`, () => {
  it("a partner's dashboard sums its own days: clicks, conversions, revenue, earnings, balances", async () => {
    const alpha = partners.alpha as { id: string; key: string };
    const r = await apiClient(s, alpha.key)(
      'GET',
      `/v1/partners/${alpha.id}/dashboard?from=2026-03-08&to=2026-03-10`,
    );
    expect(r.statusCode, r.body).toBe(200);
    const d = r.json();
    expect(d.totals).toEqual({
      clicks: 2,
      bot_clicks: 0,
      signups: 2,
      activations: 0,
      payments: 3,
      refunds: 0,
      revenue: { USD: '200.00' },
      earnings: { USD: '30.00' },
    });
    expect(d.series.map((x: { date: string }) => x.date)).toEqual(['2026-03-08', '2026-03-09']);
    expect(d.series[1]).toMatchObject({
      signups: 1,
      payments: 2,
      revenue: { USD: '100.00' },
      earnings: { USD: '15.00' },
    });
    // The summary's balances are the ledger's.
    const exact = (await admin('GET', `/v1/partners/${alpha.id}/balances`)).json();
    expect(d.balances).toEqual(exact.balances);
    expect(d.balances[0]).toMatchObject({ currency: 'USD', available: '30.00' });
  });

  it("defaults to the last 30 days, and a partner cannot read another's", async () => {
    const alpha = partners.alpha as { id: string; key: string };
    const beta = partners.beta as { id: string; key: string };
    const d = (await apiClient(s, beta.key)('GET', `/v1/partners/${beta.id}/dashboard`)).json();
    expect(d.series).toHaveLength(30);
    expect(d.totals).toMatchObject({
      clicks: 1,
      bot_clicks: 1,
      signups: 1,
      payments: 1,
      earnings: { USD: '25.00' },
    });
    const links = (await apiClient(s, beta.key)('GET', `/v1/partners/${beta.id}/links`)).json();
    expect(links.data).toMatchObject([{ clicks: 1, bot_clicks: 1 }]);
    expectProblem(
      await apiClient(s, beta.key)('GET', `/v1/partners/${alpha.id}/dashboard`),
      404,
      'partner_not_found',
    );
    expectProblem(await apiClient(s, beta.key)('GET', '/v1/overview'), 403, 'forbidden');
    expectProblem(
      await admin('GET', `/v1/partners/${alpha.id}/dashboard?from=2026-03-10&to=2026-03-01`),
      400,
      'validation_failed',
    );
  });

  it('a range that cuts days counts only what happened inside it', async () => {
    const alpha = partners.alpha as { id: string; key: string };
    const r = await admin(
      'GET',
      `/v1/partners/${alpha.id}/stats?from=2026-03-08T10:30:00Z&to=2026-03-09T10:30:00Z`,
    );
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().data).toEqual([
      {
        date: '2026-03-08',
        clicks: 0,
        bot_clicks: 0,
        signups: 0,
        activations: 0,
        payments: 1,
        refunds: 0,
        revenue: { USD: '100.00' },
      },
      {
        date: '2026-03-09',
        clicks: 1,
        bot_clicks: 0,
        signups: 1,
        activations: 0,
        payments: 0,
        refunds: 0,
        revenue: {},
      },
    ]);
    const whole = (
      await admin('GET', `/v1/partners/${alpha.id}/stats?from=2026-03-08&to=2026-03-10`)
    ).json().data;
    expect(
      whole.map((d: { signups: number; payments: number }) => [d.signups, d.payments]),
    ).toEqual([
      [1, 1],
      [1, 2],
    ]);
  });

  it('the overview adds up every partner and what they are owed', async () => {
    const r = await admin('GET', '/v1/overview?from=2026-03-01&to=2026-03-11');
    expect(r.statusCode, r.body).toBe(200);
    const o = r.json();
    expect(o).toMatchObject({
      attributed_revenue: { USD: '400.00' },
      incentive_cost: { USD: '55.00' },
      cost_share: { USD: '13.75' },
      active_partners: 2,
      partners_by_status: { approved: 2 },
      conversions: { signups: 3, activations: 0, payments: 4, refunds: 0 },
      clicks: 3,
      liabilities: { available: { USD: '55.00' } },
    });
    expect(o.series).toHaveLength(10);
    expect(o.series.find((x: { date: string }) => x.date === '2026-03-09')).toMatchObject({
      revenue: { USD: '300.00' },
      cost: { USD: '40.00' },
      signups: 2,
    });
    await expectSummariesMatch(s.t);
  });

  it('a refund lowers revenue and earnings on the day of the payment it reverses', async () => {
    const r = await admin('POST', '/v1/events', {
      events: [
        {
          id: 'c3-refund',
          type: 'refund',
          occurred_at: '2026-03-10T09:00:00Z',
          customer: { id: 'c3' },
          currency: 'USD',
          revenue: '200.00',
          payment_id: 'c3-pay-0',
        },
      ],
    });
    expect(r.statusCode, r.body).toBeLessThan(300);
    await deriveAll(s.t);
    await expectSummariesMatch(s.t);
    const beta = partners.beta as { id: string; key: string };
    const d = (
      await admin('GET', `/v1/partners/${beta.id}/dashboard?from=2026-03-01&to=2026-03-11`)
    ).json();
    const exact = (await admin('GET', `/v1/partners/${beta.id}/balances`)).json();
    expect(d.balances).toEqual(exact.balances);
    expect(d.totals.refunds).toBe(1);
  });
});
