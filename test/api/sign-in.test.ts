import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/expect-problem.js';
import { apiClient, testServer } from '../support/test-server.js';

type Server = Awaited<ReturnType<typeof testServer>>;
let s: Server;
let api: ReturnType<typeof apiClient>;
beforeEach(async () => {
  s = await testServer({ now: '2026-03-01T00:00:00Z' });
  api = apiClient(s);
});
afterEach(() => s.close());

/** The newest mail's sign-in link token for `to`, read from the /outbox page as a person would. */
async function linkTokenFor(to: string): Promise<string> {
  const page = await s.app.inject({ method: 'GET', url: '/outbox' });
  expect(page.statusCode).toBe(200);
  const mail = page.body.split('<article>').find((a) => a.includes(`<strong>${to}</strong>`));
  const token = mail?.match(/\/sign-in\/verify\?token=([\w-]+)/)?.[1];
  if (!token) throw new Error(`no sign-in link for ${to} in the outbox`);
  return token;
}

async function askLink(email: string, next?: string) {
  const r = await api('POST', '/v1/auth/magic-link', { email, ...(next ? { next } : {}) }, {});
  expect(r.statusCode, r.body).toBe(202);
}

/** Signs in through a mailed link; returns a client that sends the session cookie. */
async function signIn(email: string) {
  await apiClient(s, null)('POST', '/v1/auth/magic-link', { email });
  const token = await linkTokenFor(email.toLowerCase());
  const r = await apiClient(s, null)('POST', '/v1/auth/sessions', { token });
  expect(r.statusCode, r.body).toBe(200);
  const cookie = String(r.headers['set-cookie']).split(';')[0] as string;
  return { me: r.json(), cookie, as: sessionClient(cookie) };
}

