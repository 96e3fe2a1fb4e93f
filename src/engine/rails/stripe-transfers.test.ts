import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeStripe, startFakeStripe } from '../../../test/support/fake-stripe.js';
import {
  type StripeFailure,
  StripeRailError,
  type StripeTransferRequest,
  stripeTransfers,
} from './stripe-transfers.js';

let fake: FakeStripe;

beforeEach(async () => {
  fake = await startFakeStripe({ slowMs: 600 });
});

afterEach(async () => {
  await fake.close();
});

const client = (opts: { apiKey?: string; timeoutMs?: number } = {}) =>
  stripeTransfers({
    apiKey: opts.apiKey ?? 'sk_test_tandem',
    baseUrl: fake.url,
    timeoutMs: opts.timeoutMs ?? 2000,
  });

/** A payout of 12.40 EUR to one partner, keyed by its payout id. */
const payout = (over: Partial<StripeTransferRequest> = {}): StripeTransferRequest => ({
  amount: 1240n,
  currency: 'EUR',
  destination: 'acct_1PartnerA',
  idempotencyKey: 'pay_01hx',
  transferGroup: 'run_2026_10',
  description: 'Acme partner program, October 2026',
  metadata: { payout_id: 'pay_01hx', note: 'a b&c=d' },
  ...over,
});

async function failureOf(p: Promise<unknown>): Promise<StripeFailure> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StripeRailError) return e.failure;
    throw e;
  }
  throw new Error('expected a StripeRailError');
}

describe('stripeTransfers().create', () => {
  it('sends a form-encoded transfer with the key, the version and the idempotency key', async () => {
    const t = await client().create(payout());

    expect(t).toMatchObject({
      amount: 1240n,
      currency: 'EUR',
      destination: 'acct_1PartnerA',
      transferGroup: 'run_2026_10',
      metadata: { payout_id: 'pay_01hx', note: 'a b&c=d' },
      replayed: false,
    });
    expect(t.id).toMatch(/^tr_/);
    expect(fake.transfers()).toHaveLength(1);
    expect(fake.transfers()[0]).toMatchObject({ id: t.id, amount: 1240, currency: 'eur' });

    const [req] = fake.requests();
    expect(req).toMatchObject({
      method: 'POST',
      path: '/v1/transfers',
      idempotencyKey: 'pay_01hx',
      authorization: 'Bearer sk_test_tandem',
      stripeVersion: '2024-06-20',
      contentType: 'application/x-www-form-urlencoded',
      body: {
        amount: '1240',
        currency: 'eur',
        destination: 'acct_1PartnerA',
        transfer_group: 'run_2026_10',
        description: 'Acme partner program, October 2026',
        'metadata[payout_id]': 'pay_01hx',
        'metadata[note]': 'a b&c=d',
      },
    });
    expect(req!.rawBody).toContain('metadata[payout_id]=pay_01hx');
    expect(req!.rawBody).toContain('metadata[note]=a+b%26c%3Dd');
  });

  it('replays the first transfer to a retry with the same key', async () => {
    const first = await client().create(payout());
    const again = await client().create(payout());

    expect(again.id).toBe(first.id);
    expect(again.replayed).toBe(true);
    expect(fake.transfers()).toHaveLength(1);
  });

  it('times out on a request Stripe never answers; the retry makes the one transfer', async () => {
    fake.failNext('timeout');
    const failure = await failureOf(client({ timeoutMs: 200 }).create(payout()));
    expect(failure).toMatchObject({ kind: 'timeout', retryable: true });
    expect(fake.transfers()).toHaveLength(0);

    const t = await client().create(payout());
    expect(t.replayed).toBe(false);
    expect(fake.transfers()).toHaveLength(1);
  });

  it('after a timeout where Stripe did create it, the retry replays the same transfer', async () => {
    fake.failNext('timeout_after_create');
    const failure = await failureOf(client({ timeoutMs: 200 }).create(payout()));
    expect(failure.kind).toBe('timeout');
    expect(fake.transfers()).toHaveLength(1);

    const t = await client().create(payout());
    expect(t.id).toBe(fake.transfers()[0]!.id);
    expect(t.replayed).toBe(true);
    expect(fake.transfers()).toHaveLength(1);
  });

  it('after a connection lost once the transfer was made, the retry replays it', async () => {
    fake.failNext('lost_after_create');
    const failure = await failureOf(client().create(payout()));
    expect(failure).toMatchObject({ kind: 'network', retryable: true });
    expect(fake.transfers()).toHaveLength(1);

    const t = await client().create(payout());
    expect(t.id).toBe(fake.transfers()[0]!.id);
    expect(t.replayed).toBe(true);
    expect(fake.transfers()).toHaveLength(1);
  });

  it('answers 409 while the first attempt still runs, then replays it', async () => {
    fake.failNext('slow');
    expect((await failureOf(client({ timeoutMs: 200 }).create(payout()))).kind).toBe('timeout');

    const busy = await failureOf(client().create(payout()));
    expect(busy).toMatchObject({
      kind: 'server',
      retryable: true,
      status: 409,
      code: 'idempotency_key_in_use',
    });

    await fake.settled();
    const t = await client().create(payout());
    expect(t).toMatchObject({ id: fake.transfers()[0]!.id, replayed: true });
    expect(fake.transfers()).toHaveLength(1);
  });

  it('a 500 is saved under the key (as Stripe documents): reconcile, then use a new key', async () => {
    fake.failNext('server_error');
    const failure = await failureOf(client().create(payout()));
    expect(failure).toMatchObject({ kind: 'server', retryable: true, status: 500 });
    expect(failure).toMatchObject({ shouldRetry: false });
    expect(fake.transfers()).toHaveLength(0);

    // Same key: Stripe replays the saved 500 rather than trying again.
    const replay = await failureOf(client().create(payout()));
    expect(replay).toMatchObject({ kind: 'server', status: 500, replayed: true });
    expect(fake.transfers()).toHaveLength(0);

    // Nothing in the group, so a new key cannot double-pay.
    expect(await client().listByGroup('run_2026_10')).toEqual([]);
    const t = await client().create(payout({ idempotencyKey: 'pay_01hx:2' }));
    expect(t.replayed).toBe(false);
    expect(fake.transfers()).toHaveLength(1);
  });

  it('a 429 is not saved under the key: the retry with it makes exactly one transfer', async () => {
    fake.failNext('rate_limited');
    const failure = await failureOf(client().create(payout()));
    expect(failure).toMatchObject({ kind: 'server', status: 429, code: 'rate_limit' });

    const t = await client().create(payout());
    expect(t.replayed).toBe(false);
    await client().create(payout());
    expect(fake.transfers()).toHaveLength(1);
  });

  it('reports a decline with its code, and the same key keeps declining', async () => {
    fake.failWhen((body) => body.destination === 'acct_1Broke', 'declined');
    const req = payout({ destination: 'acct_1Broke', idempotencyKey: 'pay_broke' });

    const failure = await failureOf(client().create(req));
    expect(failure).toMatchObject({
      kind: 'declined',
      retryable: false,
      code: 'balance_insufficient',
      status: 400,
    });
    expect(failure.requestId).toMatch(/^req_/);

    expect(await failureOf(client().create(req))).toMatchObject({
      kind: 'declined',
      replayed: true,
    });
    expect(fake.transfers()).toHaveLength(0);
    await client().create(payout());
    expect(fake.transfers()).toHaveLength(1);
  });

  it('treats an unknown destination as declined', async () => {
    await fake.close();
    fake = await startFakeStripe({ accounts: ['acct_1PartnerA'] });
    const failure = await failureOf(client().create(payout({ destination: 'acct_1Gone' })));
    expect(failure).toMatchObject({
      kind: 'declined',
      code: 'resource_missing',
      param: 'destination',
    });
  });

  it('refuses the same key with a different amount', async () => {
    await client().create(payout());
    const failure = await failureOf(client().create(payout({ amount: 1300n })));
    expect(failure).toMatchObject({
      kind: 'idempotency',
      retryable: false,
      code: 'idempotency_error',
    });
    expect(fake.transfers()).toHaveLength(1);
  });

  it('reports a wrong API key as auth, without echoing the key', async () => {
    const failure = await failureOf(client({ apiKey: 'sk_test_wrong_secret' }).create(payout()));
    expect(failure).toMatchObject({
      kind: 'auth',
      retryable: false,
      code: 'authentication_failed',
    });
    expect(failure.message).not.toContain('secret');
    expect(fake.transfers()).toHaveLength(0);
  });

  it('rejects what Stripe would reject before sending anything', async () => {
    expect((await failureOf(client().create(payout({ amount: 0n })))).kind).toBe('invalid');
    expect((await failureOf(client().create(payout({ metadata: { 'a[b]': 'x' } })))).kind).toBe(
      'invalid',
    );
    expect(fake.requests()).toHaveLength(0);
  });
});

