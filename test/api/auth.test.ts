import { afterEach, describe, expect, it } from 'vitest';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { expectProblem } from '../support/expect-problem.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

// DESIGN invariant 6: a partner's credentials read and change only that
// partner's data; an API key does only what its scopes allow.

type Server = Awaited<ReturnType<typeof testServer>>;

const NOW = '2026-03-01T00:00:00Z';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36';
const TERMS = {
  currency: 'USD',
  hold_days: 30,
  rewards: [
    { id: 'signup-bonus', event: 'signup', flat: '5.00' },
    { id: 'revenue-share', event: 'payment', percent: 10 },
  ],
};

const client = apiClient;

async function newKey(s: Server, body: Record<string, unknown>) {
  const r = await client(s, s.adminKey)('POST', '/v1/api-keys', body);
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; key: string; scopes: string[]; partner_id: string | null };
}

/**
 * Two approved partners, each with a link, a coupon, a customer that came
 * through a real redirect (a signup and a 100.00 payment) and a partner key.
 */
async function world() {
  const s = await testServer({ now: NOW });
  const admin = client(s, s.adminKey);
  const program = await admin('POST', '/v1/programs', {
    key: 'ref',
    name: 'Referrals',
    version: { effective_from: NOW, terms: TERMS },
  });
  expect(program.statusCode, program.body).toBe(201);
  const partner = async (name: string) => {
    const p = (await admin('POST', '/v1/partners', { name, status: 'approved' })).json();
    const link = (
      await admin('POST', `/v1/partners/${p.id}/links`, {
        program: 'ref',
        destination: 'https://market.test/join',
      })
    ).json();
    const code = (
      await admin('POST', `/v1/partners/${p.id}/codes`, { program: 'ref', kind: 'coupon' })
    ).json();
    const visit = await s.app.inject({
      method: 'GET',
      url: `/r/${link.code}`,
      headers: { 'user-agent': BROWSER },
    });
    const clickId = new URL(visit.headers.location as string).searchParams.get('tdm_click');
    await s.app.tracker.flush();
    const customer = `cus-${name}`;
    const events = await admin('POST', '/v1/events', {
      events: [
        {
          id: `${name}-su`,
          type: 'signup',
          occurred_at: NOW,
          customer: { id: customer },
          click_id: clickId,
        },
        {
          id: `${name}-pay`,
          type: 'payment',
          occurred_at: NOW,
          customer: { id: customer },
          currency: 'USD',
          revenue: '100.00',
        },
      ],
    });
    expect(events.json().accepted).toBe(2);
    const key = await newKey(s, { name: `${name} portal`, partner_id: p.id });
    return {
      id: p.id as string,
      key: key.key,
      linkId: link.id as string,
      code: code.code as string,
      customer,
    };
  };
  const a = await partner('alpha');
  const b = await partner('beta');
  await deriveAll(s.t);
  const accrualsOf = async (id: string) =>
    (await admin('GET', `/v1/partners/${id}/accruals`)).json().data as {
      id: string;
      partner_id: string;
    }[];
  const [aAccrual] = await accrualsOf(a.id);
  const [bAccrual] = await accrualsOf(b.id);
  if (!aAccrual || !bAccrual) throw new Error('the world should have accruals');
  return { s, admin, a, b, aAccrual: aAccrual.id, bAccrual: bAccrual.id };
}

