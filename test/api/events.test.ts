import { afterEach, describe, expect, it } from 'vitest';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { expectProblem } from '../support/expect-problem.js';
import { testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;

const NOW = '2026-03-01T12:00:00Z';
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/125.0';

const post = (s: Server, url: string, body: unknown, headers: Record<string, string> = {}) =>
  s.app.inject({
    method: 'POST',
    url,
    headers: { ...s.auth, ...headers },
    payload: body as object,
  });
const get = (s: Server, url: string) => s.app.inject({ method: 'GET', url, headers: s.auth });

const signup = (id: string, customer: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'signup',
  occurred_at: '2026-03-01T10:00:00Z',
  customer: { id: customer },
  ...extra,
});
const payment = (id: string, customer: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'payment',
  occurred_at: '2026-03-01T11:00:00Z',
  customer: { id: customer },
  currency: 'USD',
  revenue: '10.00',
  ...extra,
});

/** The number of events stored for a customer (0 when none). */
async function eventsOf(s: Server, customer: string): Promise<number> {
  const r = await get(s, `/v1/customers/${encodeURIComponent(customer)}`);
  if (r.statusCode === 404) return 0;
  expect(r.statusCode, r.body).toBe(200);
  return r.json().events;
}

/**
 * A program paying `percent` of revenue in `currency`, an approved partner
 * with a link, and a click id from a real redirect at the server's clock.
 */
async function referralSetup(s: Server, currency: string, percent: number) {
  // Terms and the click at midnight, before the day's events.
  const now = s.t.clock.now();
  s.t.clock.set(Date.parse('2026-03-01T00:00:00Z'));
  const program = await post(s, '/v1/programs', {
    key: `ref-${currency.toLowerCase()}`,
    name: `Referrals ${currency}`,
    version: {
      effective_from: '2026-03-01T00:00:00Z',
      terms: {
        currency,
        hold_days: 0,
        rewards: [{ id: 'share', event: 'payment', percent }],
      },
    },
  });
  expect(program.statusCode, program.body).toBe(201);
  const partner = (
    await post(s, '/v1/partners', { name: `P ${currency}`, status: 'approved' })
  ).json();
  const link = (
    await post(s, `/v1/partners/${partner.id}/links`, {
      program: program.json().key,
      destination: 'https://market.test/',
    })
  ).json();
  const visit = await s.app.inject({
    method: 'GET',
    url: `/r/${link.code}`,
    headers: { 'user-agent': BROWSER },
  });
  await s.app.tracker.flush();
  s.t.clock.set(now);
  const clickId = new URL(visit.headers.location as string).searchParams.get('tdm_click');
  return { partnerId: partner.id as string, clickId: clickId as string };
}

async function accrualsOf(s: Server, partnerId: string) {
  return (await get(s, `/v1/partners/${partnerId}/accruals`)).json().data as {
    kind: string;
    amount: string;
    amount_minor: string;
    currency: string;
    trace: { inputs: Record<string, string>; steps: string[] };
  }[];
}

