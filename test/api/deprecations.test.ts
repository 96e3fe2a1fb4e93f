import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/engine/api-keys.js';
import { buildServer } from '../../src/server/build-server.js';
import { type Deprecation, deprecations } from '../../src/server/deprecations.js';
import { expectProblem } from '../support/expect-problem.js';
import { rowCounts } from '../support/row-counts.js';
import { testServer } from '../support/test-server.js';
import { backend, testTandem } from '../support/test-tandem.js';

const changelog = readFileSync(new URL('../../docs/changelog.md', import.meta.url), 'utf8');

/** Two real operations, deprecated for the test: one with a replacement, one without. */
const injected: Deprecation[] = [
  {
    method: 'GET',
    path: '/v1/partners/:id/balances',
    deprecated_at: '2026-02-01',
    sunset_at: '2026-09-01',
    replacement: { method: 'GET', path: '/v1/partners/:id/payout-outlook' },
    note: 'read the payout outlook instead',
    anchor: 'balances-test',
  },
  {
    method: 'POST',
    path: '/v1/partners',
    deprecated_at: '2026-02-01',
    sunset_at: '2026-08-01T12:00:00Z',
    note: 'partners apply themselves',
    anchor: 'partners-test',
  },
];

const GONE_POST = Date.parse('2026-08-01T12:00:00Z');

async function serverWith(list: readonly Deprecation[]) {
  const t = await testTandem({ now: '2026-03-01T00:00:00Z' });
  try {
    const app = await buildServer(t, { deprecations: list });
    const { key } = await createApiKey(t, { name: 'admin', scopes: ['admin'] });
    return { t, app, auth: { authorization: `Bearer ${key}` } };
  } catch (e) {
    await t.close();
    throw e;
  }
}

/** `#anchor` targets of a markdown text: GitHub heading slugs and explicit `<a id>`s. */
function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const [, heading] of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    out.add(
      (heading as string)
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .trim()
        .replace(/\s/g, '-'),
    );
  }
  for (const [, id] of markdown.matchAll(/<a id="([^"]+)">/g)) out.add(id as string);
  return out;
}

/** What is wrong with a registry against the changelog and the routes; empty when nothing. */
function registryProblems(list: readonly Deprecation[], markdown: string, app: FastifyInstance) {
  const anchors = anchorsOf(markdown);
  const problems: string[] = [];
  for (const d of list) {
    const name = `${d.method} ${d.path}`;
    if (!anchors.has(d.anchor)) problems.push(`${name}: no #${d.anchor} in docs/changelog.md`);
    if (!app.hasRoute({ method: d.method, url: d.path })) problems.push(`${name}: no such route`);
    if (d.replacement && !app.hasRoute({ method: d.replacement.method, url: d.replacement.path }))
      problems.push(`${name}: no replacement route ${d.replacement.path}`);
    if (d.sunset_at !== undefined) {
      const notice = new Date(d.deprecated_at);
      notice.setUTCMonth(notice.getUTCMonth() + 6);
      if (Date.parse(d.sunset_at) < notice.getTime())
        problems.push(`${name}: sunset less than six months after the announcement`);
    }
  }
  return problems;
}

