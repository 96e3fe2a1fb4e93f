/**
 * API-key scopes, route by route: a key holding one scope only (and a key
 * per operator role, and a partner's key) calls every route of the server.
 * What each may do is written down below, by hand from docs/api.md (and
 * checked against its endpoint table), never read from the routes
 * themselves. A denied request answers `403 forbidden` and changes nothing;
 * an allowed one is never refused for want of a scope. A route missing from
 * the table fails the test until it is added.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, type Scope, scopes } from '../../src/engine/api-keys.js';
import { type Role, scopesOfRole } from '../../src/engine/users.js';
import { bodyFor, pathFills, queryFills } from '../support/matrix-requests.js';
import {
  fastifyRoutes,
  fillPath,
  type MatrixRoute,
  routeShape,
  serverRoutes,
} from '../support/matrix-routes.js';
import { fingerprint, MATRIX_NOW, type MatrixWorld, matrixWorld } from '../support/matrix-world.js';
import { testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;

/**
 * Who may call a route. `scopes`: an operator key holding any of them (or
 * `admin`); `partner`: a partner's own key on its own data (`own`), or on
 * what every partner shares (`any`). `public`: no key needed; `any key`:
 * every key; `session`: only a signed-in person, never a key. `test`: the
 * route takes test-mode keys only (each key is tried in test mode there).
 */
type Access =
  | { scopes: Scope[]; partner?: 'own' | 'any'; test?: true }
  | 'public'
  | 'any key'
  | 'session';

const op = (...s: Scope[]): Access => ({ scopes: s });
const own = (...s: Scope[]): Access => ({ scopes: s, partner: 'own' });
const shared = (...s: Scope[]): Access => ({ scopes: s, partner: 'any' });

