import { afterEach, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/expect-problem.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;

const client = (s: Server) => apiClient(s);

/** A server with one program (`ref`) to attach links and codes to. */
async function withProgram() {
  const s = await testServer({ now: '2026-01-01T00:00:00Z' });
  const api = client(s);
  const r = await api('POST', '/v1/programs', {
    key: 'ref',
    name: 'Referrals',
    version: {
      effective_from: '2026-01-01',
      terms: { currency: 'USD', rewards: [{ id: 'bonus', event: 'signup', flat: '5.00' }] },
    },
  });
  expect(r.statusCode, r.body).toBe(201);
  return { s, api };
}

describe(`partners, links and codes (${backend})`, () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('creates an applicant and approves it with a reason', async () => {
    const w = await withProgram();
    s = w.s;
    const created = await w.api('POST', '/v1/partners', {
      name: 'Acme Agency',
      email: 'hello@acme.test',
      kinds: ['referral', 'co_marketing'],
      programs: ['ref'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json();
    expect(p).toMatchObject({
      id: expect.stringMatching(/^prt_/),
      name: 'Acme Agency',
      email: 'hello@acme.test',
      kinds: ['referral', 'co_marketing'],
      status: 'applied',
      programs: ['ref'],
    });
    const applied = (await w.api('GET', '/v1/partners?status=applied')).json().data;
    expect(applied.map((x: { id: string }) => x.id)).toEqual([p.id]);

    const approved = await w.api('POST', `/v1/partners/${p.id}/status`, {
      status: 'approved',
      reason: 'vetted by the partner team',
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({
      id: p.id,
      status: 'approved',
      status_reason: 'vetted by the partner team',
    });
    expect((await w.api('GET', `/v1/partners/${p.id}`)).json().status).toBe('approved');
    expect((await w.api('GET', '/v1/partners?status=applied')).json().data).toEqual([]);
    expect((await w.api('GET', '/v1/partners?q=ACME')).json().data).toHaveLength(1);

    expectProblem(
      await w.api('POST', '/v1/partners', { name: 'Copycat', email: 'hello@acme.test' }),
      409,
      'partner_exists',
    );
    expectProblem(
      await w.api('POST', '/v1/partners', { name: 'Lost', programs: ['nope'] }),
      404,
      'program_not_found',
    );
    expectProblem(
      await w.api('POST', '/v1/partners/prt_nobody/status', { status: 'approved' }),
      404,
      'partner_not_found',
    );
    const invalid = expectProblem(
      await w.api('POST', '/v1/partners', { name: '', kinds: ['reseller'], email: 'nope' }),
      400,
      'validation_failed',
    );
    expect((invalid.issues ?? []).map((i: { path: string }) => i.path).sort()).toEqual([
      'body.email',
      'body.kinds[0]',
      'body.name',
    ]);
  });

  it('refuses transitions the workflow does not allow', async () => {
    const w = await withProgram();
    s = w.s;
    const p = (await w.api('POST', '/v1/partners', { name: 'Shady' })).json();
    const move = (status: string) =>
      w.api('POST', `/v1/partners/${p.id}/status`, { status, reason: 'test' });

    const early = expectProblem(await move('suspended'), 422, 'invalid_partner_transition');
    expect(early).toMatchObject({ from: 'applied', to: 'suspended' });
    expect((await move('approved')).statusCode).toBe(200);
    expect((await move('banned')).statusCode).toBe(200);
    const back = expectProblem(await move('approved'), 422, 'invalid_partner_transition');
    expect(back).toMatchObject({ from: 'banned', to: 'approved', allowed: [] });
    expect((await w.api('GET', `/v1/partners/${p.id}`)).json().status).toBe('banned');
    // Staying put is not a transition.
    expect((await move('banned')).statusCode).toBe(200);
    expectProblem(await move('vanished'), 400, 'validation_failed');
  });

  it('creates links and codes only for approved partners', async () => {
    const w = await withProgram();
    s = w.s;
    const p = (await w.api('POST', '/v1/partners', { name: 'Newbie' })).json();
    const link = { program: 'ref', destination: 'https://market.test/' };
    expectProblem(
      await w.api('POST', `/v1/partners/${p.id}/links`, link),
      422,
      'partner_not_approved',
    );
    expectProblem(
      await w.api('POST', `/v1/partners/${p.id}/codes`, { program: 'ref', kind: 'coupon' }),
      422,
      'partner_not_approved',
    );
    await w.api('POST', `/v1/partners/${p.id}/status`, { status: 'approved' });
    expect((await w.api('POST', `/v1/partners/${p.id}/links`, link)).statusCode).toBe(201);
    await w.api('POST', `/v1/partners/${p.id}/status`, { status: 'suspended' });
    expectProblem(
      await w.api('POST', `/v1/partners/${p.id}/links`, link),
      422,
      'partner_not_approved',
    );
    expect((await w.api('GET', `/v1/partners/${p.id}/links`)).json().data).toHaveLength(1);
  });

  it('keeps link and code names unique', async () => {
    const w = await withProgram();
    s = w.s;
    const a = (await w.api('POST', '/v1/partners', { name: 'A', status: 'approved' })).json();
    const b = (await w.api('POST', '/v1/partners', { name: 'B', status: 'approved' })).json();
    const link = (code: string) => ({ program: 'ref', destination: 'https://market.test/', code });
    const first = await w.api('POST', `/v1/partners/${a.id}/links`, link('spring-sale'));
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().code).toBe('spring-sale');
    expectProblem(
      await w.api('POST', `/v1/partners/${a.id}/links`, link('spring-sale')),
      409,
      'code_taken',
    );
    expectProblem(
      await w.api('POST', `/v1/partners/${b.id}/links`, link('spring-sale')),
      409,
      'code_taken',
    );
    expectProblem(
      await w.api('POST', `/v1/partners/${b.id}/links`, link('no spaces!')),
      400,
      'validation_failed',
    );
    // Generated codes are distinct.
    const generated = await Promise.all(
      [1, 2, 3].map(() =>
        w.api('POST', `/v1/partners/${b.id}/links`, {
          program: 'ref',
          destination: 'https://market.test/',
        }),
      ),
    );
    const codes = generated.map((r) => r.json().code);
    expect(new Set(codes).size).toBe(3);

    const coupon = await w.api('POST', `/v1/partners/${a.id}/codes`, {
      program: 'ref',
      kind: 'coupon',
      code: 'SAVE10',
    });
    expect(coupon.statusCode, coupon.body).toBe(201);
    // Codes match case-insensitively, across kinds.
    expectProblem(
      await w.api('POST', `/v1/partners/${b.id}/codes`, {
        program: 'ref',
        kind: 'referral_code',
        code: 'save10',
      }),
      409,
      'code_taken',
    );
  });

  it('keeps the destination’s own query and adds the utm object as utm_* parameters', async () => {
    const w = await withProgram();
    s = w.s;
    const p = (await w.api('POST', '/v1/partners', { name: 'UTM', status: 'approved' })).json();
    const r = await w.api('POST', `/v1/partners/${p.id}/links`, {
      program: 'ref',
      destination: 'https://market.test/sell?plan=pro&ref=home&utm_source=own',
      utm: { source: 'ignored', medium: 'newsletter', campaign: 'spring 2026' },
    });
    expect(r.statusCode, r.body).toBe(201);
    const url = new URL(r.json().destination);
    expect(url.origin + url.pathname).toBe('https://market.test/sell');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      plan: 'pro',
      ref: 'home',
      utm_source: 'own',
      utm_medium: 'newsletter',
      utm_campaign: 'spring 2026',
    });
    // The redirect carries them on, plus the click id.
    const visit = await s.app.inject({ method: 'GET', url: `/r/${r.json().code}` });
    const location = new URL(visit.headers.location as string);
    expect(location.searchParams.get('plan')).toBe('pro');
    expect(location.searchParams.get('utm_medium')).toBe('newsletter');
    expect(location.searchParams.get('tdm_click')).toMatch(/^clk_/);

    for (const destination of ['ftp://market.test/', '/relative', 'javascript:alert(1)']) {
      const bad = expectProblem(
        await w.api('POST', `/v1/partners/${p.id}/links`, { program: 'ref', destination }),
        400,
        'validation_failed',
      );
      expect(bad.issues).toEqual([{ path: 'destination', message: expect.any(String) }]);
    }
    expectProblem(
      await w.api('POST', `/v1/partners/${p.id}/links`, {
        program: 'ref',
        destination: 'https://market.test/',
        utm: { source: 'x', gclid: 'y' },
      }),
      400,
      'validation_failed',
    );
    expectProblem(
      await w.api('POST', `/v1/partners/${p.id}/links`, {
        program: 'nope',
        destination: 'https://market.test/',
      }),
      404,
      'program_not_found',
    );
    expect((await w.api('GET', `/v1/partners/${p.id}/links`)).json().data).toHaveLength(1);
  });
});
