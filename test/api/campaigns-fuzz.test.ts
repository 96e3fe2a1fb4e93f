import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { campaignPlan, campaignWorld, touchEvent } from '../support/campaign-world.js';
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
import { rowCounts } from '../support/row-counts.js';
import { type apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

// DESIGN invariant 8 for the co-marketing endpoints: arbitrary campaign
// plans, status moves, touches, fund requests, claims, decisions and reports
// get a 4xx problem document or a success, never a 5xx, and a refused
// request changes nothing.

type Server = Awaited<ReturnType<typeof testServer>>;

const weird = weirdValues({
  strings: [
    'proposed',
    'approved',
    'live',
    'completed',
    'reported',
    'cancelled',
    'webinar',
    'email',
    'campaign.touch',
    'FUZZ-LIVE',
    'USD',
    'co',
    '2026-Q1',
    '2026-Q5',
    '2026-03-01T00:00:00Z',
    '2099-01-01T00:00:00Z',
    'https://x.example/a',
    '500.005',
    '0',
    '-1',
    '99.999',
  ],
  numbers: [0, -1, 1, 20, 50, 50.01, 100, 1e21, Number.MAX_SAFE_INTEGER],
});

describe(`co-marketing endpoints under arbitrary input (${backend})`, () => {
  let s: Server;
  let w: Awaited<ReturnType<typeof campaignWorld>>;
  let live: string;
  let pool: string;
  let request: string;
  const tallies: Record<string, Tally> = {};

  const snapshot = async () => {
    const counts = await rowCounts(s.t.store.db, [
      'events',
      'campaigns',
      'campaign_partners',
      'campaign_status_history',
      'campaign_reports',
      'mdf_pools',
      'mdf_requests',
      'links',
      'ledger_entries',
      'audit_log',
      'outbox_events',
    ]);
    const campaigns = await s.t.store.db
      .selectFrom('campaigns')
      .select(['id', 'status', 'name', 'ends_at', 'holdout_bps', 'cost', 'bonuses'])
      .orderBy('id')
      .execute();
    const requests = await s.t.store.db
      .selectFrom('mdf_requests')
      .select(['id', 'status', 'approved', 'claimed', 'reimbursed'])
      .orderBy('id')
      .execute();
    const pools = await s.t.store.db
      .selectFrom('mdf_pools')
      .select(['id', 'amount'])
      .orderBy('id')
      .execute();
    return {
      counts,
      rows: JSON.stringify([campaigns, requests, pools], (_, v) =>
        typeof v === 'bigint' ? v.toString() : v,
      ),
    };
  };

  beforeAll(async () => {
    s = await testServer({ now: '2026-03-10T00:00:00Z' });
    w = await campaignWorld(s);
    live = (
      await w.ops(
        'POST',
        '/v1/campaigns',
        campaignPlan({
          code: 'FUZZ-LIVE',
          partner_ids: [w.a, w.b],
          holdout_percent: 10,
          starts_at: '2026-03-02T00:00:00Z',
        }),
      )
    ).json().id;
    for (const status of ['approved', 'live'])
      await w.ops('POST', `/v1/campaigns/${live}/status`, { status });
    pool = (
      await w.ops('POST', '/v1/mdf/pools', {
        program: 'co',
        quarter: '2026-Q1',
        scope: 'program',
        amount: '1000.00',
      })
    ).json().id;
    request = (
      await w.asA('POST', '/v1/mdf/requests', {
        pool_id: pool,
        campaign_id: live,
        amount: '300.00',
        description: 'ads',
      })
    ).json().id;
    await w.ops('POST', '/v1/events', {
      events: [touchEvent('FUZZ-LIVE', 'c-1', '2026-03-05T00:00:00Z')],
    });
    await deriveAll(s.t);
  });
  afterAll(async () => {
    for (const [what, t] of Object.entries(tallies))
      console.log(
        `co-marketing fuzz ${what}: ${[...t.byClass].map(([k, n]) => `${n} ${k}`).join(', ')}`,
      );
    await s?.close();
  });

  const fuzz = <T>(
    what: string,
    arb: fc.Arbitrary<T>,
    send: (x: T) => ReturnType<ReturnType<typeof apiClient>>,
    count?: number,
  ) => fuzzRequests(what, arb, send, { snapshot, tallies, ...(count ? { count } : {}) });

  it('POST /v1/campaigns and PATCH /v1/campaigns/{id}', async () => {
    const paths: Path[] = [
      ['program'],
      ['code'],
      ['name'],
      ['channels'],
      ['channels', 0],
      ['starts_at'],
      ['ends_at'],
      ['expected_lift'],
      ['holdout_percent'],
      ['targets'],
      ['targets', 'activations'],
      ['targets', 'revenue'],
      ['bonuses'],
      ['bonuses', 0, 'metric'],
      ['bonuses', 0, 'steps', 0, 'at_least'],
      ['bonuses', 0, 'steps', 0, 'pays'],
      ['cost'],
      ['assets', 0, 'url'],
      ['partner_ids'],
      ['partner_ids', 0],
      ['x'],
    ];
    let n = 0;
    await fuzz(
      'plan and change',
      fc.tuple(mutations(paths, weird), fc.boolean(), fc.boolean()),
      ([changes, patch, asPartner]) => {
        const plan = campaignPlan({
          code: `FZ-${++n}`,
          partner_ids: [w.a],
          assets: [{ label: 'l', url: 'https://x.example' }],
          bonuses: [{ id: 'b', metric: 'activations', steps: [{ at_least: 5, pays: '50.00' }] }],
        });
        if (asPartner) delete (plan as { partner_ids?: unknown }).partner_ids;
        const client = asPartner ? w.asA : w.ops;
        return patch
          ? client('PATCH', `/v1/campaigns/${live}`, mutate({ cost: '10.00' }, changes))
          : client('POST', '/v1/campaigns', mutate(plan, changes));
      },
    );
  });

  it('status moves, links and touches', async () => {
    let n = 0;
    await fuzz(
      'moves, links, touches',
      fc.tuple(
        fc.constantFrom('status', 'link', 'touch'),
        fc.oneof(fc.constantFrom(live, 'FUZZ-LIVE', 'cmp_nope', '%00', '..'), weird.map(asText)),
        mutations(
          [
            ['status'],
            ['note'],
            ['destination'],
            ['partner_id'],
            ['campaign'],
            ['utm'],
            ['channel'],
            ['x'],
          ],
          weird,
        ),
        fc.boolean(),
      ),
      ([action, id, changes, asPartner]) => {
        const client = asPartner ? w.asC : w.ops;
        if (action === 'status')
          return client(
            'POST',
            `/v1/campaigns/${pathPart(id)}/status`,
            mutate({ status: 'proposed' }, changes),
          );
        if (action === 'link')
          return client(
            'POST',
            `/v1/campaigns/${pathPart(id)}/links`,
            mutate({ destination: 'javascript:alert(1)', partner_id: w.c }, changes),
          );
        // A touch refused as an item leaves the batch's answer 200 with nothing stored.
        return w.ops('POST', '/v1/events', {
          events: [mutate(touchEvent('NO-SUCH', `fz-${++n}`, '2026-03-06T00:00:00Z'), changes)],
        });
      },
    );
  });

  it('fund requests, decisions, claims and reports', async () => {
    const paths: Path[] = [
      ['pool_id'],
      ['campaign_id'],
      ['amount'],
      ['description'],
      ['note'],
      ['claim_deadline'],
      ['proof'],
      ['proof', 'links', 0],
      ['proof', 'invoices'],
      ['title'],
      ['body'],
      ['x'],
    ];
    await fuzz(
      'mdf and reports',
      fc.tuple(
        fc.constantFrom(
          'request',
          'approve',
          'reject',
          'claim',
          'claim/approve',
          'withdraw',
          'publish',
        ),
        fc.oneof(fc.constantFrom(request, live, 'mdfr_nope'), weird.map(asText)),
        mutations(paths, weird),
        fc.boolean(),
      ),
      ([action, id, changes, asPartner]) => {
        const client = asPartner ? w.asB : w.ops;
        if (action === 'request')
          return client(
            'POST',
            '/v1/mdf/requests',
            mutate(
              {
                pool_id: pool,
                campaign_id: live,
                amount: '2000.00',
                description: 'd',
                partner_id: w.a,
              },
              changes,
            ),
          );
        if (action === 'publish')
          return client(
            'POST',
            `/v1/campaigns/${pathPart(id)}/reports`,
            mutate({ title: 'T', body: 'B' }, changes),
          );
        return client(
          'POST',
          `/v1/mdf/requests/${pathPart(id)}/${action}`,
          mutate({ amount: '5000.00', note: '', proof: { links: [] } }, changes),
        );
      },
    );
    // Whatever happened, the pool never committed more than it holds.
    const p = (await w.ops('GET', `/v1/mdf/pools/${pool}`)).json();
    expect(Number(p.committed)).toBeLessThanOrEqual(Number(p.amount));
  });

  it('reads answer < 500 to arbitrary ids and query strings', async () => {
    const routes = [
      '/v1/campaigns',
      '/v1/campaigns/ID',
      '/v1/campaigns/ID/history',
      '/v1/campaigns/ID/report',
      '/v1/campaigns/ID/assignment',
      '/v1/campaign-reports',
      '/v1/campaign-reports/ID',
      '/v1/mdf/pools',
      '/v1/mdf/pools/ID',
      '/v1/mdf/requests',
      '/v1/mdf/requests/ID',
      '/v1/calendar',
      '/v1/calendar/feeds',
    ];
    const tally = new Tally();
    tallies.reads = tally;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(fc.constantFrom(live, request, pool, w.a, 'x'), weird.map(asText)),
        fc.dictionary(
          fc.constantFrom(
            'customer_id',
            'from',
            'to',
            'status',
            'partner_id',
            'program_id',
            'program',
            'limit',
            'after',
            'quarter',
          ),
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