const sessionClient =
  (cookie: string, csrf = true) =>
  (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    s.app.inject({
      method,
      url,
      headers: { cookie, ...(csrf ? { 'x-requested-with': 'tandem-web' } : {}) },
      ...(body === undefined ? {} : { payload: body as object }),
    });

async function partner(name: string, email: string) {
  const r = await api('POST', '/v1/partners', {
    name,
    email,
    kinds: ['referral'],
    status: 'approved',
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as string;
}

async function operator(email: string, role: string) {
  const r = await api('POST', '/v1/users', { email, name: role, role });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as string;
}

describe('signing in with a mailed link', () => {
  it('a partner contact signs in, sees only its own partner, and the link works once', async () => {
    const a = await partner('Alpha', 'Alpha@Example.com');
    const b = await partner('Beta', 'beta@example.com');
    await askLink('  ALPHA@example.com ', '/portal/earnings');
    const token = await linkTokenFor('alpha@example.com');
    const page = await s.app.inject({ method: 'GET', url: '/outbox' });
    expect(page.body).toContain('next=%2Fportal%2Fearnings');

    const r = await apiClient(s, null)('POST', '/v1/auth/sessions', { token });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      id: a,
      partner_id: a,
      user: { role: 'partner', email: 'alpha@example.com' },
    });
    const setCookie = String(r.headers['set-cookie']);
    expect(setCookie).toMatch(
      /^tandem_session=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=1209600$/,
    );

    const as = sessionClient(setCookie.split(';')[0] as string);
    expect((await as('GET', `/v1/partners/${a}/balances`)).statusCode).toBe(200);
    expectProblem(await as('GET', `/v1/partners/${b}/balances`), 404, 'partner_not_found');
    expectProblem(await as('GET', '/v1/partners'), 403, 'forbidden');

    expectProblem(
      await apiClient(s, null)('POST', '/v1/auth/sessions', { token }),
      401,
      'sign_in_link_invalid',
    );
  });

  it('answers 202 for an unknown email and sends nothing', async () => {
    await askLink('nobody@example.com');
    const page = await s.app.inject({ method: 'GET', url: '/outbox' });
    expect(page.body).not.toContain('nobody@example.com');
    expect(page.body).toContain('No mail yet');
  });

  it('a link expires after 15 minutes', async () => {
    await partner('Alpha', 'alpha@example.com');
    await askLink('alpha@example.com');
    const token = await linkTokenFor('alpha@example.com');
    s.t.clock.advance(15 * 60_000 + 1);
    expectProblem(
      await apiClient(s, null)('POST', '/v1/auth/sessions', { token }),
      401,
      'sign_in_link_invalid',
    );
  });

  it('sends at most five links per person in fifteen minutes', async () => {
    await partner('Alpha', 'alpha@example.com');
    for (let i = 0; i < 7; i++) await askLink('alpha@example.com');
    const page = await s.app.inject({ method: 'GET', url: '/outbox' });
    expect(page.body.split('<article>').length - 1).toBe(5);
  });

  it('a banned partner cannot sign in, even with a link sent before the ban', async () => {
    const a = await partner('Alpha', 'alpha@example.com');
    await askLink('alpha@example.com');
    const token = await linkTokenFor('alpha@example.com');
    const ban = await api('POST', `/v1/partners/${a}/status`, {
      status: 'banned',
      reason: 'fraud',
    });
    expect(ban.statusCode, ban.body).toBe(200);
    expectProblem(
      await apiClient(s, null)('POST', '/v1/auth/sessions', { token }),
      401,
      'sign_in_link_invalid',
    );
  });

  it('refuses a garbled request with a problem, not a crash', async () => {
    expectProblem(
      await apiClient(s, null)('POST', '/v1/auth/magic-link', { email: 'no-at-sign' }),
      400,
      'validation_failed',
    );
    expectProblem(
      await apiClient(s, null)('POST', '/v1/auth/sessions', { token: 'x' }),
      400,
      'validation_failed',
    );
    expectProblem(
      await apiClient(s, null)('POST', '/v1/auth/sessions', { token: 'not-a-real-token-at-all' }),
      401,
      'sign_in_link_invalid',
    );
  });
});

describe('a session', () => {
  it('needs the X-Requested-With header to write, ends on sign-out, and is refused after', async () => {
    await operator('boss@example.com', 'admin');
    const { cookie, as } = await signIn('boss@example.com');
    const body = { name: 'Gamma', email: 'g@example.com', kinds: ['referral'] };
    expectProblem(
      await sessionClient(cookie, false)('POST', '/v1/partners', body),
      403,
      'csrf_header_missing',
    );
    expect((await as('POST', '/v1/partners', body)).statusCode).toBe(201);

    const out = await as('DELETE', '/v1/auth/session');
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^tandem_session=; .*Max-Age=0/);
    expectProblem(await as('GET', '/v1/me'), 401, 'unauthorized');
  });

  it('sets a password, signs in with it, and ends the other sessions', async () => {
    await operator('fin@example.com', 'finance');
    const first = await signIn('fin@example.com');
    const second = await signIn('fin@example.com');
    expectProblem(
      await second.as('PUT', '/v1/auth/password', { password: 'short' }),
      422,
      'password_too_short',
    );
    expect(
      (await second.as('PUT', '/v1/auth/password', { password: 'correct horse battery' }))
        .statusCode,
    ).toBe(204);
    expectProblem(await first.as('GET', '/v1/me'), 401, 'unauthorized');
    expect((await second.as('GET', '/v1/me')).statusCode).toBe(200);

    const anon = apiClient(s, null);
    expectProblem(
      await anon('POST', '/v1/auth/sessions', {
        email: 'fin@example.com',
        password: 'wrong horse battery',
      }),
      401,
      'sign_in_failed',
    );
    expectProblem(
      await anon('POST', '/v1/auth/sessions', {
        email: 'ghost@example.com',
        password: 'whatever it is',
      }),
      401,
      'sign_in_failed',
    );
    const ok = await anon('POST', '/v1/auth/sessions', {
      email: 'FIN@example.com',
      password: 'correct horse battery',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      partner_id: null,
      user: { role: 'finance', has_password: true },
    });
    // Changing it again needs the current one.
    expectProblem(
      await second.as('PUT', '/v1/auth/password', { password: 'another long secret' }),
      401,
      'sign_in_failed',
    );
  });

  it('an API key has no password to set', async () => {
    expectProblem(
      await api('PUT', '/v1/auth/password', { password: 'correct horse battery' }),
      403,
      'forbidden',
    );
  });
});