describe(`API versions and deprecations (${backend})`, () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function deprecatedServer() {
    const s = await serverWith(injected);
    close = async () => {
      await s.app.close();
      await s.t.close();
    };
    return s;
  }

  async function createPartner(app: FastifyInstance, auth: Record<string, string>, name = 'Acme') {
    return app.inject({ method: 'POST', url: '/v1/partners', headers: auth, payload: { name } });
  }

  it('announces a deprecated operation on every answer, errors included', async () => {
    const { app, auth } = await deprecatedServer();
    const created = await createPartner(app, auth);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.deprecation).toBe('@1769904000');
    expect(created.headers.sunset).toBe('Sat, 01 Aug 2026 12:00:00 GMT');
    expect(created.headers.link).toBe(
      '</docs/changelog.md#partners-test>; rel="deprecation"; type="text/markdown"',
    );

    const id = created.json().id as string;
    const balanceHeaders = {
      deprecation: '@1769904000',
      sunset: 'Tue, 01 Sep 2026 00:00:00 GMT',
      link: `</docs/changelog.md#balances-test>; rel="deprecation"; type="text/markdown", </v1/partners/${id}/payout-outlook>; rel="successor-version"`,
    };
    for (const method of ['GET', 'HEAD'] as const) {
      const r = await app.inject({ method, url: `/v1/partners/${id}/balances`, headers: auth });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers).toMatchObject(balanceHeaders);
    }
    const unknown = await app.inject({ url: '/v1/partners/prt_nobody/balances', headers: auth });
    expectProblem(unknown, 404, 'partner_not_found');
    expect(unknown.headers.deprecation).toBe('@1769904000');
    const refused = await createPartner(app, {}, 'Anonymous');
    expectProblem(refused, 401, 'unauthorized');
    expect(refused.headers.deprecation).toBe('@1769904000');
  });

  it('leaves every other operation unmarked', async () => {
    const { app, auth } = await deprecatedServer();
    const id = (await createPartner(app, auth)).json().id as string;
    for (const url of [
      '/v1/partners',
      `/v1/partners/${id}`,
      `/v1/partners/${id}/payout-outlook`,
      '/v1/nothing-here',
      '/health',
    ]) {
      const r = await app.inject({ url, headers: auth });
      expect(r.headers.deprecation, url).toBeUndefined();
      expect(r.headers.sunset, url).toBeUndefined();
      expect(r.headers.link, url).toBeUndefined();
    }
  });

  it('answers 410 endpoint_sunset from the sunset instant on, and changes nothing', async () => {
    const { t, app, auth } = await deprecatedServer();
    const id = (await createPartner(app, auth)).json().id as string;
    t.clock.set(GONE_POST - 1);
    expect((await createPartner(app, auth, 'Just in time')).statusCode).toBe(201);

    t.clock.set(GONE_POST);
    const before = await rowCounts(t.store.db, ['partners', 'audit_log', 'idempotency']);
    const gone = await app.inject({
      method: 'POST',
      url: '/v1/partners',
      headers: { ...auth, 'idempotency-key': 'late' },
      payload: { name: 'Too late' },
    });
    const body = expectProblem(gone, 410, 'endpoint_sunset');
    expect(body).toMatchObject({
      sunset_at: '2026-08-01T12:00:00.000Z',
      changelog: '/docs/changelog.md#partners-test',
    });
    expect(body).not.toHaveProperty('replacement');
    expect(gone.headers.sunset).toBe('Sat, 01 Aug 2026 12:00:00 GMT');
    // Refused before the body is read: an invalid one is not a validation error.
    const invalid = await app.inject({
      method: 'POST',
      url: '/v1/partners',
      headers: auth,
      payload: { nope: true },
    });
    expectProblem(invalid, 410, 'endpoint_sunset');
    expect(await rowCounts(t.store.db, ['partners', 'audit_log', 'idempotency'])).toEqual(before);
    // The balances operation is not sunset yet; a month later it is, naming its replacement.
    expect(
      (await app.inject({ url: `/v1/partners/${id}/balances`, headers: auth })).statusCode,
    ).toBe(200);
    t.clock.set(Date.parse('2026-09-01T00:00:00Z'));
    const old = await app.inject({ url: `/v1/partners/${id}/balances?x=1`, headers: auth });
    expect(expectProblem(old, 410, 'endpoint_sunset')).toMatchObject({
      detail: expect.stringContaining(`use GET /v1/partners/${id}/payout-outlook`),
      replacement: { method: 'GET', path: `/v1/partners/${id}/payout-outlook` },
    });
    expect(old.headers.link).toContain(
      `</v1/partners/${id}/payout-outlook>; rel="successor-version"`,
    );
  });

  it('marks deprecated operations in the OpenAPI document, and only them', async () => {
    const { app } = await deprecatedServer();
    const doc = (await app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { deprecated?: boolean }>>;
    };
    const marked = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.deprecated === true)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(marked.sort()).toEqual(['GET /v1/partners/{id}/balances', 'POST /v1/partners']);
  });

  it('answers an unknown API version with the versions there are', async () => {
    const s = await testServer();
    close = s.close;
    for (const [method, url] of [
      ['GET', '/v2/partners'],
      ['POST', '/v0/events'],
      ['GET', '/v2'],
      ['GET', '/v10/partners?limit=1'],
    ] as const) {
      const r = await s.app.inject({ method, url, headers: s.auth });
      const body = expectProblem(r, 404, 'unknown_api_version');
      expect(body).toMatchObject({ supported_versions: ['v1'] });
      expect(body.detail).toBe(
        `there is no API ${url.split('/')[1]?.split('?')[0]}; this server answers /v1`,
      );
    }
    for (const url of ['/v1/nothing-here', '/version', '/v1x/partners']) {
      expectProblem(await s.app.inject({ url, headers: s.auth }), 404, 'not_found');
    }
  });

  it('serves the changelog the deprecation links point into', async () => {
    const s = await testServer();
    close = s.close;
    const r = await s.app.inject({ url: '/docs/changelog.md' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(r.body).toBe(changelog);
    expect(anchorsOf(changelog)).toContain('compatibility-policy');
  });

  it('refuses a registry that cannot be announced', async () => {
    const base = injected[0] as Deprecation;
    await expect(serverWith([{ ...base, path: '/v1/partners/:id/balance' }])).rejects.toThrow(
      'deprecations name no route: GET /v1/partners/:id/balance',
    );
    await expect(serverWith([{ ...base, sunset_at: '2026-02-30' }])).rejects.toThrow(
      'sunset_at 2026-02-30 is not a UTC day or instant',
    );
    await expect(serverWith([base, base])).rejects.toThrow('is listed twice');
  });

  it('keeps the real registry in step with docs/changelog.md and the routes', async () => {
    const s = await testServer();
    close = s.close;
    expect(registryProblems(deprecations, changelog, s.app)).toEqual([]);
    // The check finds what it should, so an empty registry cannot pass it by accident.
    expect(
      registryProblems(
        [
          { ...(injected[0] as Deprecation), anchor: 'compatibility-policy' },
          { ...(injected[1] as Deprecation), path: '/v1/partner', deprecated_at: '2026-03-01' },
        ],
        changelog,
        s.app,
      ),
    ).toEqual([
      'POST /v1/partner: no #partners-test in docs/changelog.md',
      'POST /v1/partner: no such route',
      'POST /v1/partner: sunset less than six months after the announcement',
    ]);
  });
});