/** The API: docs/api.md's endpoint table, with the bodies matrix-requests.ts sends. */
const API: Record<string, Access> = {
  'POST /v1/events': op('events:write'),
  'GET /v1/events': op('read'),
  'POST /v1/programs': op('programs:write'),
  'GET /v1/programs': op('read'),
  'GET /v1/programs/{program}': op('read'),
  'GET /v1/programs/{program}/versions/diff': op('read'),
  'POST /v1/programs/{program}/versions': op('programs:write'),
  'POST /v1/programs/validate': op('read'),
  'POST /v1/programs/{program}/backtest': op('read'),
  'GET /v1/programs/{id}/budget': op('read'),
  'GET /v1/programs/{id}/tiers': op('read'),
  'POST /v1/programs/{id}/tiers/evaluate': op('programs:write'),
  'GET /v1/webhook-events': op('read'),
  'POST /v1/partners': op('partners:write'),
  'GET /v1/partners': op('read'),
  'GET /v1/me': 'any key',
  'GET /v1/partners/{id}': own('read'),
  'POST /v1/partners/{id}/status': op('partners:write'),
  'POST /v1/partners/{id}/links': own('partners:write'),
  'GET /v1/partners/{id}/links': own('read'),
  'POST /v1/links/{linkId}/disable': op('partners:write'),
  'POST /v1/partners/{id}/codes': op('partners:write'),
  'GET /v1/partners/{id}/codes': own('read'),
  'POST /v1/codes/{code}/disable': op('partners:write'),
  'GET /v1/partners/{id}/balances': own('read'),
  'GET /v1/partners/{id}/accruals': own('read'),
  'GET /v1/accruals': op('read'),
  'GET /v1/accruals/{accrualId}': own('read'),
  'GET /v1/partners/{id}/customers': own('read'),
  'GET /v1/customers/{customerId}': op('read'),
  'GET /v1/partners/{id}/stats': own('read'),
  'GET /v1/partners/{id}/dashboard': own('read'),
  'GET /v1/overview': op('read'),
  'GET /v1/stats': op('read'),
  'POST /v1/api-keys': op('admin'),
  'GET /v1/api-keys': op('admin'),
  'DELETE /v1/api-keys/{keyId}': op('admin'),
  'GET /v1/partners/{id}/tiers': own('read'),
  'GET /v1/partners/{id}/entitlements': own('read'),
  'GET /v1/partners/{id}/programs': own('read'),
  'POST /v1/payout-runs': op('payouts:write'),
  'GET /v1/payout-runs': op('read'),
  'GET /v1/payout-runs/{id}': op('read'),
  'GET /v1/payout-runs/{id}/holds': op('read'),
  'POST /v1/payout-runs/{id}/approve': op('payouts:approve'),
  'POST /v1/payout-runs/{id}/send': op('payouts:write'),
  'POST /v1/payout-runs/{id}/cancel': op('payouts:write'),
  'GET /v1/payout-runs/{id}/files': op('payouts:write'),
  'GET /v1/payout-runs/{id}/files/{rail}': op('payouts:write'),
  'POST /v1/payout-runs/{id}/results': op('payouts:write'),
  'GET /v1/payouts': op('read'),
  'GET /v1/partners/{id}/payouts': own('read'),
  'GET /v1/payouts/{id}': own('read'),
  'POST /v1/payouts/{id}/settle': op('payouts:write'),
  'POST /v1/payouts/{id}/fail': op('payouts:write'),
  'POST /v1/payouts/{id}/cancel': op('payouts:write'),
  'GET /v1/payouts/reconciliation': op('read'),
  'POST /v1/payouts/resume': op('payouts:write'),
  'GET /v1/partners/{id}/statements': own('read'),
  'GET /v1/partners/{id}/statements/{period}': own('read'),
  'PUT /v1/partners/{id}/payout-profile': own('payouts:write'),
  'GET /v1/partners/{id}/payout-profile': own('read'),
  'GET /v1/partners/{id}/payout-outlook': own('read'),
  'POST /v1/fx-rates': op('payouts:write'),
  'GET /v1/fx-rates': op('read'),
  'POST /v1/integrations': own('integrations:write'),
  'GET /v1/integrations': own('read'),
  'GET /v1/integrations/{id}': own('read'),
  'PATCH /v1/integrations/{id}': own('integrations:write'),
  'GET /v1/integrations/{id}/usage': own('read'),
  'POST /v1/integrations/{id}/submissions': own('integrations:write'),
  'GET /v1/integrations/{id}/submissions': own('read'),
  'GET /v1/integration-submissions': own('read'),
  'GET /v1/integration-submissions/{id}': own('read'),
  'POST /v1/integration-submissions/{id}/approve': op('integrations:write'),
  'POST /v1/integration-submissions/{id}/reject': op('integrations:write'),
  'GET /v1/partners/{id}/credits': own('read'),
  'POST /v1/partners/{id}/credits/redemptions': op('credits:redeem'),
  'GET /v1/partners/{id}/credits/redemptions': own('read'),
  'POST /v1/campaigns': own('campaigns:write'),
  'GET /v1/campaigns': own('read'),
  'GET /v1/campaigns/{id}': own('read'),
  // The campaign is the partner's own proposal here: "own proposal".
  'PATCH /v1/campaigns/{id}': own('campaigns:write'),
  // A partner may only cancel; the body moves it along.
  'POST /v1/campaigns/{id}/status': op('campaigns:write'),
  'GET /v1/campaigns/{id}/history': own('read'),
  'POST /v1/campaigns/{id}/links': own('campaigns:write'),
  'GET /v1/campaigns/{id}/report': own('read'),
  'GET /v1/campaigns/{id}/assignment': op('read'),
  'POST /v1/campaigns/{id}/reports': op('campaigns:write'),
  'GET /v1/campaign-reports': shared('read'),
  'GET /v1/campaign-reports/{id}': shared('read'),
  'POST /v1/mdf/pools': op('campaigns:write'),
  'GET /v1/mdf/pools': own('read'),
  'GET /v1/mdf/pools/{id}': own('read'),
  'PATCH /v1/mdf/pools/{id}': op('campaigns:write'),
  'POST /v1/mdf/requests': own('campaigns:write'),
  'GET /v1/mdf/requests': own('read'),
  'GET /v1/mdf/requests/{id}': own('read'),
  'POST /v1/mdf/requests/{id}/approve': op('mdf:approve'),
  'POST /v1/mdf/requests/{id}/reject': op('mdf:approve'),
  'POST /v1/mdf/requests/{id}/withdraw': own('campaigns:write'),
  'POST /v1/mdf/requests/{id}/claim': own('campaigns:write'),
  'POST /v1/mdf/requests/{id}/claim/approve': op('mdf:approve'),
  'POST /v1/mdf/requests/{id}/claim/reject': op('mdf:approve'),
  'GET /v1/calendar': own('read'),
  // The body names a partner: its feed (the operator's own needs campaigns:write).
  'POST /v1/calendar/feeds': own('partners:write'),
  'GET /v1/calendar/feeds': own('read'),
  'DELETE /v1/calendar/feeds/{id}': own('partners:write'),
  'POST /v1/partners/{id}/sandbox-keys': own('admin'),
  'GET /v1/partners/{id}/sandbox-keys': own('admin'),
  'DELETE /v1/partners/{id}/sandbox-keys/{keyId}': own('admin'),
  'POST /v1/sandbox/reset': { scopes: ['admin'], test: true },
  'POST /v1/auth/magic-link': 'public',
  'POST /v1/auth/sessions': 'public',
  'DELETE /v1/auth/session': 'public',
  'PUT /v1/auth/password': 'session',
  'GET /v1/users': op('admin'),
  'POST /v1/users': op('admin'),
  'PATCH /v1/users/{id}': op('admin'),
  'GET /v1/ledger/accounts': op('read'),
  'GET /v1/ledger/entries': op('read'),
  'GET /v1/ledger/transactions/{id}': op('read'),
  'GET /v1/partners/{id}/history': own('read'),
  'GET /v1/kb': shared('read'),
  'POST /v1/kb': op('programs:write'),
  'GET /v1/kb/{slug}': shared('read'),
  'PUT /v1/kb/{slug}': op('programs:write'),
  'GET /v1/kb/{slug}/revisions': op('programs:write'),
};

