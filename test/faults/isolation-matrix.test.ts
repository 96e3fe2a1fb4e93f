/**
 * Partner isolation, route by route: partner A's credentials (its partner
 * key, and its person's session cookie) call every route the server has —
 * the OpenAPI document's and any Fastify serves without documenting — with
 * partner B's ids in every path parameter, query filter and body. No answer
 * may show anything of B's (ids, name, emails, codes, amounts) and no write
 * may change a row of B's. A route added later is swept too: one whose
 * parameters this file cannot fill fails it until the fill is added.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyFor, pathFills, queryFills } from '../support/matrix-requests.js';
import { fillPath, type MatrixRoute, serverRoutes } from '../support/matrix-routes.js';
import { fingerprint, MATRIX_NOW, type MatrixWorld, matrixWorld } from '../support/matrix-world.js';
import { testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;

/**
 * Routes A's credentials are not what these are about: signing in and out
 * take no credentials (`config.public`) and act on whoever's email or cookie
 * is sent; they are covered by test/api/auth.test.ts.
 */
const NOT_PARTNER_FACING = new Set([
  'POST /v1/auth/magic-link',
  'POST /v1/auth/sessions',
  'DELETE /v1/auth/session',
]);

describe(`isolation matrix: partner A's credentials against partner B's data (${backend})`, () => {
  let s: Server;
  let w: MatrixWorld;
  let as: Record<'key' | 'cookie', Record<string, string>>;

  beforeAll(async () => {
    s = await testServer({ now: MATRIX_NOW });
    w = await matrixWorld(s);
    as = {
      key: { authorization: `Bearer ${w.a.key}` },
      // A signed-in write must carry X-Requested-With, as the web app's do.
      cookie: { cookie: w.a.cookie, 'x-requested-with': 'tandem-web' },
    };
  }, 120_000);

  afterAll(async () => {
    await s?.close();
  });

  /** What of B's an answer shows (values the caller itself sent, in the URL or body, excepted). */
  function shown(url: string, body: string, sent: unknown = undefined): string[] {
    const asked = decodeURIComponent(url) + JSON.stringify(sent ?? null);
    return [...w.b.identifiers].filter((v) => !asked.includes(v) && body.includes(v));
  }

  it("A's own data answers A's credentials (so refusals below are not the only answer)", async () => {
    // Each answers 200 and shows something of A's (a masked profile shows its rail only).
    const own = [
      `/v1/me`,
      `/v1/partners/${w.a.id}`,
      `/v1/partners/${w.a.id}/links`,
      `/v1/partners/${w.a.id}/codes`,
      `/v1/partners/${w.a.id}/accruals`,
      `/v1/partners/${w.a.id}/payouts`,
      `/v1/partners/${w.a.id}/credits/redemptions`,
      `/v1/partners/${w.a.id}/sandbox-keys`,
      `/v1/accruals/${w.a.accrualId}`,
      `/v1/payouts/${w.a.payoutId}`,
      `/v1/integrations`,
      `/v1/integrations/${w.a.integrationId}/submissions`,
      `/v1/integration-submissions/${w.a.pendingSubmissionId}`,
      `/v1/campaigns`,
      `/v1/campaigns/${w.a.proposalId}`,
      `/v1/mdf/requests/${w.a.mdfRequestId}`,
      `/v1/calendar/feeds`,
    ];
    for (const [who, headers] of Object.entries(as)) {
      for (const url of [
        `/v1/partners/${w.a.id}/payout-profile`,
        `/v1/partners/${w.a.id}/statements?program=ref`,
      ]) {
        const r = await s.app.inject({ method: 'GET', url, headers });
        expect(r.statusCode, `${who} GET ${url}: ${r.body}`).toBe(200);
      }
      for (const url of own) {
        const r = await s.app.inject({ method: 'GET', url, headers });
        expect(r.statusCode, `${who} GET ${url}: ${r.body}`).toBe(200);
        const mine = [...w.a.identifiers].filter((v) => !url.includes(v));
        expect(
          mine.some((v) => r.body.includes(v)),
          `${who} GET ${url} shows A's data`,
        ).toBe(true);
        expect(shown(url, r.body), `${who} GET ${url}`).toEqual([]);
      }
    }
  });

  it('the detector is not blind: B read with an operator key shows B', async () => {
    const r = await s.app.inject({
      method: 'GET',
      url: `/v1/partners/${w.b.id}/accruals`,
      headers: s.auth,
    });
    expect(shown('', r.body)).toContain(w.b.accrualId);
  });

  it("no route shows or changes B's data for A", async () => {
    const routes = serverRoutes(s.app).filter(
      (r) => r.path.startsWith('/v1/') && !NOT_PARTNER_FACING.has(`${r.method} ${r.path}`),
    );
    expect(routes.length).toBeGreaterThan(100);
    // Reads first, then writes; A's own password last (it ends A's other sessions).
    const rank = (r: MatrixRoute) =>
      r.path === '/v1/auth/password' ? 2 : r.method === 'GET' ? 0 : 1;
    routes.sort((x, y) => rank(x) - rank(y));
    const paths = pathFills(w, w.b);
    const queries = queryFills(w, w.b);
    const anchors = new Set([...w.b.identifiers].filter((v) => !/^\d/.test(v)));

    const leaks: string[] = [];
    const failures: string[] = [];
    /** Writes that succeeded: each must have been about A alone (B's rows are compared). */
    const accepted: string[] = [];
    const statuses = new Map<number, number>();
    let tried = 0;
    for (const route of routes) {
      const path = fillPath(route, paths, 'pathFills (test/support/matrix-requests.ts)');
      const required = new URLSearchParams();
      const all = new URLSearchParams();
      for (const q of route.query) {
        const fill = queries[q.name];
        if (!fill) {
          if (q.required)
            throw new Error(`${route.method} ${route.path}: add the query ${q.name} to queryFills`);
          continue;
        }
        if (q.required) required.set(q.name, fill());
        all.set(q.name, fill());
      }
      const urls =
        route.method === 'GET'
          ? [...new Set([required, all].map((q) => `${path}${q.size ? `?${q}` : ''}`))]
          : [`${path}${required.size ? `?${required}` : ''}`];
      for (const url of urls) {
        for (const [who, headers] of Object.entries(as)) {
          const write = route.method !== 'GET';
          const { body } = write ? bodyFor(route.method, route.path, w, w.b) : { body: undefined };
          const before = write ? await fingerprint(s, anchors) : undefined;
          const r = await s.app.inject({
            method: route.method,
            url,
            headers: write ? { ...headers, 'idempotency-key': `isolation-${tried}` } : headers,
            ...(body === undefined ? {} : { payload: body as object }),
          });
          tried++;
          statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
          const what = `A's ${who}: ${route.method} ${url}${route.documented ? '' : ' (undocumented)'} → ${r.statusCode}`;
          if (write && r.statusCode < 300) accepted.push(`${what}`);
          if (r.statusCode >= 500) failures.push(`${what} ${r.body}`);
          if (r.statusCode === 401 && r.json().code === 'unauthorized')
            failures.push(`${what}: A's credentials stopped working`);
          const seen = shown(url, r.body, body);
          if (seen.length) leaks.push(`${what} shows ${seen.join(', ')}`);
          if (before) {
            const after = await fingerprint(s, anchors);
            const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
            if (changed.length) leaks.push(`${what} changed B's rows in ${changed.join(', ')}`);
          }
        }
      }
    }
    console.log(
      `isolation-matrix: ${tried} requests over ${routes.length} routes, ${leaks.length} leaks (statuses ${[
        ...statuses,
      ]
        .sort((x, y) => x[0] - y[0])
        .map(([k, v]) => `${k}×${v}`)
        .join(' ')})`,
    );
    if (accepted.length)
      console.log(`isolation-matrix: writes accepted:\n  ${accepted.join('\n  ')}`);
    expect(failures).toEqual([]);
    expect(leaks).toEqual([]);
  });
});
