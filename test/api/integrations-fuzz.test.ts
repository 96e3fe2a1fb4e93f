import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import {
  asText,
  expectWellFormed,
  fuzzRequests,
  mutate,
  mutations,
  type Path,
  pathPart,
  Tally,
  weirdValues,
} from '../support/fuzz-kit.js';
import { integrationWorld, milestoneEvent } from '../support/integration-world.js';
import { rowCounts } from '../support/row-counts.js';
import { type apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

// DESIGN invariant 8 for the integration endpoints: arbitrary events,
// registrations, evidence, reviews and redemptions get a 4xx problem document
// or a success, never a 5xx, and a refused request changes nothing.

type Server = Awaited<ReturnType<typeof testServer>>;

const weird = weirdValues({
  strings: [
    'authentication',
    'data_mapping',
    'automated_testing',
    'certification',
    'path',
    'usage',
    'api_calls',
    'integration.milestone',
    'integration.quality',
    'SUPPORT_CREDIT',
    'USD',
    'int',
    '2026-03-01T00:00:00Z',
    '2099-01-01T00:00:00Z',
    'https://x.example/a',
    'javascript:alert(1)',
    '0',
    '-1',
    '99.999',
  ],
  numbers: [0, -1, 1, 20, 21, 99.95, 100.01, 1e21, Number.MAX_SAFE_INTEGER],
});

describe(`integration endpoints under arbitrary input (${backend})`, () => {
  let s: Server;
  let w: Awaited<ReturnType<typeof integrationWorld>>;
  let int: string;
  let sub: string;
  const tallies: Record<string, Tally> = {};

  const snapshot = async () => {
    const counts = await rowCounts(s.t.store.db, [
      'events',
      'integrations',
      'integration_completions',
      'integration_submissions',
      'credit_redemptions',
      'ledger_entries',
      'dirty_units',
      'dirty_marks',
      'audit_log',
      'outbox_events',
    ]);
    const rows = await s.t.store.db
      .selectFrom('integrations')
      .select(['id', 'name', 'category', 'listing_url', 'status'])
      .orderBy('id')
      .execute();
    const subs = await s.t.store.db
      .selectFrom('integration_submissions')
      .select(['id', 'status', 'comment'])
      .orderBy('id')
      .execute();
    return { counts, rows: JSON.stringify(rows), subs: JSON.stringify(subs) };
  };

  beforeAll(async () => {
    s = await testServer({ now: '2026-03-10T00:00:00Z' });
    w = await integrationWorld(s);
    int = (await w.asA('POST', '/v1/integrations', { program: 'int', name: 'Acme' })).json().id;
    for (const m of ['authentication', 'data_mapping'])
      await w.ops('POST', '/v1/events', milestoneEvent(int, m, '2026-03-01T00:00:00Z'));
    sub = (
      await w.asA('POST', `/v1/integrations/${int}/submissions`, {
        milestone: 'automated_testing',
        evidence: { notes: 'green' },
      })
    ).json().id;
    await deriveAll(s.t);
  });
  afterAll(async () => {
    for (const [what, t] of Object.entries(tallies))
      console.log(
        `integration fuzz ${what}: ${[...t.byClass].map(([k, n]) => `${n} ${k}`).join(', ')}`,
      );
    await s?.close();
  });

  const fuzz = <T>(
    what: string,
    arb: fc.Arbitrary<T>,
    send: (x: T) => ReturnType<ReturnType<typeof apiClient>>,
    count?: number,
  ) => fuzzRequests(what, arb, send, { snapshot, tallies, ...(count ? { count } : {}) });

  const eventPaths: Path[] = [
    ['id'],
    ['type'],
    ['occurred_at'],
    ['integration_id'],
    ['milestone'],
    ['metric'],
    ['quantity'],
    ['quality'],
    ['quality', 'uptime'],
    ['quality', 'error_rate'],
    ['customer'],
    ['customer', 'id'],
    ['currency'],
    ['revenue'],
    ['gross'],
    ['click_id'],
  ];

  it('POST /v1/events with integration events', async () => {
    let n = 0;
    await fuzz(
      'events',
      fc.tuple(
        fc.constantFrom('milestone', 'usage', 'quality'),
        mutations(eventPaths, weird),
        fc.boolean(),
      ),
      ([kind, changes, asPartner]) => {
        const base =
          kind === 'milestone'
            ? milestoneEvent(int, 'automated_testing', '2026-03-05T00:00:00Z', `fz-${++n}`)
            : kind === 'usage'
              ? {
                  id: `fz-${++n}`,
                  type: 'usage',
                  occurred_at: '2026-03-05T00:00:00Z',
                  integration_id: int,
                  customer: { id: 'shop-1' },
                  metric: 'api_calls',
                  quantity: 10,
                }
              : {
                  id: `fz-${++n}`,
                  type: 'integration.quality',
                  occurred_at: '2026-03-05T00:00:00Z',
                  integration_id: int,
                  quality: { uptime: 99.9 },
                };
        return (asPartner ? w.asA : w.ops)('POST', '/v1/events', mutate(base, changes));
      },
      150,
    );
  });

  it('POST /v1/integrations and PATCH /v1/integrations/{id}', async () => {
    const paths: Path[] = [
      ['program'],
      ['name'],
      ['category'],
      ['listing_url'],
      ['partner_id'],
      ['status'],
      ['x'],
    ];
    await fuzz(
      'register and update',
      fc.tuple(mutations(paths, weird), fc.boolean(), fc.boolean()),
      ([changes, patch, asPartner]) =>
        patch
          ? (asPartner ? w.asA : w.ops)(
              'PATCH',
              `/v1/integrations/${int}`,
              mutate({ name: 'Acme', category: 'crm' }, changes),
            )
          : (asPartner ? w.asA : w.ops)(
              'POST',
              '/v1/integrations',
              mutate({ program: 'int', name: 'Fuzz', partner_id: w.a }, changes),
            ),
    );
  });

  it('evidence, reviews and arbitrary ids', async () => {
    const paths: Path[] = [
      ['milestone'],
      ['evidence'],
      ['evidence', 'links'],
      ['evidence', 'links', 0],
      ['evidence', 'notes'],
      ['evidence', 'test_run_id'],
      ['comment'],
      ['x'],
    ];
    await fuzz(
      'evidence and reviews',
      fc.tuple(
        fc.constantFrom('submit', 'approve', 'reject'),
        fc.oneof(fc.constantFrom(int, sub, 'int_nope', 'sub_nope', '%00', '..'), weird.map(asText)),
        mutations(paths, weird),
        fc.boolean(),
      ),
      ([action, id, changes, asPartner]) => {
        const client = asPartner ? w.asB : w.ops;
        const body = mutate(
          { milestone: 'certification', evidence: { notes: 'n' }, comment: 'c' },
          changes,
        );
        return action === 'submit'
          ? client('POST', `/v1/integrations/${pathPart(id)}/submissions`, body)
          : client('POST', `/v1/integration-submissions/${pathPart(id)}/${action}`, body);
      },
    );
  });

  it('POST /v1/partners/{id}/credits/redemptions', async () => {
    let n = 0;
    const paths: Path[] = [['asset'], ['amount'], ['program_id'], ['reference'], ['memo'], ['x']];
    await fuzz(
      'redemptions',
      fc.tuple(
        mutations(paths, weird),
        fc.oneof(fc.constantFrom(w.a, w.b, 'prt_nope'), weird.map(asText)),
        fc.option(fc.oneof(fc.constantFrom('k-1', 'k-2'), weird.map(asText))),
      ),
      ([changes, partner, key]) =>
        w.ops(
          'POST',
          `/v1/partners/${pathPart(partner)}/credits/redemptions`,
          mutate({ asset: 'SUPPORT_CREDIT', amount: 1 }, changes),
          key === null
            ? {}
            : // Header values are printable ASCII on the wire.
              { 'idempotency-key': `${++n}-${key}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 300) },
        ),
    );
    // Whatever was redeemed, the balance never went below zero.
    const credits = (await w.asA('GET', `/v1/partners/${w.a}/credits`)).json().data;
    for (const c of credits) expect(BigInt(c.balance)).toBeGreaterThanOrEqual(0n);
  });

  it('reads answer < 500 to arbitrary ids and query strings', async () => {
    const routes = [
      '/v1/integrations/ID',
      '/v1/integrations/ID/usage',
      '/v1/integrations/ID/submissions',
      '/v1/integration-submissions/ID',
      '/v1/partners/ID/credits',
      '/v1/partners/ID/credits/redemptions',
      '/v1/partners/ID/entitlements',
    ];
    const tally = new Tally();
    tallies.reads = tally;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(fc.constantFrom(int, sub, w.a, 'x'), weird.map(asText)),
        fc.dictionary(
          fc.constantFrom('months', 'limit', 'status', 'partner_id', 'program_id', 'after'),
          weird.map(asText),
        ),
        fc.boolean(),
        async (route, id, query, asPartner) => {
          const q = new URLSearchParams(query).toString();
          const r = await (asPartner ? w.asB : w.ops)(
            'GET',
            `${route.replace('ID', pathPart(id))}${q ? `?${q}` : ''}`,
          );
          tally.add(r.statusCode);
          expectWellFormed(r, route);
        },
      ),
      { numRuns: 200 },
    );
  });
});