describe('stripeTransfers() reads', () => {
  it('lists a transfer group, newest first, and retrieves one transfer', async () => {
    const a = await client().create(payout({ idempotencyKey: 'pay_a' }));
    const b = await client().create(
      payout({ idempotencyKey: 'pay_b', destination: 'acct_1PartnerB' }),
    );
    await client().create(payout({ idempotencyKey: 'pay_c', transferGroup: 'run_2026_11' }));

    const group = await client().listByGroup('run_2026_10');
    expect(group.map((t) => t.id)).toEqual([b.id, a.id]);
    expect(fake.requests().at(-1)).toMatchObject({
      method: 'GET',
      path: '/v1/transfers',
      query: { transfer_group: 'run_2026_10', limit: '100' },
    });

    const got = await client().retrieve(a.id);
    expect(got).toMatchObject({ id: a.id, amount: 1240n, currency: 'EUR', replayed: false });

    const missing = await failureOf(client().retrieve('tr_nope'));
    expect(missing).toMatchObject({ kind: 'invalid', code: 'resource_missing', status: 404 });
  });
});

describe('fake Stripe', () => {
  it('validates like Stripe and tags every response', async () => {
    const res = await fetch(`${fake.url}/v1/transfers`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer sk_test_tandem',
        'content-type': 'application/x-www-form-urlencoded',
        'idempotency-key': 'k1',
      },
      body: 'amount=100&currency=usd',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(await res.json()).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'parameter_missing',
        param: 'destination',
        message: 'Missing required param: destination.',
      },
    });

    // A validation failure is not saved: the key is free for a correct request.
    const ok = await client().create(payout({ idempotencyKey: 'k1' }));
    expect(ok.replayed).toBe(false);
  });

  it('closes promptly while holding an unanswered request', async () => {
    fake.failNext('timeout');
    const pending = client({ timeoutMs: 5000 }).create(payout());
    while (fake.requests().length === 0) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await fake.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await failureOf(pending)).kind).toBe('network');
    fake = await startFakeStripe();
  });
});