describe(`POST /v1/events (${backend})`, () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('accepts an event once: 201, then 200 duplicate, 409 for other content under the same id', async () => {
    s = await testServer({ now: NOW });
    const first = await post(s, '/v1/events', payment('pay-1', 'cus-1'));
    expect(first.statusCode, first.body).toBe(201);
    const accepted = first.json();
    expect(accepted).toEqual({
      index: 0,
      id: 'pay-1',
      status: 'accepted',
      event_id: expect.stringMatching(/^evt_/),
    });

    // The same content, keys in another order and the amount's zero padding as sent.
    const again = await post(s, '/v1/events', {
      revenue: '10.00',
      currency: 'USD',
      customer: { id: 'cus-1' },
      occurred_at: '2026-03-01T11:00:00Z',
      type: 'payment',
      id: 'pay-1',
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({ ...accepted, status: 'duplicate' });

    const conflict = expectProblem(
      await post(s, '/v1/events', payment('pay-1', 'cus-1', { revenue: '11.00' })),
      409,
      'idempotency_conflict',
    );
    expect(conflict.issues).toEqual([{ path: 'id', message: expect.any(String) }]);
    expect(await eventsOf(s, 'cus-1')).toBe(1);

    // The idempotency key is (source, id): another source may reuse the id.
    const other = await post(s, '/v1/events', payment('pay-1', 'cus-1', { source: 'stripe' }));
    expect(other.statusCode, other.body).toBe(201);
    expect(await eventsOf(s, 'cus-1')).toBe(2);
  });

  it('answers a mixed batch per item and stores the good items', async () => {
    s = await testServer({ now: NOW });
    const r = await post(s, '/v1/events', {
      events: [
        signup('ok-1', 'good-1'),
        signup('bad-type', 'bad-1', { type: 'signin' }),
        payment('ok-2', 'good-2'),
        payment('bad-amount', 'bad-2', { revenue: '-5.00' }),
        { id: 'bad-shape', type: 'signup', occurred_at: NOW, customer: 'bad-3' },
        signup('ok-1', 'good-1'),
        payment('ok-2', 'good-2', { revenue: '99.00' }),
        42,
        payment('bad-currency', 'bad-4', { currency: 'XYZ' }),
      ],
    });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ accepted: 2, duplicates: 1, rejected: 6 });
    const summary = body.results.map(
      (x: { index: number; id: string | null; status: string; error?: { code: string } }) => [
        x.index,
        x.id,
        x.status,
        x.error?.code ?? null,
      ],
    );
    expect(summary).toEqual([
      [0, 'ok-1', 'accepted', null],
      [1, 'bad-type', 'rejected', 'unknown_event_type'],
      [2, 'ok-2', 'accepted', null],
      [3, 'bad-amount', 'rejected', 'invalid_amount'],
      [4, 'bad-shape', 'rejected', 'validation_failed'],
      [5, 'ok-1', 'duplicate', null],
      [6, 'ok-2', 'rejected', 'idempotency_conflict'],
      [7, null, 'rejected', 'validation_failed'],
      [8, 'bad-currency', 'rejected', 'unknown_currency'],
    ]);
    expect(body.results[5].event_id).toBe(body.results[0].event_id);
    expect(body.results[4].error.issues.map((i: { path: string }) => i.path)).toEqual(['customer']);
    expect(await eventsOf(s, 'good-1')).toBe(1);
    expect(await eventsOf(s, 'good-2')).toBe(1);
    for (const c of ['bad-1', 'bad-2', 'bad-3', 'bad-4']) expect(await eventsOf(s, c)).toBe(0);

    // A bare JSON array is a batch too.
    const bare = await post(s, '/v1/events', [signup('ok-3', 'good-3')]);
    expect(bare.statusCode).toBe(200);
    expect(bare.json()).toMatchObject({ accepted: 1, rejected: 0 });
  });

  it('takes 1,000 events in a batch and refuses 1,001 whole (413 batch_too_large)', async () => {
    s = await testServer({ now: NOW });
    const many = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => signup(`${prefix}-${i}`, `${prefix}-cus-${i % 10}`));
    const tooMany = await post(s, '/v1/events', { events: many(1001, 'big') });
    expectProblem(tooMany, 413, 'batch_too_large');
    expectProblem(await post(s, '/v1/events', many(1001, 'big')), 413, 'batch_too_large');
    for (let i = 0; i < 10; i++) expect(await eventsOf(s, `big-cus-${i}`)).toBe(0);

    const full = await post(s, '/v1/events', { events: many(1000, 'full') });
    expect(full.statusCode).toBe(200);
    expect(full.json()).toMatchObject({ accepted: 1000, rejected: 0, duplicates: 0 });
    expect(await eventsOf(s, 'full-cus-3')).toBe(100);
  });

  it('gives each kind of bad event its own code', async () => {
    s = await testServer({ now: NOW });
    const malformed = await s.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...s.auth, 'content-type': 'application/json' },
      payload: '{"id": "x", "type": ',
    });
    expectProblem(malformed, 400, 'invalid_json');

    const type = expectProblem(
      await post(s, '/v1/events', signup('e1', 'c', { type: 'purchase' })),
      422,
      'unknown_event_type',
    );
    expect(type.issues?.[0]?.path).toBe('type');
    const negative = expectProblem(
      await post(s, '/v1/events', payment('e2', 'c', { revenue: '-10.00' })),
      422,
      'invalid_amount',
    );
    expect(negative.issues?.[0]?.path).toBe('revenue');
    expectProblem(
      await post(s, '/v1/events', payment('e3', 'c', { gross: '12.345' })),
      422,
      'invalid_amount',
    );
    expectProblem(
      await post(s, '/v1/events', payment('e4', 'c', { currency: 'ABC' })),
      422,
      'unknown_currency',
    );
    const types = expectProblem(
      await post(s, '/v1/events', {
        id: 17,
        type: 'signup',
        occurred_at: 1767225600000,
        customer: { id: ['c'], side: 'both' },
        attributes: { nested: { a: 1 } },
      }),
      400,
      'validation_failed',
    );
    expect(new Set(types.issues?.map((i) => i.path))).toEqual(
      new Set(['id', 'occurred_at', 'customer.id', 'customer.side', 'attributes.nested']),
    );
    const unknownField = expectProblem(
      await post(s, '/v1/events', signup('e5', 'c', { amount: '10' })),
      400,
      'validation_failed',
    );
    expect(unknownField.issues?.[0]?.message).toContain('amount');
    expectProblem(
      await post(s, '/v1/events', signup('e6', 'c', { occurred_at: '2026-02-30T00:00:00Z' })),
      400,
      'validation_failed',
    );
    expectProblem(
      await post(s, '/v1/events', {
        id: 'rf',
        type: 'refund',
        occurred_at: NOW,
        customer: { id: 'c' },
      }),
      400,
      'validation_failed',
    );

    // The future: refused beyond five minutes of clock drift, accepted within.
    const future = expectProblem(
      await post(s, '/v1/events', signup('e7', 'c', { occurred_at: '2026-03-02T12:00:00Z' })),
      422,
      'occurred_at_in_future',
    );
    expect(future.issues?.[0]?.path).toBe('occurred_at');
    const drift = await post(
      s,
      '/v1/events',
      signup('e8', 'c', { occurred_at: '2026-03-01T12:04:00Z' }),
    );
    expect(drift.statusCode, drift.body).toBe(201);
    // Only the last one was stored.
    expect(await eventsOf(s, 'c')).toBe(1);
  });

  it('keeps a refund of a payment it has not seen, and applies it when the payment arrives', async () => {
    s = await testServer({ now: NOW });
    const { partnerId, clickId } = await referralSetup(s, 'USD', 10);
    const early = await post(s, '/v1/events', [
      signup('su', 'cus-r', { click_id: clickId }),
      {
        id: 'rf-1',
        type: 'refund',
        occurred_at: '2026-03-01T11:30:00Z',
        customer: { id: 'cus-r' },
        payment_id: 'pay-late',
      },
    ]);
    expect(early.json()).toMatchObject({ accepted: 2, rejected: 0 });
    await deriveAll(s.t);
    expect(await accrualsOf(s, partnerId)).toEqual([]);
    expect(await eventsOf(s, 'cus-r')).toBe(2);

    const late = await post(s, '/v1/events', payment('pay-late', 'cus-r', { revenue: '80.00' }));
    expect(late.statusCode).toBe(201);
    await deriveAll(s.t);
    const lines = await accrualsOf(s, partnerId);
    expect(lines.map((l) => [l.kind, l.amount])).toEqual([
      ['reversal', '-8.00'],
      ['accrual', '8.00'],
    ]);
    const balances = (await get(s, `/v1/partners/${partnerId}/balances`)).json().balances;
    expect(balances).toEqual([expect.objectContaining({ pending: '0.00', available: '0.00' })]);
  });

  it('reads amounts in the currency’s own minor units: JPY has none, KWD has three', async () => {
    s = await testServer({ now: NOW });
    const jpy = await referralSetup(s, 'JPY', 10);
    const kwd = await referralSetup(s, 'KWD', 10);

    const yen = await post(s, '/v1/events', [
      signup('j-su', 'cus-j', { click_id: jpy.clickId }),
      payment('j-pay', 'cus-j', { currency: 'JPY', revenue: '1000' }),
    ]);
    expect(yen.json()).toMatchObject({ accepted: 2, rejected: 0 });
    expectProblem(
      await post(s, '/v1/events', payment('j-bad', 'cus-j', { currency: 'JPY', revenue: '10.5' })),
      422,
      'invalid_amount',
    );
    const dinar = await post(s, '/v1/events', [
      signup('k-su', 'cus-k', { click_id: kwd.clickId }),
      payment('k-pay', 'cus-k', { currency: 'KWD', revenue: '12.345' }),
    ]);
    expect(dinar.json()).toMatchObject({ accepted: 2, rejected: 0 });
    expectProblem(
      await post(
        s,
        '/v1/events',
        payment('k-bad', 'cus-k', { currency: 'KWD', revenue: '1.2345' }),
      ),
      422,
      'invalid_amount',
    );
    await deriveAll(s.t);

    const [yenLine] = await accrualsOf(s, jpy.partnerId);
    expect(yenLine).toMatchObject({ currency: 'JPY', amount: '100', amount_minor: '100' });
    expect(yenLine?.trace.inputs.revenue).toBe('1000');
    const [dinarLine] = await accrualsOf(s, kwd.partnerId);
    // 12.345 KWD = 12345 fils; 10% = 1234.5 fils, rounded half-even to 1234.
    expect(dinarLine).toMatchObject({ currency: 'KWD', amount: '1.234', amount_minor: '1234' });
    expect(dinarLine?.trace.inputs.revenue).toBe('12.345');
    expect(dinarLine?.trace.steps.join(' ')).toContain('12.345 revenue × 10% = 1.234 KWD');
    const balances = (await get(s, `/v1/partners/${kwd.partnerId}/balances`)).json().balances;
    expect(balances).toEqual([
      expect.objectContaining({
        currency: 'KWD',
        available: '1.234',
        minor: expect.objectContaining({ available: '1234' }),
      }),
    ]);
  });
});
