/**
 * DESIGN invariant 8 over every endpoint at once: generated paths, query
 * strings, headers, credentials and bodies against each method and path the
 * server answers (read from Fastify's route table and joined with the
 * OpenAPI document, so a route added later is fuzzed without a word here):
 * no answer is a 5xx, every refusal is a problem document, a refused request
 * changes nothing in the database, and the server still works afterwards.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseArb, type FuzzCase } from '../support/fuzz-endpoints-cases.js';
import { ChangeWatch } from '../support/fuzz-endpoints-changes.js';
import { type FuzzRoute, fuzzRoutes } from '../support/fuzz-endpoints-routes.js';
import { fuzzWorld } from '../support/fuzz-endpoints-world.js';
import { expectWellFormed } from '../support/fuzz-kit.js';
import { testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;

/** Fuzzing time per backend after the first full round (FUZZ_ENDPOINTS_MS overrides). */
const BUDGET_MS = Number(process.env.FUZZ_ENDPOINTS_MS ?? 60_000);
const SEED = Number(process.env.FUZZ_ENDPOINTS_SEED ?? 20261130);
/** Cases per route and round: HEAD is Fastify's copy of a GET, so fewer. */
const perRound = (r: FuzzRoute) => (r.method === 'HEAD' ? 1 : 4);

/**
 * Refusals that are not problem documents, on purpose: the redirect is
 * followed by browsers, so an unknown code gets a small HTML page.
 */
const htmlRefusal = (c: FuzzCase, r: LightMyRequestResponse) =>
  c.url.startsWith('/r/') && r.statusCode === 404;

/**
 * Writes a refusal may make: an Idempotency-Key request stores its refusal
 * so that a retry is answered alike (src/server/idempotent.ts).
 */
const allowedOnRefusal = (c: FuzzCase, table: string) =>
  table === 'idempotency' && (c.headers['idempotency-key'] ?? '') !== '';

const describeCase = (c: FuzzCase) =>
  `${c.method} ${c.url.slice(0, 300)} [${c.who}] headers ${JSON.stringify(
    Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, v.slice(0, 80)])),
  )} body ${String(c.payload ?? '').slice(0, 300)}`;