describe(`auth and isolation (${backend})`, () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('answers 401 unauthorized as problem+json without a key or with an unknown one', async () => {
    s = await testServer({ now: NOW });
    for (const [method, url] of [
      ['GET', '/v1/partners'],
      ['POST', '/v1/events'],
      ['GET', '/v1/me'],
      ['GET', '/v1/partners/prt_x/balances'],
    ] as const) {
      expectProblem(
        await client(s, null)(method, url, method === 'POST' ? {} : undefined),
        401,
        'unauthorized',
      );
      expectProblem(await client(s, 'tdm_a_not-a-real-key')(method, url), 401, 'unauthorized');
    }
    const basic = await s.app.inject({
      method: 'GET',
      url: '/v1/partners',
      headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
    });
    expectProblem(basic, 401, 'unauthorized');
    // The X-Api-Key header is the documented alternative to a bearer token.
    const viaHeader = await s.app.inject({
      method: 'GET',
      url: '/v1/partners',
      headers: { 'x-api-key': s.adminKey },
    });
    expect(viaHeader.statusCode).toBe(200);
    // Outside /v1 no key is needed.
    expect((await client(s, null)('GET', '/health')).statusCode).toBe(200);
  });

  it('a read key reads but cannot create partners, programs or events', async () => {
    s = await testServer({ now: NOW });
    const read = client(s, (await newKey(s, { name: 'analyst', scopes: ['read'] })).key);
    expect((await read('GET', '/v1/partners')).statusCode).toBe(200);
    expect((await read('GET', '/v1/programs')).statusCode).toBe(200);
    expectProblem(await read('POST', '/v1/partners', { name: 'Nope' }), 403, 'forbidden');
    expectProblem(
      await read('POST', '/v1/programs', { key: 'nope', name: 'Nope' }),
      403,
      'forbidden',
    );
    expectProblem(
      await read('POST', '/v1/events', {
        id: 'e1',
        type: 'signup',
        occurred_at: NOW,
        customer: { id: 'c1' },
      }),
      403,
      'forbidden',
    );
    expectProblem(await read('POST', '/v1/api-keys', { name: 'escalate' }), 403, 'forbidden');
    // Nothing was written.
    const admin = client(s, s.adminKey);
    expect((await admin('GET', '/v1/partners')).json().data).toEqual([]);
    expect((await admin('GET', '/v1/programs')).json().data).toEqual([]);
    expectProblem(await admin('GET', '/v1/customers/c1'), 404, 'customer_not_found');
  });

  it('an events:write key ingests events but cannot create programs or read', async () => {
    s = await testServer({ now: NOW });
    const ingest = client(s, (await newKey(s, { name: 'backend', scopes: ['events:write'] })).key);
    const r = await ingest('POST', '/v1/events', {
      id: 'e1',
      type: 'signup',
      occurred_at: NOW,
      customer: { id: 'c1' },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ status: 'accepted', id: 'e1' });
    expectProblem(
      await ingest('POST', '/v1/programs', { key: 'nope', name: 'Nope' }),
      403,
      'forbidden',
    );
    expectProblem(await ingest('POST', '/v1/partners', { name: 'Nope' }), 403, 'forbidden');
    expectProblem(await ingest('GET', '/v1/partners'), 403, 'forbidden');
    const stored = await client(s, s.adminKey)('GET', '/v1/customers/c1');
    expect(stored.json()).toMatchObject({ id: 'c1', events: 1 });
  });

  it("a partner key reads its own partner's data on every partner route", async () => {
    const w = await world();
    s = w.s;
    const me = client(s, w.a.key);
    const partner = await me('GET', `/v1/partners/${w.a.id}`);
    expect(partner.statusCode).toBe(200);
    expect(partner.json()).toMatchObject({ id: w.a.id, name: 'alpha', status: 'approved' });

    const balances = (await me('GET', `/v1/partners/${w.a.id}/balances`)).json();
    expect(balances).toEqual({
      partner_id: w.a.id,
      balances: [expect.objectContaining({ currency: 'USD', pending: '15.00', available: '0.00' })],
      programs: [
        expect.objectContaining({
          program_id: expect.stringMatching(/^prg_/),
          currency: 'USD',
          pending: '15.00',
        }),
      ],
    });

    const accruals = (await me('GET', `/v1/partners/${w.a.id}/accruals`)).json().data;
    expect(accruals.map((x: { amount: string }) => x.amount).sort()).toEqual(['10.00', '5.00']);
    expect(accruals.every((x: { partner_id: string }) => x.partner_id === w.a.id)).toBe(true);

    const customers = (await me('GET', `/v1/partners/${w.a.id}/customers`)).json().data;
    expect(customers).toEqual([
      expect.objectContaining({ customer_id: 'cus-alpha', partner_id: w.a.id }),
    ]);

    const links = (await me('GET', `/v1/partners/${w.a.id}/links`)).json().data;
    expect(links.map((l: { id: string }) => l.id)).toEqual([w.a.linkId]);

    const codes = (await me('GET', `/v1/partners/${w.a.id}/codes`)).json().data;
    expect(codes.map((c: { code: string }) => c.code)).toEqual([w.a.code]);

    const accrual = await me('GET', `/v1/accruals/${w.aAccrual}`);
    expect(accrual.statusCode).toBe(200);
    expect(accrual.json()).toMatchObject({ id: w.aAccrual, partner_id: w.a.id });

    const stats = await me('GET', `/v1/partners/${w.a.id}/stats`);
    expect(stats.statusCode, stats.body).toBe(200);
    const today = stats.json().data.find((d: { date: string }) => d.date === NOW.slice(0, 10));
    expect(today).toMatchObject({ clicks: 1, signups: 1, payments: 1, revenue: { USD: '100.00' } });

    const whoami = await me('GET', '/v1/me');
    expect(whoami.json()).toMatchObject({ id: w.a.id, name: 'alpha' });
  });

  it("a partner key gets 404 for another partner's id on every route, as if it did not exist", async () => {
    const w = await world();
    s = w.s;
    const me = client(s, w.a.key);
    for (const suffix of [
      '',
      '/balances',
      '/accruals',
      '/customers',
      '/stats',
      '/links',
      '/codes',
    ]) {
      expectProblem(await me('GET', `/v1/partners/${w.b.id}${suffix}`), 404, 'partner_not_found');
      // The same answer as for an id that does not exist at all: ids cannot be probed.
      expectProblem(await me('GET', `/v1/partners/prt_nobody${suffix}`), 404, 'partner_not_found');
    }
    expectProblem(await me('GET', `/v1/accruals/${w.bAccrual}`), 404, 'accrual_not_found');
    expectProblem(
      await me('POST', `/v1/partners/${w.b.id}/links`, {
        program: 'ref',
        destination: 'https://evil.test/',
      }),
      404,
      'partner_not_found',
    );
    const bLinks = (await client(s, s.adminKey)('GET', `/v1/partners/${w.b.id}/links`)).json();
    expect(bLinks.data).toHaveLength(1);
    // Its own links it may create.
    const own = await me('POST', `/v1/partners/${w.a.id}/links`, {
      program: 'ref',
      destination: 'https://market.test/other',
    });
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json()).toMatchObject({ partner_id: w.a.id });
    // ...but only in programs it is enrolled in: a link must not be a way to join another program.
    const vip = await client(s, s.adminKey)('POST', '/v1/programs', {
      key: 'vip',
      name: 'Invite only',
      version: {
        terms: { currency: 'USD', rewards: [{ id: 'big', event: 'payment', percent: 50 }] },
      },
    });
    expect(vip.statusCode, vip.body).toBe(201);
    expectProblem(
      await me('POST', `/v1/partners/${w.a.id}/links`, {
        program: 'vip',
        destination: 'https://market.test/',
      }),
      404,
      'program_not_found',
    );
    expect((await client(s, s.adminKey)('GET', `/v1/partners/${w.a.id}`)).json().programs).toEqual([
      'ref',
    ]);
  });

  it('a partner key is refused (403) on operator routes', async () => {
    const w = await world();
    s = w.s;
    const me = client(s, w.a.key);
    const event = { id: 'x', type: 'signup', occurred_at: NOW, customer: { id: 'cus-x' } };
    for (const [method, url, body] of [
      ['GET', '/v1/partners', undefined],
      ['POST', '/v1/partners', { name: 'Sneaky' }],
      ['POST', '/v1/events', event],
      ['GET', `/v1/customers/${w.a.customer}`],
      ['GET', `/v1/customers/${w.b.customer}`],
      ['GET', '/v1/accruals'],
      ['GET', '/v1/stats'],
      ['GET', '/v1/programs'],
      ['GET', '/v1/programs/ref'],
      ['POST', '/v1/programs', { key: 'mine', name: 'Mine' }],
      ['POST', `/v1/partners/${w.a.id}/status`, { status: 'suspended' }],
      ['POST', `/v1/partners/${w.a.id}/codes`, { program: 'ref', kind: 'coupon' }],
      ['POST', `/v1/links/${w.b.linkId}/disable`, undefined],
      ['POST', '/v1/api-keys', { name: 'more', scopes: ['admin'] }],
      ['GET', '/v1/api-keys', undefined],
    ] as const) {
      expectProblem(await me(method, url, body), 403, 'forbidden');
    }
    // Nothing changed: no event, B's link still redirects.
    expectProblem(
      await client(s, s.adminKey)('GET', '/v1/customers/cus-x'),
      404,
      'customer_not_found',
    );
    const visit = await s.app.inject({
      method: 'GET',
      url: `/r/${(await client(s, s.adminKey)('GET', `/v1/partners/${w.b.id}/links`)).json().data[0].code}`,
    });
    expect(visit.statusCode).toBe(302);
  });

  it('a partner key holds only read, whatever scopes were asked for', async () => {
    const w = await world();
    s = w.s;
    const key = await newKey(s, { name: 'greedy', partner_id: w.a.id, scopes: ['admin'] });
    expect(key).toMatchObject({ partner_id: w.a.id, scopes: ['read'] });
    const me = client(s, key.key);
    expectProblem(await me('POST', '/v1/partners', { name: 'Nope' }), 403, 'forbidden');
    expectProblem(await me('GET', `/v1/partners/${w.b.id}`), 404, 'partner_not_found');
    expect((await me('GET', '/v1/me')).json()).toMatchObject({ id: w.a.id });
  });

  it('a key for a partner that does not exist is refused', async () => {
    s = await testServer({ now: NOW });
    const r = await client(s, s.adminKey)('POST', '/v1/api-keys', {
      name: 'ghost',
      partner_id: 'prt_ghost',
    });
    expectProblem(r, 404, 'partner_not_found');
  });

  it('revoked keys stop working at once', async () => {
    const w = await world();
    s = w.s;
    const admin = client(s, s.adminKey);
    const ops = await newKey(s, { name: 'ops', scopes: ['read'] });
    const list = (await admin('GET', '/v1/api-keys')).json().data;
    const partnerKeyId = list.find(
      (k: { partner_id: string | null }) => k.partner_id === w.a.id,
    ).id;
    // Used once, so both are in the authentication cache.
    expect((await client(s, ops.key)('GET', '/v1/partners')).statusCode).toBe(200);
    expect((await client(s, w.a.key)('GET', '/v1/me')).statusCode).toBe(200);

    expect((await admin('DELETE', `/v1/api-keys/${ops.id}`)).statusCode).toBe(204);
    expect((await admin('DELETE', `/v1/api-keys/${partnerKeyId}`)).statusCode).toBe(204);
    expectProblem(await client(s, ops.key)('GET', '/v1/partners'), 401, 'unauthorized');
    expectProblem(await client(s, w.a.key)('GET', '/v1/me'), 401, 'unauthorized');
    expectProblem(await admin('DELETE', `/v1/api-keys/${ops.id}`), 404, 'not_found');

    const after = (await admin('GET', '/v1/api-keys')).json().data;
    const revoked = after.find((k: { id: string }) => k.id === ops.id);
    expect(revoked.revoked_at).toBe(NOW.replace('Z', '.000Z'));
    // Listing never shows secrets.
    expect(JSON.stringify(after)).not.toContain(ops.key);
    // The admin key itself still works.
    expect((await admin('GET', '/v1/partners')).statusCode).toBe(200);
  });
});
