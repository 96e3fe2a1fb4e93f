import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/expect-problem.js';
import { rowCounts } from '../support/row-counts.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;
let s: Server;
let admin: ReturnType<typeof apiClient>;
let partner: ReturnType<typeof apiClient>;
let partnerId: string;

const terms = (destinations?: string[]) => ({
  currency: 'USD',
  ...(destinations ? { links: { destinations } } : {}),
  rewards: [{ id: 'bonus', event: 'signup', flat: '5.00' }],
});

beforeAll(async () => {
  s = await testServer({ now: '2026-01-01T00:00:00Z' });
  admin = apiClient(s);
  for (const [key, destinations] of [
    ['fenced', ['market.example', '*.market.example']],
    ['open', undefined],
  ] as const) {
    const r = await admin('POST', '/v1/programs', {
      key,
      name: key,
      version: {
        effective_from: '2026-01-01',
        terms: terms(destinations ? [...destinations] : undefined),
      },
    });
    expect(r.statusCode, r.body).toBe(201);
  }
  const p = await admin('POST', '/v1/partners', {
    name: 'Acme',
    kinds: ['referral'],
    status: 'approved',
    programs: ['fenced', 'open'],
  });
  partnerId = p.json().id;
  const key = await admin('POST', '/v1/api-keys', { name: 'acme', partner_id: partnerId });
  partner = apiClient(s, key.json().key);
});
afterAll(() => s.close());

describe(`where tracking links may point (${backend})`, () => {
  it("lets a partner link to the program's hosts and their subdomains", async () => {
    for (const destination of [
      'https://market.example/sell',
      'https://shop.market.example/x?a=1',
    ]) {
      const r = await partner('POST', `/v1/partners/${partnerId}/links`, {
        program: 'fenced',
        destination,
      });
      expect(r.statusCode, r.body).toBe(201);
    }
  });

  it('refuses any other host with destination_not_allowed, for partners and operators, and stores nothing', async () => {
    const before = await rowCounts(s.t.store.db, ['links']);
    for (const client of [partner, admin]) {
      const p = expectProblem(
        await client('POST', `/v1/partners/${partnerId}/links`, {
          program: 'fenced',
          destination: 'https://market.example.evil.test/login',
        }),
        422,
        'destination_not_allowed',
      );
      expect(p.detail).toContain('market.example, *.market.example');
    }
    expect(await rowCounts(s.t.store.db, ['links'])).toEqual(before);
  });

  it('allows any address in a program without a list', async () => {
    const r = await partner('POST', `/v1/partners/${partnerId}/links`, {
      program: 'open',
      destination: 'https://elsewhere.example/',
    });
    expect(r.statusCode, r.body).toBe(201);
  });

  it('refuses a malformed list in the terms', async () => {
    const r = await admin('POST', '/v1/programs/validate', {
      terms: terms(['https://market.example/']),
    });
    const p = expectProblem(r, 422, 'invalid_program');
    expect(p.issues?.[0]?.path).toBe('links.destinations[0]');
  });

  it('says in the difference between versions when the list changes', async () => {
    const r = await admin('POST', '/v1/programs/open/versions', {
      effective_from: '2026-02-01',
      terms: terms(['market.example']),
    });
    expect(r.statusCode, r.body).toBe(201);
    const diff = (await admin('GET', '/v1/programs/open/versions/diff?from=1&to=2')).json();
    expect(JSON.stringify(diff)).toContain(
      'Tracking links may point to any address → market.example',
    );
  });
});
