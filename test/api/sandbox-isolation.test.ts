/**
 * Test mode's isolation, endpoint by endpoint: every GET of the API (taken
 * from the server's own OpenAPI document, so an endpoint added later is
 * swept too) is called with live and test keys, operator and partner, with
 * path parameters filled from each mode's data; no answer may contain a value
 * that exists only in the other mode (an event, accrual, customer, link,
 * code, payout, ledger transaction … or a distinctive amount).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/engine/api-keys.js';
import type { Deps } from '../../src/engine/deps.js';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { releaseAllDue } from '../../src/engine/release-holds.js';
import { earn, payoutWorld } from '../support/payout-world.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;
type Mode = 'live' | 'test';

const NOW = '2026-02-02T00:00:00Z';

/** Where mode-only values are read from: `table.column`. */
const modeData = [
  'events.id',
  'events.external_id',
  'events.customer_id',
  'accrual_lines.id',
  'ledger_transactions.id',
  'links.id',
  'links.code',
  'links.destination',
  'codes.code',
  'clicks.id',
  'payout_runs.id',
  'payouts.id',
  'outbox_events.id',
  'integrations.id',
  'integration_submissions.id',
  'campaigns.id',
  'campaigns.code',
  'campaigns.name',
  'mdf_pools.id',
  'mdf_requests.id',
];

/**
 * How to fill a path parameter, by the path segment before it and its name.
 * An endpoint with a parameter missing here fails the test: add it, with a
 * value of each mode's own data where the parameter names data.
 */
type Fill = (m: ModeWorld) => string;
const pathParams: Record<string, Fill> = {
  'partners/{id}': (m) => m.partnerId,
  'programs/{program}': () => 'ref',
  'programs/{id}': (m) => m.programId,
  'accruals/{accrualId}': (m) => m.first('accrual_lines.id'),
  'customers/{customerId}': (m) => m.first('events.customer_id'),
  'payouts/{id}': (m) => m.first('payouts.id'),
  'payout-runs/{id}': (m) => m.first('payout_runs.id'),
  'statements/{period}': () => '2026-01',
  'files/{rail}': () => 'csv',
  'integrations/{id}': (m) => m.first('integrations.id'),
  'integration-submissions/{id}': (m) => m.first('integration_submissions.id'),
  'api-keys/{keyId}': (m) => m.keyId,
  'campaigns/{id}': (m) => m.first('campaigns.id'),
  'campaign-reports/{id}': (m) => m.first('campaign_reports.id'),
  'pools/{id}': (m) => m.first('mdf_pools.id'),
  'requests/{id}': (m) => m.first('mdf_requests.id'),
  // Knowledge base pages are live content (test keys: 403 live_mode_only).
  'kb/{slug}': () => 'how-referrals-work',
  'transactions/{id}': (m) => m.first('ledger_transactions.id'),
};
/** Query parameters: required ones must be here; optional ones here are tried filled as well. */
const queryParams: Record<string, Fill> = {
  program: () => 'ref',
  program_id: (m) => m.programId,
  partner_id: (m) => m.partnerId,
  customer_id: (m) => m.first('events.customer_id'),
  run_id: (m) => m.first('payout_runs.id'),
  integration_id: (m) => m.first('integrations.id'),
  // Account names are made of ids both modes share; their entries are what differ.
  account: (m) => `program:${m.programId}:partner:${m.partnerId}:pending`,
};

interface ModeWorld {
  mode: Mode;
  partnerId: string;
  programId: string;
  keyId: string;
  values: Map<string, Set<string>>;
  first(what: string): string;
}

interface Operation {
  path: string;
  query: { name: string; required: boolean }[];
}