describe(`fuzzing every endpoint (${backend})`, () => {
  let s: Server;
  let world: Awaited<ReturnType<typeof fuzzWorld>>;
  let watch: ChangeWatch;
  let routes: FuzzRoute[];

  beforeAll(async () => {
    s = await testServer({ now: '2026-03-01T00:00:00Z' });
    world = await fuzzWorld(s);
    routes = fuzzRoutes(s.app);
    watch = await ChangeWatch.watch(s.t.store.db, backend);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('the route list is the server’s: documented, hidden and web routes alike', () => {
    const ids = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const id of [
      'GET /r/:code',
      'GET /outbox',
      'GET /health',
      'GET /calendar/:file',
      'POST /v1/auth/magic-link',
      'POST /v1/auth/sessions',
      'DELETE /v1/auth/session',
      'PUT /v1/auth/password',
      'POST /v1/events',
      'GET /v1/partners/:id',
      'POST /v1/payout-runs/:id/results',
      'DELETE /v1/api-keys/:keyId',
    ])
      expect(ids, id).toContain(id);
    expect(routes.filter((r) => r.inOpenApi).length).toBeGreaterThan(100);
    expect(routes.filter((r) => r.body).length).toBeGreaterThan(40);
  });

  it('no 5xx, refusals are problems that change nothing, the server lives on', async () => {
    const statuses = new Map<number, number>();
    const byRoute = new Map<string, number>();
    const accepted = new Set<string>();
    const problems: string[] = [];
    const started = Date.now();
    const slow: [number, string][] = [];

    async function run(route: FuzzRoute, c: FuzzCase) {
      const t0 = Date.now();
      const r = await s.app.inject({
        method: c.method as 'GET',
        url: c.url,
        headers: c.headers,
        ...(c.payload === undefined ? {} : { payload: c.payload }),
      });
      // A redirect's click is committed by group commit: let it land before looking.
      await s.app.tracker.flush();
      const ms = Date.now() - t0;
      if (ms > 1000) slow.push([ms, `${c.method} ${route.path}`]);
      const id = `${route.method} ${route.key}`;
      byRoute.set(id, (byRoute.get(id) ?? 0) + 1);
      statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
      if (r.statusCode < 300) accepted.add(id);
      const what = describeCase(c);
      if (r.statusCode >= 500) problems.push(`${r.statusCode}: ${what} → ${r.body.slice(0, 300)}`);
      else if (r.statusCode >= 400 && !htmlRefusal(c, r)) {
        try {
          if (c.method === 'HEAD')
            expect(r.headers['content-type'], what).toMatch(/^application\/problem\+json/);
          else expectWellFormed(r, what);
        } catch (e) {
          problems.push(`not a problem document: ${(e as Error).message.slice(0, 600)}`);
        }
      }
      const changed = await watch.changed();
      if (r.statusCode >= 400) {
        const wrong = changed.filter((t) => !allowedOnRefusal(c, t));
        if (wrong.length)
          problems.push(`refused ${r.statusCode} yet changed ${wrong.join(', ')}: ${what}`);
      }
      // A write that succeeded may have ended a session the next cases rely on.
      if (r.statusCode < 300 && c.method !== 'GET' && c.method !== 'HEAD') {
        await world.refresh();
        await watch.changed();
      }
    }

    const arbs = routes.map((route) => caseArb(world, route));
    for (let round = 0; ; round++) {
      for (const [i, route] of routes.entries()) {
        await fc.assert(
          fc.asyncProperty(arbs[i] as fc.Arbitrary<FuzzCase>, (c) => run(route, c)),
          { seed: SEED + round * 10_000 + i, numRuns: perRound(route), endOnFailure: true },
        );
      }
      if (Date.now() - started > BUDGET_MS) break;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    const cases = [...byRoute.values()].reduce((a, b) => a + b, 0);
    const fiveXx = [...statuses].filter(([st]) => st >= 500).reduce((a, [, n]) => a + n, 0);
    const paths = new Set(routes.map((r) => r.key)).size;
    console.log(
      `fuzz-endpoints: ${cases} cases over ${paths} routes (${routes.length} methods), ${fiveXx} 5xx, statuses ${JSON.stringify(
        Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])),
      )} (${backend}, ${seconds} s, seed ${SEED})`,
    );
    console.log(
      `fuzz-endpoints: accepted (2xx) at least once on ${accepted.size} of ${routes.length} methods`,
    );
    if (process.env.FUZZ_ENDPOINTS_DEBUG)
      console.log(
        routes
          .map((r) => `${r.method} ${r.key}`)
          .filter((x) => !accepted.has(x))
          .join('\n'),
      );
    if (slow.length)
      console.log(
        `fuzz-endpoints: slowest ${JSON.stringify(slow.sort((a, b) => b[0] - a[0]).slice(0, 5))}`,
      );
    expect({ problems: problems.length, first: problems.slice(0, 20) }).toEqual({
      problems: 0,
      first: [],
    });

    // Every route was fuzzed, at least one full round.
    const unfuzzed = routes.filter((r) => (byRoute.get(`${r.method} ${r.key}`) ?? 0) < perRound(r));
    expect(unfuzzed.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    // Not vacuous: the valid ids and credentials got through somewhere, refusals too.
    const count = (lo: number, hi: number) =>
      [...statuses].filter(([st]) => st >= lo && st < hi).reduce((a, [, n]) => a + n, 0);
    expect(count(200, 300)).toBeGreaterThan(cases / 20);
    expect(count(400, 500)).toBeGreaterThan(cases / 4);

    // Alive at the end: health, and a real read and write.
    const health = await s.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    const list = await s.app.inject({ method: 'GET', url: '/v1/partners', headers: s.auth });
    expect(list.statusCode, list.body).toBe(200);
    const event = await s.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: s.auth,
      payload: {
        id: 'fuzz-endpoints-after',
        type: 'signup',
        occurred_at: '2026-02-28T00:00:00Z',
        customer: { id: 'fuzz-endpoints-customer', side: 'seller' },
      },
    });
    expect(event.statusCode, event.body).toBeLessThan(300);
  }, 240_000);

  it('the change watch sees a write, and not a write of what was there', async () => {
    const db = s.t.store.db;
    await watch.changed(); // the previous test's closing write
    const row = await db.selectFrom('partners').select(['id', 'name']).executeTakeFirstOrThrow();
    await db.updateTable('partners').set({ name: row.name }).where('id', '=', row.id).execute();
    expect(await watch.changed()).toEqual([]);
    await db
      .updateTable('partners')
      .set({ name: `${row.name}!` })
      .where('id', '=', row.id)
      .execute();
    expect(await watch.changed()).toEqual(['partners']);
    await db.updateTable('partners').set({ name: row.name }).where('id', '=', row.id).execute();
    expect(await watch.changed()).toEqual(['partners']);
  });

  it('a refusal that writes is seen: an Idempotency-Key refusal stores its answer', async () => {
    await watch.changed();
    const r = await s.app.inject({
      method: 'POST',
      url: `/v1/partners/${world.partnerId}/links`,
      headers: { ...s.auth, 'idempotency-key': 'fuzz-endpoints-refused' },
      payload: { program: 'no-such-program', destination: 'https://marketplace.example/x' },
    });
    expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expect(await watch.changed()).toEqual(['idempotency']);
  });
});
