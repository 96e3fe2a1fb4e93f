import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/engine/api-keys.js';
import { expectProblem } from '../support/expect-problem.js';
import { testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

// DESIGN invariant 3: same key and same content → the same answer, no new
// effect; same key, different content → 409 idempotency_conflict.

type Server = Awaited<ReturnType<typeof testServer>>;

const post = (s: Server, url: string, body: unknown, key?: string, auth = s.auth) =>
  s.app.inject({
    method: 'POST',
    url,
    headers: { ...auth, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: body as object,
  });

async function partnerCount(s: Server): Promise<number> {
  const r = await s.app.inject({ method: 'GET', url: '/v1/partners', headers: s.auth });
  return r.json().data.length;
}

describe(`Idempotency-Key on writes (${backend})`, () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('replays the first answer for the same key and body, and creates one partner', async () => {
    s = await testServer();
    const body = { name: 'Once Only', email: 'once@partner.test', kinds: ['referral'] };
    const first = await post(s, '/v1/partners', body, 'create-once-1');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const replays = await Promise.all([
      post(s, '/v1/partners', body, 'create-once-1'),
      post(
        s,
        '/v1/partners',
        { kinds: ['referral'], email: 'once@partner.test', name: 'Once Only' },
        'create-once-1',
      ),
    ]);
    for (const r of replays) {
      expect(r.statusCode).toBe(201);
      expect(r.headers['idempotent-replayed']).toBe('true');
      expect(r.json()).toEqual(first.json());
    }
    expect(await partnerCount(s)).toBe(1);
  });

  it('answers 409 idempotency_conflict for the same key with another body, and does nothing', async () => {
    s = await testServer();
    const first = await post(s, '/v1/partners', { name: 'First' }, 'k-1');
    expect(first.statusCode).toBe(201);
    expectProblem(
      await post(s, '/v1/partners', { name: 'Second' }, 'k-1'),
      409,
      'idempotency_conflict',
    );
    expect(await partnerCount(s)).toBe(1);
    // Without a key, each request is its own.
    await post(s, '/v1/partners', { name: 'Twin' });
    await post(s, '/v1/partners', { name: 'Twin' });
    expect(await partnerCount(s)).toBe(3);
  });

  it('scopes keys per API key and per route', async () => {
    s = await testServer();
    const other = await createApiKey(s.t, { name: 'second admin', scopes: ['admin'] });
    const a = await post(s, '/v1/partners', { name: 'Same' }, 'shared');
    const b = await post(s, '/v1/partners', { name: 'Same' }, 'shared', {
      authorization: `Bearer ${other.key}`,
    });
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.json().id).not.toBe(a.json().id);
    const program = await post(s, '/v1/programs', { key: 'same', name: 'Same' }, 'shared');
    expect(program.statusCode, program.body).toBe(201);
    expect(program.headers['idempotent-replayed']).toBeUndefined();
    expect(await partnerCount(s)).toBe(2);
  });

  it('replays a link with its generated code instead of making a second one', async () => {
    s = await testServer();
    await post(s, '/v1/programs', {
      key: 'ref',
      name: 'Ref',
      version: { effective_from: '2026-01-01', terms: { currency: 'USD', rewards: [] } },
    });
    const p = (await post(s, '/v1/partners', { name: 'L', status: 'approved' })).json();
    const body = { program: 'ref', destination: 'https://market.test/' };
    const first = await post(s, `/v1/partners/${p.id}/links`, body, 'link-1');
    const again = await post(s, `/v1/partners/${p.id}/links`, body, 'link-1');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().code).toBe(first.json().code);
    const links = await s.app.inject({
      method: 'GET',
      url: `/v1/partners/${p.id}/links`,
      headers: s.auth,
    });
    expect(links.json().data).toHaveLength(1);
  });

  it('replays a refusal as the same problem, not as "still in progress"', async () => {
    // Fixed in src/server/idempotent.ts: a TandemError thrown by the write left
    // the key reserved with no answer, so every retry got 409
    // idempotency_conflict "still in progress" forever instead of the refusal.
    s = await testServer();
    await post(s, '/v1/partners', { name: 'Taken', email: 'taken@partner.test' });
    const body = { name: 'Late', email: 'taken@partner.test' };
    const first = await post(s, '/v1/partners', body, 'refused-1');
    expectProblem(first, 409, 'partner_exists');
    const retry = await post(s, '/v1/partners', body, 'refused-1');
    expectProblem(retry, 409, 'partner_exists');
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await partnerCount(s)).toBe(1);

    const lost = { name: 'Lost', programs: ['nope'] };
    expectProblem(await post(s, '/v1/partners', lost, 'refused-2'), 404, 'program_not_found');
    expectProblem(await post(s, '/v1/partners', lost, 'refused-2'), 404, 'program_not_found');
  });
});