describe(`sandbox isolation: every GET, both ways (${backend})`, () => {
  let s: Server;
  let sandbox: Deps;
  const keys = {} as Record<`${Mode}-${'operator' | 'partner'}`, string>;
  const worlds = {} as Record<Mode, ModeWorld>;
  /** Values that exist in one mode only, with where they came from. */
  const only = {} as Record<Mode, Map<string, string>>;

  beforeAll(async () => {
    s = await testServer({ now: NOW });
    const csv = { rail: 'csv', details: { account_holder: 'Ada', account_number: '12345678' } };
    const w = await payoutWorld(s.t, { payouts: { minimum: '1.00' }, profiles: [csv, csv] });
    const p0 = w.partners[0]?.id as string;
    const admin = apiClient(s);
    keys['live-operator'] = s.adminKey;
    keys['test-operator'] = (
      await createApiKey(s.t, { name: 'test admin', scopes: ['admin'], mode: 'test' })
    ).key;
    const partnerLive = await createApiKey(s.t, { name: 'p0', scopes: [], partnerId: p0 });
    keys['live-partner'] = partnerLive.key;
    const partnerTest = await apiClient(s, partnerLive.key)(
      'POST',
      `/v1/partners/${p0}/sandbox-keys`,
      {},
    );
    keys['test-partner'] = partnerTest.json().key;
    const test = apiClient(s, keys['test-operator']);

    // Live activity: a link, a customer through CODE0, a payout run that pays it.
    await admin('POST', `/v1/partners/${p0}/links`, {
      program: 'ref',
      destination: 'https://example.com/live-only',
      code: 'livelink',
    });
    await earn(s.t, 'CODE0', '777.00', { id: 'live-only-payment', customer: 'cust-live-only' });
    await admin('POST', '/v1/fx-rates', {
      rates: [{ base: 'EUR', quote: 'USD', rate: '1.0832', as_of: '2026-01-01' }],
    });
    const run = await admin('POST', '/v1/payout-runs', { program: 'ref', period: '2026-01' });
    expect(run.statusCode, run.body).toBe(201);
    const campaign = (mode: Mode) => ({
      program: 'ref',
      code: `${mode}-camp`,
      name: `${mode} only campaign`,
      channels: ['email'],
      starts_at: '2026-01-05T00:00:00Z',
      ends_at: '2026-03-01T00:00:00Z',
      partner_ids: [p0],
    });
    const liveCampaign = await admin('POST', '/v1/campaigns', campaign('live'));
    expect(liveCampaign.statusCode, liveCampaign.body).toBe(201);
    const mdfPool = { program: 'ref', quarter: '2026-Q1', scope: 'program', amount: '5000.00' };
    expect((await admin('POST', '/v1/mdf/pools', mdfPool)).statusCode).toBe(201);

    // Test activity: its own code and link, a customer, derived in the sandbox.
    for (const [method, url, body] of [
      [
        'POST',
        `/v1/partners/${p0}/codes`,
        { program: 'ref', kind: 'referral_code', code: 'TESTONLY0' },
      ],
      [
        'POST',
        `/v1/partners/${p0}/links`,
        { program: 'ref', destination: 'https://example.com/test-only', code: 'testlink' },
      ],
      [
        'POST',
        '/v1/events',
        {
          events: [
            {
              id: 'test-only-signup',
              type: 'signup',
              occurred_at: '2026-01-14T10:00:00Z',
              customer: { id: 'cust-test-only' },
              referral_code: 'TESTONLY0',
            },
            {
              id: 'test-only-payment',
              type: 'payment',
              occurred_at: '2026-01-15T10:00:00Z',
              customer: { id: 'cust-test-only' },
              currency: 'USD',
              revenue: '333.00',
              referral_code: 'TESTONLY0',
            },
          ],
        },
      ],
      ['POST', '/v1/campaigns', campaign('test')],
      [
        'POST',
        '/v1/mdf/pools',
        { program: 'ref', quarter: '2026-Q1', scope: 'program', amount: '5000.00' },
      ],
    ] as const) {
      const r = await test(method, url, body);
      expect(r.statusCode, r.body).toBeLessThan(300);
    }
    sandbox = await s.app.sandbox.deps();
    await deriveAll(sandbox);
    await releaseAllDue(sandbox);

    for (const [mode, deps] of [
      ['live', s.t],
      ['test', sandbox],
    ] as const) {
      const values = new Map<string, Set<string>>();
      for (const spec of modeData) {
        const [table, column] = spec.split('.') as [string, string];
        let rows: { v: unknown }[] = [];
        try {
          rows = (
            await sql<{
              v: unknown;
            }>`SELECT ${sql.ref(column)} AS v FROM ${sql.table(table)}`.execute(deps.store.db)
          ).rows;
        } catch {
          // A table this schema does not have (yet): nothing of it to leak.
        }
        values.set(spec, new Set(rows.map((r) => String(r.v))));
      }
      worlds[mode] = {
        mode,
        partnerId: p0,
        programId: w.programId,
        keyId: partnerLive.id,
        values,
        first(what) {
          const v = [...(values.get(what) ?? [])].sort()[0];
          // Nothing of this kind in this mode: an id that exists nowhere.
          return v ?? `${what.split('.')[0]}_none`;
        },
      };
    }
    for (const [mode, other] of [
      ['live', 'test'],
      ['test', 'live'],
    ] as const) {
      only[mode] = new Map();
      for (const spec of modeData) {
        const theirs = worlds[other].values.get(spec) ?? new Set();
        for (const v of worlds[mode].values.get(spec) ?? []) {
          if (!theirs.has(v)) only[mode].set(v, spec);
        }
      }
    }
    // Distinctive amounts: 10% of 777.00 and of 333.00.
    only.live.set('77.70', 'live reward').set('777.00', 'live revenue');
    only.test.set('33.30', 'test reward').set('333.00', 'test revenue');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('the worlds differ: each mode has data of its own', () => {
    for (const mode of ['live', 'test'] as const) {
      const kinds = new Set(only[mode].values());
      for (const k of ['events.id', 'accrual_lines.id', 'events.customer_id', 'links.id'])
        expect(kinds, `${mode} has its own ${k}`).toContain(k);
    }
    expect([...only.live.values()]).toContain('payouts.id');
  });

  /** Calls every GET with every key and source of ids; what leaked, what failed, what was seen. */
  async function sweep() {
    const doc = s.app.swagger() as {
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>
      >;
    };
    const operations: Operation[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      const get = methods.get;
      if (!get || !path.startsWith('/v1/')) continue;
      operations.push({
        path,
        query: (get.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, required: p.required === true })),
      });
    }
    expect(operations.length).toBeGreaterThan(30);

    const leaks: string[] = [];
    const failures: string[] = [];
    const seen: Record<Mode, Set<string>> = { live: new Set(), test: new Set() };
    let tried = 0;
    for (const op of operations) {
      for (const source of ['live', 'test'] as const) {
        const world = worlds[source];
        const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string, offset: number) => {
          const before = op.path.slice(0, offset).split('/').filter(Boolean).pop();
          const fill = pathParams[`${before}/{${name}}`];
          if (!fill)
            throw new Error(
              `GET ${op.path}: no way to fill {${name}} after "${before}/"; add "${before}/{${name}}" to pathParams in this test`,
            );
          return encodeURIComponent(fill(world));
        });
        const required = new URLSearchParams();
        const all = new URLSearchParams();
        for (const q of op.query) {
          const fill = queryParams[q.name];
          if (!fill) {
            if (q.required)
              throw new Error(
                `GET ${op.path}: no way to fill the required query parameter ${q.name}; add it to queryParams`,
              );
            continue;
          }
          if (q.required) required.set(q.name, fill(world));
          all.set(q.name, fill(world));
        }
        const urls = new Set([
          `${path}${required.size ? `?${required}` : ''}`,
          `${path}${all.size ? `?${all}` : ''}`,
        ]);
        for (const url of urls) {
          for (const [who, key] of Object.entries(keys)) {
            const mode = who.startsWith('test') ? 'test' : 'live';
            const other = mode === 'test' ? 'live' : 'test';
            const r = await s.app.inject({
              method: 'GET',
              url,
              headers: { authorization: `Bearer ${key}` },
            });
            tried++;
            if (r.statusCode >= 500) failures.push(`${who} GET ${url}: ${r.statusCode} ${r.body}`);
            if (r.statusCode < 400 && r.headers['tandem-mode'] !== mode)
              failures.push(`${who} GET ${url}: Tandem-Mode ${r.headers['tandem-mode']}`);
            const body = r.body;
            for (const [value, what] of only[other]) {
              // The caller's own URL may echo a value back (a 404 naming the id it was asked for).
              if (decodeURIComponent(url).includes(value)) continue;
              if (body.includes(value))
                leaks.push(`${who} key: GET ${url} → ${r.statusCode} shows ${what} ${value}`);
            }
            if (r.statusCode === 200) {
              for (const [value] of only[mode]) if (body.includes(value)) seen[mode].add(value);
            }
          }
        }
      }
    }
    return { tried, endpoints: operations.length, leaks, failures, seen };
  }

  it('no GET answers a value of the other mode', async () => {
    const { tried, endpoints, leaks, failures, seen } = await sweep();
    console.log(
      `sandbox isolation: ${tried} GET requests over ${endpoints} endpoints, ${leaks.length} leaks`,
    );
    expect(failures).toEqual([]);
    expect(leaks).toEqual([]);
    // Not vacuous: each mode's keys did read that mode's own data somewhere.
    for (const mode of ['live', 'test'] as const) {
      for (const v of ['77.70', '33.30'].filter((x) => only[mode].has(x)))
        expect(seen[mode], `${mode} keys saw ${v}`).toContain(v);
      expect(seen[mode].size).toBeGreaterThan(4);
    }
  });

  it('the sweep would catch a leak: test keys wrongly served from live are reported', async () => {
    const sb = s.app.sandbox;
    const acquire = sb.acquire;
    sb.acquire = async () => ({ deps: s.t, worker: undefined, release() {} });
    try {
      const { leaks } = await sweep();
      expect(leaks.length).toBeGreaterThan(20);
      expect(leaks.join('\n')).toContain('/v1/partners/');
    } finally {
      sb.acquire = acquire;
    }
  });
});
