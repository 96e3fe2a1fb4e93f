import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectWellFormed,
  mutate,
  mutations,
  oddText,
  type Path,
  Tally,
  weirdValues,
} from '../support/fuzz-kit.js';
import { testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

// DESIGN invariant 8: bad input gets a clear 4xx with a machine-readable code
// (application/problem+json), changes nothing, and never takes the server
// down. Each property throws arbitrary and nearly valid requests at a route
// and checks that no answer is a 5xx and every 4xx is a problem document.

type Server = Awaited<ReturnType<typeof testServer>>;

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/problem+json',
  'application/vnd.api+json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/xml',
  'garbage',
  '*/*',
];

const weird = weirdValues();

const fieldMutations = (paths: Path[]) => mutations(paths, weird);

async function send(
  s: Server,
  tally: Tally,
  url: string,
  payload: string | Buffer,
  contentType: string | undefined,
  headers: Record<string, string> = {},
) {
  const r = await s.app.inject({
    method: 'POST',
    url,
    headers: {
      ...s.auth,
      ...headers,
      ...(contentType === undefined ? {} : { 'content-type': contentType }),
    },
    payload,
  });
  tally.add(r.statusCode);
  expectWellFormed(
    r,
    `POST ${url} [${contentType}] ${String(payload).slice(0, 200).replace(/\n/g, ' ')}`,
  );
  return r;
}

const json = (v: unknown) => JSON.stringify(v) ?? 'null';