describe('roles', () => {
  it('each operator role does what its scopes allow, no more', async () => {
    const p = await partner('Alpha', 'alpha@example.com');
    await operator('analyst@example.com', 'analyst');
    await operator('finance@example.com', 'finance');
    await operator('manager@example.com', 'partner_manager');
    const analyst = (await signIn('analyst@example.com')).as;
    const finance = (await signIn('finance@example.com')).as;
    const manager = (await signIn('manager@example.com')).as;
    const suspend = { status: 'suspended', reason: 'review' };

    expect((await analyst('GET', '/v1/partners')).statusCode).toBe(200);
    expectProblem(await analyst('POST', `/v1/partners/${p}/status`, suspend), 403, 'forbidden');
    expectProblem(await finance('POST', `/v1/partners/${p}/status`, suspend), 403, 'forbidden');
    expectProblem(await manager('GET', '/v1/users'), 403, 'forbidden');
    const done = await manager('POST', `/v1/partners/${p}/status`, suspend);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().status).toBe('suspended');
  });

  it('only an owner makes owners, and the last owner stays one', async () => {
    const owner = await operator('owner@example.com', 'owner');
    await operator('admin@example.com', 'admin');
    const admin = (await signIn('admin@example.com')).as;
    const ownerAs = (await signIn('owner@example.com')).as;
    expectProblem(
      await admin('POST', '/v1/users', { email: 'x@example.com', name: 'X', role: 'owner' }),
      403,
      'forbidden',
    );
    expectProblem(await admin('PATCH', `/v1/users/${owner}`, { disabled: true }), 403, 'forbidden');
    expectProblem(
      await ownerAs('PATCH', `/v1/users/${owner}`, { role: 'admin' }),
      409,
      'last_owner',
    );
    const second = await ownerAs('POST', '/v1/users', {
      email: 'co@example.com',
      name: 'Co',
      role: 'owner',
    });
    expect(second.statusCode, second.body).toBe(201);
    const demoted = await ownerAs('PATCH', `/v1/users/${owner}`, { role: 'admin' });
    expect(demoted.statusCode, demoted.body).toBe(200);
    expect(demoted.json()).toMatchObject({ role: 'admin' });
  });

  it('disabling a person ends their sessions', async () => {
    const id = await operator('temp@example.com', 'analyst');
    const { as } = await signIn('temp@example.com');
    expect((await api('PATCH', `/v1/users/${id}`, { disabled: true })).statusCode).toBe(200);
    expectProblem(await as('GET', '/v1/me'), 401, 'unauthorized');
    await askLink('temp@example.com');
    const page = await s.app.inject({ method: 'GET', url: '/outbox' });
    expect(page.body.split('<article>').length - 1).toBe(1);
  });

  it('refuses a duplicate email, a partner user without a partner, and an unknown partner', async () => {
    await operator('dup@example.com', 'analyst');
    expectProblem(
      await api('POST', '/v1/users', { email: 'DUP@example.com', name: 'D', role: 'admin' }),
      409,
      'user_exists',
    );
    expectProblem(
      await api('POST', '/v1/users', { email: 'p@example.com', name: 'P', role: 'partner' }),
      400,
      'validation_failed',
    );
    expectProblem(
      await api('POST', '/v1/users', {
        email: 'p@example.com',
        name: 'P',
        role: 'partner',
        partner_id: 'prt_nope',
      }),
      404,
      'partner_not_found',
    );
    expectProblem(await api('PATCH', '/v1/users/usr_nope', { name: 'x' }), 404, 'user_not_found');
  });
});

describe('the outbox page', () => {
  it('answers only this machine', async () => {
    const far = await s.app.inject({ method: 'GET', url: '/outbox', remoteAddress: '203.0.113.9' });
    expectProblem(far, 404, 'not_found');
    const near = await s.app.inject({ method: 'GET', url: '/outbox', remoteAddress: '127.0.0.1' });
    expect(near.statusCode).toBe(200);
    expect(near.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});
