import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { redirectingServer } from '../../src/server/redirect.js';
import { testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;

const BROWSER =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

const api = (s: Server, method: 'GET' | 'POST', url: string, body?: unknown) =>
  s.app.inject({
    method,
    url,
    headers: s.auth,
    ...(body === undefined ? {} : { payload: body as object }),
  });

const visit = (s: Server, code: string, headers: Record<string, string> = {}) =>
  s.app.inject({
    method: 'GET',
    url: `/r/${code}`,
    headers: { 'user-agent': BROWSER, ...headers },
  });

const clickIdOf = (r: LightMyRequestResponse) =>
  new URL(r.headers.location as string).searchParams.get('tdm_click') as string;

function expectNotFoundPage(r: LightMyRequestResponse) {
  expect(r.statusCode).toBe(404);
  expect(r.headers['content-type']).toMatch(/^text\/html/);
  expect(r.headers.location).toBeUndefined();
  expect(r.headers['set-cookie']).toBeUndefined();
  expect(r.body).toContain('Link not found');
}

/** A program, an approved partner and a link to https://market.test/sell?plan=pro. */
async function setup(now: string) {
  const s = await testServer({ now });
  await api(s, 'POST', '/v1/programs', {
    key: 'ref',
    name: 'Referrals',
    version: {
      effective_from: now,
      terms: { currency: 'USD', rewards: [{ id: 'bonus', event: 'signup', flat: '5.00' }] },
    },
  });
  const partner = (await api(s, 'POST', '/v1/partners', { name: 'R', status: 'approved' })).json();
  const link = (
    await api(s, 'POST', `/v1/partners/${partner.id}/links`, {
      program: 'ref',
      destination: 'https://market.test/sell?plan=pro',
    })
  ).json();
  return { s, partnerId: partner.id as string, link: link as { id: string; code: string } };
}

async function statsDay(s: Server, partnerId: string, day: string, query = '') {
  const r = await api(s, 'GET', `/v1/partners/${partnerId}/stats${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().data.find((d: { date: string }) => d.date === day);
}

describe(`GET /r/:code (${backend})`, () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('redirects with the click id in the URL and a cookie, and stores the click', async () => {
    const w = await setup('2026-04-10T15:00:00Z');
    s = w.s;
    const r = await visit(s, w.link.code);
    expect(r.statusCode).toBe(302);
    const location = new URL(r.headers.location as string);
    expect(location.origin + location.pathname).toBe('https://market.test/sell');
    expect(location.searchParams.get('plan')).toBe('pro');
    const clickId = clickIdOf(r);
    expect(clickId).toMatch(/^clk_[0-9a-z]{26}$/);
    expect(r.headers['set-cookie']).toBe(
      `tdm_click=${clickId}; Max-Age=7776000; Path=/; SameSite=Lax`,
    );
    expect(r.headers['cache-control']).toBe('no-store');

    // Answered before it is written (group commit); flushed, it is counted.
    expect(s.app.tracker.pending).toBe(1);
    await s.app.tracker.flush();
    expect(s.app.tracker.pending).toBe(0);
    expect(await statsDay(s, w.partnerId, '2026-04-10')).toMatchObject({
      clicks: 1,
      bot_clicks: 0,
    });
    expect(
      await statsDay(s, w.partnerId, '2026-04-10', '?from=2026-04-10&to=2026-04-11'),
    ).toMatchObject({ clicks: 1 });
    const stored = await s.t.store.db.selectFrom('clicks').selectAll().execute();
    expect(stored).toEqual([
      expect.objectContaining({ id: clickId, partner_id: w.partnerId, link_id: w.link.id }),
    ]);
    expect(Number(stored[0]?.bot)).toBe(0);
    // The visitor's IP is kept only as a keyed hash.
    expect(stored[0]?.ip_hash).not.toContain('127.0.0.1');

    // Behind a TLS-terminating proxy the cookie is Secure.
    const https = await visit(s, w.link.code, { 'x-forwarded-proto': 'https' });
    expect(https.headers['set-cookie']).toMatch(/; Secure$/);
  });

  it('answers the same over a real socket (the fast path before Fastify) as through Fastify', async () => {
    const w = await setup('2026-04-10T15:00:00Z');
    s = w.s;
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
    const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
      fetch(`${base}${path}`, {
        method,
        redirect: 'manual',
        headers: { 'user-agent': BROWSER, ...headers },
      });
    const viaSocket = await get(`/r/${w.link.code}?utm=x`, {
      'x-forwarded-for': '203.0.113.7, 10.0.0.1',
      'x-forwarded-proto': 'http, https',
      referer: 'https://blog.test/post',
    });
    const viaFastify = await visit(s, w.link.code, {
      'x-forwarded-for': '203.0.113.7, 10.0.0.1',
      'x-forwarded-proto': 'http, https',
      referer: 'https://blog.test/post',
    });
    expect(viaSocket.status).toBe(302);
    const socketClick = new URL(viaSocket.headers.get('location') as string).searchParams.get(
      'tdm_click',
    ) as string;
    const fastifyClick = clickIdOf(viaFastify);
    const shape = (h: Record<string, string | undefined>, click: string) => ({
      location: h.location?.replace(click, 'ID'),
      cookie: h['set-cookie']?.replace(click, 'ID'),
      cache: h['cache-control'],
      referrer: h['referrer-policy'],
      type: h['content-type'],
      length: h['content-length'],
    });
    expect(shape(Object.fromEntries(viaSocket.headers), socketClick)).toEqual(
      shape(viaFastify.headers as Record<string, string>, fastifyClick),
    );
    expect(viaSocket.headers.get('set-cookie')).toMatch(/; Secure$/);
    await s.app.tracker.flush();
    // Both clicks stored alike: same link, same client address (left-most X-Forwarded-For), same referer.
    const rows = await s.t.store.db
      .selectFrom('clicks')
      .select(['id', 'link_id', 'ip_hash', 'referer', 'user_agent'])
      .where('id', 'in', [socketClick, fastifyClick])
      .execute();
    expect(rows).toHaveLength(2);
    const [a, b] = rows;
    expect({ ...a, id: undefined }).toEqual({ ...b, id: undefined });

    // Unknown codes get the same page; codes to decode, and HEAD, go through Fastify.
    const unknown = await get('/r/no-such-code');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await unknown.text()).toContain('Link not found');
    expect((await get(`/r/${encodeURIComponent(w.link.code)}%20`)).status).toBe(404);
    expect((await get(`/r/${w.link.code}`, {}, 'HEAD')).status).toBe(302);
    expect((await get('/r/')).status).toBe(404);
    expect((await get(`/r/${w.link.code}/more`)).status).toBe(404);
    expect((await get('/health')).status).toBe(200);

    // Which requests the fast path takes itself and which it hands to Fastify.
    const handed: string[] = [];
    const server = redirectingServer(() => (s as Server).app.tracker, { cookieDays: 90 })(
      (req, res) => {
        handed.push(`${req.method} ${req.url}`);
        res.writeHead(204).end();
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const at = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const direct = await fetch(`${at}/r/${w.link.code}`, { redirect: 'manual' });
      expect(direct.status).toBe(302);
      expect((await fetch(`${at}/r/no-such-code`)).status).toBe(404);
      for (const [method, path] of [
        ['HEAD', `/r/${w.link.code}`],
        ['GET', `/r/${w.link.code}%20`],
        ['GET', `/r/${w.link.code}/more`],
        ['POST', `/r/${w.link.code}`],
        ['GET', '/health'],
      ] as const)
        expect((await fetch(`${at}${path}`, { method, redirect: 'manual' })).status).toBe(204);
      expect(handed).toEqual([
        `HEAD /r/${w.link.code}`,
        `GET /r/${w.link.code}%20`,
        `GET /r/${w.link.code}/more`,
        `POST /r/${w.link.code}`,
        'GET /health',
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('counts a click made at exactly midnight in the default stats range', async () => {
    // Fixed in src/server/routes/reads.ts: the default range ended at
    // ceil(now / day), which at exactly 00:00 UTC is now itself, so today was left out.
    const w = await setup('2027-06-01T00:00:00Z');
    s = w.s;
    expect((await visit(s, w.link.code)).statusCode).toBe(302);
    await s.app.tracker.flush();
    const r = await api(s, 'GET', `/v1/partners/${w.partnerId}/stats`);
    const days = r.json().data as { date: string; clicks: number }[];
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toMatchObject({ date: '2027-06-01', clicks: 1 });
  });

  it('stores a bot click flagged, and a signup quoting it is not attributed', async () => {
    const w = await setup('2026-04-10T15:00:00Z');
    s = w.s;
    const bot = await visit(s, w.link.code, { 'user-agent': GOOGLEBOT });
    expect(bot.statusCode).toBe(302);
    const human = await visit(s, w.link.code);
    await s.app.tracker.flush();
    expect(await statsDay(s, w.partnerId, '2026-04-10')).toMatchObject({
      clicks: 1,
      bot_clicks: 1,
    });

    s.t.clock.set(Date.parse('2026-04-10T16:00:00Z'));
    const signups = await api(s, 'POST', '/v1/events', [
      {
        id: 'su-bot',
        type: 'signup',
        occurred_at: '2026-04-10T15:30:00Z',
        customer: { id: 'via-bot' },
        click_id: clickIdOf(bot),
      },
      {
        id: 'su-human',
        type: 'signup',
        occurred_at: '2026-04-10T15:30:00Z',
        customer: { id: 'via-human' },
        click_id: clickIdOf(human),
      },
    ]);
    expect(signups.json()).toMatchObject({ accepted: 2 });
    await deriveAll(s.t);

    const viaBot = (await api(s, 'GET', '/v1/customers/via-bot')).json();
    expect(viaBot).toMatchObject({ id: 'via-bot', events: 1, attributions: [] });
    const viaHuman = (await api(s, 'GET', '/v1/customers/via-human')).json();
    expect(viaHuman.attributions).toEqual([
      expect.objectContaining({ partner_id: w.partnerId, customer_id: 'via-human' }),
    ]);
    const customers = (await api(s, 'GET', `/v1/partners/${w.partnerId}/customers`)).json().data;
    expect(customers.map((c: { customer_id: string }) => c.customer_id)).toEqual(['via-human']);
    const accruals = (await api(s, 'GET', `/v1/partners/${w.partnerId}/accruals`)).json().data;
    expect(accruals.map((a: { customer_id: string }) => a.customer_id)).toEqual(['via-human']);
  });

  it('answers 404 text/html for unknown codes, disabled links and suspended partners', async () => {
    const w = await setup('2026-04-10T15:00:00Z');
    s = w.s;
    expectNotFoundPage(await visit(s, 'no-such-code'));
    expectNotFoundPage(await visit(s, 'x'.repeat(65)));
    expectNotFoundPage(await visit(s, encodeURIComponent('ünïcödé')));

    // Seen once (and cached), then suspended: the cache is dropped on this node.
    expect((await visit(s, w.link.code)).statusCode).toBe(302);
    const suspended = await api(s, 'POST', `/v1/partners/${w.partnerId}/status`, {
      status: 'suspended',
      reason: 'fraud review',
    });
    expect(suspended.statusCode).toBe(200);
    expectNotFoundPage(await visit(s, w.link.code));
    await api(s, 'POST', `/v1/partners/${w.partnerId}/status`, { status: 'approved' });
    expect((await visit(s, w.link.code)).statusCode).toBe(302);

    const disabled = await api(s, 'POST', `/v1/links/${w.link.id}/disable`);
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json()).toMatchObject({
      id: w.link.id,
      disabled_at: '2026-04-10T15:00:00.000Z',
    });
    expectNotFoundPage(await visit(s, w.link.code));
    const links = (await api(s, 'GET', `/v1/partners/${w.partnerId}/links`)).json().data;
    expect(links[0].disabled_at).toBe('2026-04-10T15:00:00.000Z');
    const unknown = await api(s, 'POST', '/v1/links/lnk_nope/disable');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('link_not_found');

    // Only the two redirects that were answered 302 were recorded.
    await s.app.tracker.flush();
    expect(await statsDay(s, w.partnerId, '2026-04-10')).toMatchObject({ clicks: 2 });
  });
});