describe(`fuzzing the API (${backend})`, () => {
  let s: Server;
  beforeAll(async () => {
    s = await testServer({ now: '2026-01-01T00:00:00Z' });
    const p = await s.app.inject({
      method: 'POST',
      url: '/v1/programs',
      headers: s.auth,
      payload: { key: 'fz', name: 'Fuzz' },
    });
    expect(p.statusCode).toBe(201);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('POST /v1/events answers < 500 and problem+json to 600 arbitrary payloads', async () => {
    const tally = new Tally();
    let n = 0;
    const base = () => ({
      id: `fz-${n++}`,
      type: 'payment',
      occurred_at: '2025-12-31T00:00:00Z',
      customer: { id: `fz-c-${n % 7}`, side: 'seller', attributes: { plan: 'pro' } },
      currency: 'USD',
      revenue: '10.00',
      gross: '12.00',
      attributes: { channel: 'web' },
    });
    const fields: Path[] = [
      ['id'],
      ['source'],
      ['type'],
      ['occurred_at'],
      ['customer'],
      ['customer', 'id'],
      ['customer', 'side'],
      ['customer', 'country'],
      ['customer', 'segment'],
      ['customer', 'attributes'],
      ['customer', 'attributes', 'plan'],
      ['click_id'],
      ['referral_code'],
      ['coupon'],
      ['currency'],
      ['gross'],
      ['revenue'],
      ['payment_id'],
      ['attributes'],
      ['attributes', 'channel'],
      ['unexpected'],
    ];
    const nearValid = fc.record({
      changes: fc.array(fieldMutations(fields), { minLength: 1, maxLength: 4 }),
      shape: fc.constantFrom('single', 'single', 'batch', 'array'),
    });
    await fc.assert(
      fc.asyncProperty(nearValid, async ({ changes, shape }) => {
        const events = changes.map((c) => mutate(base(), c as [Path, unknown][]));
        const body = shape === 'single' ? events[0] : shape === 'batch' ? { events } : events;
        const r = await send(s, tally, '/v1/events', json(body), 'application/json');
        if (shape !== 'single' && r.statusCode === 200) {
          const results = r.json().results as { index: number; status: string }[];
          expect(results.map((x) => x.index)).toEqual(events.map((_, i) => i));
        }
      }),
      { numRuns: 250 },
    );
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (v) => {
        await send(s, tally, '/v1/events', json(v), 'application/json');
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
          fc.json().map((t) => t.slice(0, Math.max(0, t.length - 1))),
          oddText,
        ),
        fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
        async (payload, contentType) => {
          await send(s, tally, '/v1/events', payload, contentType);
        },
      ),
      { numRuns: 100 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CONTENT_TYPES), async (contentType) => {
        await send(s, tally, '/v1/events', json(base()), contentType);
      }),
      { numRuns: 100 },
    );
    // Some of it was good enough to store, much of it was refused.
    expect(tally.get('2xx')).toBeGreaterThan(20);
    expect(tally.get('4xx')).toBeGreaterThan(200);
    expect(tally.get('5xx')).toBe(0);
  });

  it('POST /v1/partners answers < 500 and problem+json to 200 arbitrary payloads', async () => {
    const tally = new Tally();
    let n = 0;
    const base = () => ({
      name: 'Fuzz Partner',
      email: `fuzz-${n++}@partner.test`,
      kinds: ['referral', 'integration'],
      programs: ['fz'],
      status: 'approved',
    });
    const fields: Path[] = [
      ['name'],
      ['email'],
      ['kinds'],
      ['kinds', 0],
      ['programs'],
      ['programs', 0],
      ['status'],
      ['unexpected'],
    ];
    const key = fc.option(
      fc.string({ unit: fc.constantFrom(...'abcdef0123456789-'), minLength: 1 }),
      {
        nil: undefined,
      },
    );
    await fc.assert(
      fc.asyncProperty(fieldMutations(fields), key, async (changes, idem) => {
        const body = mutate(base(), changes as [Path, unknown][]);
        await send(s, tally, '/v1/partners', json(body), 'application/json', {
          ...(idem === undefined ? {} : { 'idempotency-key': idem }),
        });
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue().map(json), oddText), async (payload) => {
        await send(s, tally, '/v1/partners', payload, 'application/json');
      }),
      { numRuns: 50 },
    );
    expect(tally.get('2xx')).toBeGreaterThan(10);
    expect(tally.get('4xx')).toBeGreaterThan(50);
  });

  it('POST /v1/programs/{key}/versions answers < 500 and problem+json to 200 arbitrary payloads', async () => {
    const tally = new Tally();
    const base = {
      effective_from: '2026-06-01',
      terms: {
        currency: 'USD',
        attribution: { model: 'last_touch', window_days: 90, priority: ['coupon', 'click'] },
        hold_days: 30,
        rewards: [
          {
            id: 'share',
            event: 'payment',
            percent: 10,
            of: 'revenue',
            duration: { months: 12, from: 'first_payment' },
            cap_per_customer: '500.00',
            when: { all: [{ field: 'customer.side', op: 'eq', value: 'seller' }] },
          },
          { id: 'bonus', event: 'signup', flat: '5.00' },
        ],
        caps: { per_partner_per_month: '1000.00' },
      },
      correction: false,
      reason: 'fuzz',
    };
    const fields: Path[] = [
      ['effective_from'],
      ['terms'],
      ['terms', 'currency'],
      ['terms', 'attribution'],
      ['terms', 'attribution', 'model'],
      ['terms', 'attribution', 'window_days'],
      ['terms', 'attribution', 'priority'],
      ['terms', 'hold_days'],
      ['terms', 'rewards'],
      ['terms', 'rewards', 0],
      ['terms', 'rewards', 0, 'id'],
      ['terms', 'rewards', 0, 'event'],
      ['terms', 'rewards', 0, 'percent'],
      ['terms', 'rewards', 0, 'of'],
      ['terms', 'rewards', 0, 'duration'],
      ['terms', 'rewards', 0, 'duration', 'months'],
      ['terms', 'rewards', 0, 'cap_per_customer'],
      ['terms', 'rewards', 0, 'when'],
      ['terms', 'rewards', 0, 'when', 'all', 0, 'field'],
      ['terms', 'rewards', 0, 'when', 'all', 0, 'value'],
      ['terms', 'rewards', 1, 'flat'],
      ['terms', 'rewards', 2],
      ['terms', 'caps', 'per_partner_per_month'],
      ['terms', 'unexpected'],
      ['correction'],
      ['reason'],
      ['unexpected'],
    ];
    await fc.assert(
      fc.asyncProperty(fieldMutations(fields), async (changes) => {
        const body = mutate(base, changes as [Path, unknown][]);
        await send(s, tally, '/v1/programs/fz/versions', json(body), 'application/json', {
          'idempotency-key': `v-${json(changes).length}-${Math.random()}`,
        });
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.constantFrom('fz', 'nope'), async (v, program) => {
        await send(s, tally, `/v1/programs/${program}/versions`, json(v), 'application/json');
        await send(s, tally, '/v1/programs/validate', json({ terms: v }), 'application/json');
      }),
      { numRuns: 50 },
    );
    expect(tally.get('2xx')).toBeGreaterThan(10);
    expect(tally.get('4xx')).toBeGreaterThan(50);
  });

  it('read routes answer < 500 to arbitrary ids and query strings', async () => {
    const routes = [
      '/v1/partners/{}',
      '/v1/partners/{}/balances',
      '/v1/partners/{}/accruals',
      '/v1/partners/{}/customers',
      '/v1/partners/{}/stats',
      '/v1/partners/{}/links',
      '/v1/partners/{}/codes',
      '/v1/customers/{}',
      '/v1/accruals/{}',
      '/v1/programs/{}',
    ];
    const queries = [
      '',
      '?limit=',
      '?limit=0',
      '?limit=1e9',
      '?before=',
      '?from=',
      '?to=',
      '?status=',
      '?q=',
    ];
    // What a URL can carry: percent-encoded UTF-8 (a lone surrogate has none, so
    // it becomes U+FFFD), or raw fragments that are not valid encodings at all.
    const segment = fc.oneof(
      oddText.map((t) => encodeURIComponent(t.replace(/\p{Cs}/gu, '\ufffd'))),
      fc.constantFrom('%ED%A0%80', '%C0%AF', '%ZZ', '%', '%00', '..', '%2F..%2F', '%FF%FE'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        segment,
        fc.constantFrom(...queries),
        segment,
        async (route, id, query, value) => {
          const url = route.replace('{}', id || 'x') + (query ? query + value : '');
          const r = await s.app.inject({ method: 'GET', url, headers: s.auth });
          expectWellFormed(r, `GET ${url}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is still healthy after all of it', async () => {
    const health = await s.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ ok: true });
    const event = await s.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: s.auth,
      payload: {
        id: 'after-the-storm',
        type: 'signup',
        occurred_at: '2025-12-31T23:00:00Z',
        customer: { id: 'calm' },
      },
    });
    expect(event.statusCode, event.body).toBe(201);
    const customer = await s.app.inject({
      method: 'GET',
      url: '/v1/customers/calm',
      headers: s.auth,
    });
    expect(customer.json()).toMatchObject({ id: 'calm', events: 1 });
  });
});
