import { afterEach, describe, expect, it } from 'vitest';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { releaseAllDue } from '../../src/engine/release-holds.js';
import { testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';
import { workedExampleTerms } from '../support/worked-example.js';

// The worked example of src/engine/worked-example.test.ts, done entirely over
// HTTP: a seller referred through a real redirect earns 10.00 for activating
// and 20% of revenue for its first year (one month refunded), each amount
// available 30 days after its event.

type Server = Awaited<ReturnType<typeof testServer>>;

interface Accrual {
  id: string;
  kind: string;
  rule_id: string;
  amount: string;
  occurred_at: string;
  available_at: string;
  version_id: string;
  status: string;
  trace: {
    program: { id: string; version_id: string; version: number };
    rule: { id: string; event: string; pays: string };
    event: { external_id: string; type: string };
    attribution: { partner_id: string; touch_kind: string; touch_ref: string };
    inputs: Record<string, string>;
    steps: string[];
    hold_days: number;
    available_at: string;
  };
}

const at = (day: string) => Date.parse(`${day}T12:00:00Z`);

const api = (s: Server, method: 'GET' | 'POST', url: string, body?: unknown) =>
  s.app.inject({
    method,
    url,
    headers: s.auth,
    ...(body === undefined ? {} : { payload: body as object }),
  });

async function balances(s: Server, partnerId: string) {
  await releaseAllDue(s.t);
  const r = await api(s, 'GET', `/v1/partners/${partnerId}/balances`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().balances;
}

describe(`the worked example over HTTP (${backend})`, () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('pays 10.00 + 11 × 20.00 = 230.00, released as each hold ends', async () => {
    s = await testServer({ now: '2025-12-01T12:00:00Z' });
    const program = await api(s, 'POST', '/v1/programs', {
      key: 'referrals',
      name: 'Referrals',
      version: {
        effective_from: '2026-01-01T00:00:00Z',
        terms: workedExampleTerms,
      },
    });
    expect(program.statusCode, program.body).toBe(201);
    const versionId = program.json().versions[0].id as string;
    const partner = (
      await api(s, 'POST', '/v1/partners', { name: 'Pat', kinds: ['referral'], status: 'approved' })
    ).json();
    const link = (
      await api(s, 'POST', `/v1/partners/${partner.id}/links`, {
        program: 'referrals',
        destination: 'https://market.example/sell',
      })
    ).json();

    // 3 January: the seller follows the partner's link.
    s.t.clock.set(at('2026-01-03'));
    const click = await s.app.inject({
      method: 'GET',
      url: `/r/${link.code}`,
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120' },
    });
    expect(click.statusCode).toBe(302);
    const clickId = new URL(click.headers.location as string).searchParams.get('tdm_click');
    await s.app.tracker.flush();

    const seller = { id: 'S', side: 'seller' };
    const pay = (m: number) => ({
      id: `pay-${m}`,
      type: 'payment',
      occurred_at: new Date(Date.UTC(2026, m, 10, 12)).toISOString(),
      customer: seller,
      currency: 'USD',
      revenue: '100.00',
      gross: '500.00',
    });
    const send = async (events: unknown[]) => {
      const r = await api(s as Server, 'POST', '/v1/events', { events });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ accepted: events.length, rejected: 0 });
    };

    // 15 February: what has happened so far arrives.
    s.t.clock.set(at('2026-02-15'));
    await send([
      {
        id: 'su',
        type: 'signup',
        occurred_at: '2026-01-05T12:00:00Z',
        customer: seller,
        click_id: clickId,
      },
      { id: 'ac', type: 'activation', occurred_at: '2026-01-06T12:00:00Z', customer: seller },
      pay(0),
      pay(1),
    ]);
    await deriveAll(s.t);
    // Activation (available 5 Feb) and January's payment (9 Feb) are out of their hold;
    // February's (10 Feb, available 12 Mar) is not.
    expect(await balances(s, partner.id)).toEqual([
      expect.objectContaining({
        currency: 'USD',
        pending: '20.00',
        available: '30.00',
        paid: '0.00',
        negative: '0.00',
      }),
    ]);

    // 11 March 2027: the rest of the year arrives, with a refund of February's payment.
    s.t.clock.set(at('2027-03-11'));
    await send([
      ...Array.from({ length: 13 }, (_, i) => pay(i + 2)),
      {
        id: 'rf',
        type: 'refund',
        occurred_at: '2026-02-20T12:00:00Z',
        customer: seller,
        payment_id: 'pay-1',
      },
    ]);
    await deriveAll(s.t);
    s.t.clock.set(Date.parse('2027-06-01T00:00:00Z'));
    expect(await balances(s, partner.id)).toEqual([
      expect.objectContaining({
        currency: 'USD',
        pending: '0.00',
        available: '230.00',
        processing: '0.00',
        paid: '0.00',
        negative: '0.00',
        minor: { pending: '0', available: '23000', processing: '0', paid: '0', negative: '0' },
      }),
    ]);

    const lines = (await api(s, 'GET', `/v1/partners/${partner.id}/accruals?limit=100`)).json()
      .data as Accrual[];
    expect(lines.filter((l) => l.rule_id === 'revenue-share' && l.kind === 'accrual')).toHaveLength(
      12,
    );
    expect(lines.filter((l) => l.kind === 'reversal').map((l) => l.amount)).toEqual(['-20.00']);
    expect(lines.some((l) => l.occurred_at >= '2027-01-10')).toBe(false);
    expect(lines.reduce((sum, l) => sum + Number(l.amount.replace('.', '')), 0)).toBe(23000);
    expect(lines.every((l) => l.status === 'available')).toBe(true);

    // Every line explains itself.
    const activation = lines.find((l) => l.rule_id === 'seller-activation') as Accrual;
    const one = await api(s, 'GET', `/v1/accruals/${activation.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      id: activation.id,
      amount: '10.00',
      version_id: versionId,
      occurred_at: '2026-01-06T12:00:00.000Z',
      available_at: '2026-02-05T12:00:00.000Z',
      trace: {
        program: { id: program.json().id, version_id: versionId, version: 1 },
        rule: { id: 'seller-activation', event: 'activation', pays: 'flat' },
        event: { external_id: 'ac', type: 'activation' },
        attribution: { partner_id: partner.id, touch_kind: 'click', touch_ref: clickId },
        inputs: { flat: '10.00' },
        hold_days: 30,
        available_at: '2026-02-05T12:00:00.000Z',
      },
    });
    expect(one.json().trace.steps).toEqual(['flat 10.00 USD']);

    const march = lines.find((l) => l.trace.event.external_id === 'pay-2') as Accrual;
    const share = (await api(s, 'GET', `/v1/accruals/${march.id}`)).json();
    expect(share.trace).toMatchObject({
      program: { version: 1, version_id: versionId },
      rule: { id: 'revenue-share', pays: 'percent' },
      inputs: { revenue: '100.00', percent: '20', cap_per_customer: '500.00' },
    });
    expect(share.trace.steps.join('\n')).toContain('100.00 revenue × 20% = 20.00 USD');

    // Sending everything again changes nothing.
    const again = await api(s, 'POST', '/v1/events', [pay(0), pay(5)]);
    expect(again.json()).toMatchObject({ duplicates: 2, accepted: 0 });
    expect((await deriveAll(s.t)).lines).toBe(0);
  });
});