/** Outside the API: no key at all (the web app, docs, redirect, feeds by token, health). */
const OUTSIDE = new Set([
  '/',
  '/*',
  '/docs',
  '/docs/',
  '/docs/*',
  '/docs/json',
  '/docs/yaml',
  '/docs/static/index.html',
  '/docs/static/swagger-initializer.js',
  '/docs/changelog.md',
  '/health',
  '/openapi.json',
  '/outbox',
  '/r/{code}',
  '/calendar/{file}',
  '/console',
  '/console*',
  '/sign-in',
  '/sign-in*',
  '/portal',
  '/portal*',
]);

/** docs/api.md's endpoint table: `METHOD path` → its access cell. */
function documentedAccess(): Map<string, string> {
  const md = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const out = new Map<string, string>();
  for (const line of md.split('\n')) {
    const cells = line.split(' | ');
    if (!line.startsWith('| `') || cells.length < 3) continue;
    let method = '';
    let path = '';
    for (const piece of (cells[0] as string).slice(2).split(/ · |, /)) {
      const text = piece.replaceAll('`', '').trim();
      const m = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*)$/.exec(text);
      if (m) [method, path] = [m[1] as string, m[2] as string];
      else if (text.startsWith('/') && path) {
        // `/reject` after `POST /v1/mdf/requests/{id}/approve`: the same place, its last part(s) swapped.
        const parts = path.split('/');
        path = [
          ...parts.slice(0, parts.length - text.split('/').length + 1),
          ...text.split('/').slice(1),
        ].join('/');
      } else continue;
      out.set(`${method} ${routeShape(path)}`, cells[1] as string);
    }
  }
  return out;
}

interface Caller {
  name: string;
  scopes: Scope[];
  partner: boolean;
  live: string;
  test: string;
}

describe(`scope matrix: every key against every route (${backend})`, () => {
  let s: Server;
  let w: MatrixWorld;
  const callers: Caller[] = [];

  beforeAll(async () => {
    s = await testServer({ now: MATRIX_NOW });
    w = await matrixWorld(s);
    const key = async (name: string, keyScopes: Scope[], partnerId?: string) => ({
      name,
      scopes: keyScopes,
      partner: partnerId !== undefined,
      live: (await createApiKey(s.t, { name, scopes: keyScopes, partnerId })).key,
      test: (await createApiKey(s.t, { name, scopes: keyScopes, partnerId, mode: 'test' })).key,
    });
    for (const scope of scopes) callers.push(await key(scope, [scope]));
    // A role whose scopes no single-scope key has already.
    for (const [role, roleScopes] of Object.entries(scopesOfRole) as [Role, Scope[]][]) {
      if (role === 'partner' || roleScopes.length < 2) continue;
      callers.push(await key(`role ${role}`, [...roleScopes]));
    }
    callers.push(await key('partner key', [], w.a.id));
  }, 120_000);

  afterAll(async () => {
    await s?.close();
  });

  it('the table names every route the server has, and no other', () => {
    const routes = serverRoutes(s.app).filter((r) => r.path.startsWith('/v1/'));
    const served = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect(
      [...served].filter((r) => !(r in API)),
      'add these to API in this test',
    ).toEqual([]);
    expect(
      Object.keys(API).filter((r) => !served.has(r)),
      'routes gone',
    ).toEqual([]);
    const outside = new Set(
      fastifyRoutes(s.app)
        .filter((r) => !r.path.startsWith('/v1/'))
        .map((r) => r.path),
    );
    expect(
      [...outside].filter((p) => !OUTSIDE.has(p)),
      'add these to OUTSIDE',
    ).toEqual([]);
  });

  it('the table agrees with docs/api.md', () => {
    const docs = documentedAccess();
    const disagree: string[] = [];
    for (const [route, access] of Object.entries(API)) {
      const cell = docs.get(routeShape(route));
      if (cell === undefined) {
        disagree.push(`${route}: not in docs/api.md's endpoint table`);
        continue;
      }
      const named = [...cell.matchAll(/`([a-z:]+)`/g)].map((m) => m[1] as string);
      if (typeof access === 'string') {
        const says =
          access === 'public' ? /none|public/ : access === 'any key' ? /any key/ : /a session/;
        if (!says.test(cell)) disagree.push(`${route}: table ${access}, docs "${cell}"`);
        continue;
      }
      for (const scope of access.scopes)
        if (!named.includes(scope)) disagree.push(`${route}: table ${scope}, docs "${cell}"`);
      const partner = /any partner/.test(cell) ? 'any' : /\bown\b/.test(cell) ? 'own' : undefined;
      if (partner !== access.partner)
        disagree.push(`${route}: table partner ${access.partner}, docs "${cell}"`);
    }
    expect(disagree).toEqual([]);
  });

  it('every key does what its scopes allow, and nothing else', async () => {
    const routes = serverRoutes(s.app).filter((r) => r.path.startsWith('/v1/'));
    // Reads first: writes that succeed move things along.
    const rank = (r: MatrixRoute) => (r.method === 'GET' ? 0 : 1);
    routes.sort((x, y) => rank(x) - rank(y));
    const spare = await createApiKey(s.t, { name: 'to revoke', scopes: ['read'] });
    const paths = {
      ...pathFills(w, w.a),
      // A's own proposal (a partner may change its own while proposed).
      'campaigns/{id}': () => w.a.proposalId,
      // Revoking must not take a key of this matrix away.
      'api-keys/{keyId}': () => spare.id,
    };
    const queries = queryFills(w, w.a);

    const unexpected: string[] = [];
    let tried = 0;
    for (const route of routes) {
      const access = API[`${route.method} ${route.path}`];
      if (access === undefined) continue; // reported by the test above
      const path = fillPath(route, paths, 'pathFills (test/support/matrix-requests.ts)');
      const required = new URLSearchParams();
      for (const q of route.query.filter((x) => x.required)) {
        const fill = queries[q.name];
        if (!fill) throw new Error(`${route.method} ${route.path}: add ${q.name} to queryFills`);
        required.set(q.name, fill());
      }
      const url = `${path}${required.size ? `?${required}` : ''}`;
      const allowed = (c: Caller) => {
        if (access === 'public' || access === 'any key') return true;
        if (access === 'session') return false;
        if (c.partner) return access.partner !== undefined;
        return c.scopes.includes('admin') || c.scopes.some((x) => access.scopes.includes(x));
      };
      const call = async (c: Caller) => {
        const test = typeof access === 'object' && access.test === true;
        const write = route.method !== 'GET';
        const { body } = write ? bodyFor(route.method, route.path, w, w.a) : { body: undefined };
        tried++;
        const r = await s.app.inject({
          method: route.method,
          url,
          headers: {
            authorization: `Bearer ${test ? c.test : c.live}`,
            ...(write ? { 'idempotency-key': `scope-${tried}` } : {}),
          },
          ...(body === undefined ? {} : { payload: body as object }),
        });
        const code = String(r.headers['content-type']).includes('problem+json')
          ? r.json().code
          : '';
        return { status: r.statusCode, code: code as string, body: r.body };
      };
      const denied = callers.filter((c) => !allowed(c));
      const before = route.method === 'GET' ? undefined : await fingerprint(s);
      for (const c of denied) {
        const r = await call(c);
        if (r.status !== 403 || r.code !== 'forbidden')
          unexpected.push(
            `${c.name}: ${route.method} ${url} → ${r.status} ${r.code}, expected 403 forbidden`,
          );
      }
      if (before && denied.length) {
        const after = await fingerprint(s);
        const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
        if (changed.length)
          unexpected.push(`${route.method} ${url}: denied requests changed ${changed.join(', ')}`);
      }
      for (const c of callers.filter(allowed)) {
        const r = await call(c);
        if (r.status === 401 || r.status === 403 || r.status >= 500)
          unexpected.push(
            `${c.name}: ${route.method} ${url} → ${r.status} ${r.code || r.body.slice(0, 120)}, expected allowed`,
          );
      }
    }
    console.log(
      `scope-matrix: ${tried} requests, ${callers.length} scopes × ${routes.length} routes, ${unexpected.length} unexpected`,
    );
    expect(unexpected).toEqual([]);
  });

  it('outside the API nothing asks for a key', async () => {
    for (const route of fastifyRoutes(s.app)) {
      if (route.path.startsWith('/v1/') || route.method === 'HEAD') continue;
      const url = route.path
        .replace('{code}', w.a.linkCode)
        .replace('{file}', 'no-such-feed.ics')
        .replace('*', 'somewhere');
      const r = await s.app.inject({ method: route.method, url });
      expect([401, 403], `${route.method} ${url} → ${r.statusCode}`).not.toContain(r.statusCode);
    }
  });
});
