import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/engine/api-keys.js';
import {
  asText,
  fuzzRequests,
  mutate,
  mutations,
  type Path,
  pathPart,
  type Tally,
  weirdValues,
} from '../support/fuzz-kit.js';
import { earn, payoutWorld } from '../support/payout-world.js';
import { rowCounts } from '../support/row-counts.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

// DESIGN invariant 8 for the payout endpoints: arbitrary bodies, ids and
// files get a 4xx problem document or a success, never a 5xx, and a refused
// request changes nothing — no ledger entry, payout, run, profile or rate.

type Server = Awaited<ReturnType<typeof testServer>>;

const weird = weirdValues({
  strings: [
    '2026-01',
    '2026-02',
    '2026-13',
    '2099-01',
    '1969-12',
    'ref',
    'USD',
    'EUR',
    'XXX',
    'csv',
    'stripe',
    'paypal',
    'wise',
    'manual',
    'w9',
    'w8ben',
    'acct_1',
    'a@b.co',
    'DE89370400440532013000',
    '1.0842',
    '0',
    '-1',
    '2026-01-31T00:00:00Z',
    '2031-01-01T00:00:00Z',
  ],
  numbers: [0, -1, 1, 1.0842, 1e21, Number.MAX_SAFE_INTEGER],
});

const profile = {
  rail: 'wise',
  details: { account_holder: 'Fuzz', iban: 'DE89370400440532013000', email: 'f@example.com' },
  currency: 'USD',
  tax: { form: 'w9', tax_id_present: true, country: 'US' },
};
const profilePaths: Path[] = [
  ['rail'],
  ['details'],
  ['details', 'iban'],
  ['details', 'email'],
  ['details', 'account'],
  ['details', 'Bad Key'],
  ['currency'],
  ['tax'],
  ['tax', 'form'],
  ['tax', 'tax_id_present'],
  ['tax', 'country'],
  ['extra'],
];
const rate = {
  base: 'EUR',
  quote: 'USD',
  rate: '1.0842',
  as_of: '2026-01-31T00:00:00Z',
  source: 'ecb',
};
const ratePaths: Path[] = [
  ['rates'],
  ['rates', 0],
  ['rates', 0, 'base'],
  ['rates', 0, 'quote'],
  ['rates', 0, 'rate'],
  ['rates', 0, 'as_of'],
  ['rates', 0, 'source'],
  ['rates', 1],
  ['extra'],
];

describe(`payout endpoints under arbitrary input (${backend})`, () => {
  let s: Server;
  let partnerId: string;
  let partnerKey: string;
  let runId: string;
  const tallies: Record<string, Tally> = {};

  const snapshot = async () => {
    const out = await rowCounts(s.t.store.db, [
      'ledger_entries',
      'payouts',
      'payout_runs',
      'payout_events',
      'payout_profiles',
      'fx_rates',
      'audit_log',
    ]);
    const p = await s.t.store.db
      .selectFrom('payout_profiles')
      .select(['partner_id', 'details', 'tax_form'])
      .execute();
    out.profiles = p.length;
    return { counts: out, profiles: JSON.stringify(p) };
  };

  beforeAll(async () => {
    s = await testServer({ now: '2026-02-02T00:00:00Z' });
    const w = await payoutWorld(s.t, { profiles: [profile, profile] });
    for (const p of w.partners) await earn(s.t, p.code, '400.00');
    partnerId = w.partners[0]?.id as string;
    partnerKey = (await createApiKey(s.t, { name: 'fuzz partner', scopes: [], partnerId })).key;
    const run = await apiClient(s)('POST', '/v1/payout-runs', { program: 'ref' });
    expect(run.statusCode, run.body).toBe(201);
    runId = run.json().id;
    expect((await apiClient(s)('POST', `/v1/payout-runs/${runId}/send`)).statusCode).toBe(200);
  });
  afterAll(async () => {
    for (const [what, t] of Object.entries(tallies))
      console.log(`payout fuzz ${what}: ${[...t.byClass].map(([k, n]) => `${n} ${k}`).join(', ')}`);
    await s?.close();
  });

  /** Runs `count` arbitrary requests; a 4xx must leave the database as it was. */
  const fuzz = <T>(
    what: string,
    arb: fc.Arbitrary<T>,
    send: (x: T) => ReturnType<ReturnType<typeof apiClient>>,
    count?: number,
  ) => fuzzRequests(what, arb, send, { snapshot, tallies, ...(count ? { count } : {}) });

  it('PUT /v1/partners/{id}/payout-profile (operator and partner keys)', async () => {
    await fuzz(
      'payout profile',
      fc.tuple(mutations(profilePaths, weird), fc.boolean()),
      ([changes, asPartner]) =>
        apiClient(s, asPartner ? partnerKey : s.adminKey)(
          'PUT',
          `/v1/partners/${partnerId}/payout-profile`,
          mutate(profile, changes),
        ),
    );
  });

  it('POST /v1/fx-rates', async () => {
    await fuzz('fx rates', mutations(ratePaths, weird), (changes) =>
      apiClient(s)('POST', '/v1/fx-rates', mutate({ rates: [rate] }, changes)),
    );
  });

  it('POST /v1/payout-runs', async () => {
    await fuzz('payout runs', mutations([['program'], ['period'], ['extra']], weird), (changes) =>
      apiClient(s)(
        'POST',
        '/v1/payout-runs',
        mutate({ program: 'ref', period: '2026-01' }, changes),
      ),
    );
  });

  it('POST /v1/payout-runs/{id}/results with arbitrary files', async () => {
    const line = fc.array(
      fc.oneof(
        weird.map((v) => asText(v).slice(0, 80)),
        fc.constantFrom('pay_x', 'settled', 'failed', 'Completed'),
      ),
      { maxLength: 6 },
    );
    const file = fc
      .tuple(
        fc.constantFrom(
          'payout_id,status,reference,reason',
          'Reference ID,Status,Transaction ID',
          'x',
          '',
        ),
        fc.array(line, { maxLength: 5 }),
      )
      .map(([header, rows]) => [header, ...rows.map((r) => r.join(','))].join('\n'));
    await fuzz(
      'result files',
      fc.tuple(file, fc.constantFrom('csv', 'paypal', 'wise', 'bogus')),
      ([text, rail]) => apiClient(s)('POST', `/v1/payout-runs/${runId}/results`, { rail, text }),
    );
  });

  it('payout and run actions with arbitrary ids and bodies', async () => {
    const actions = ['approve', 'send', 'cancel', 'settle', 'fail'];
    await fuzz(
      'actions',
      fc.tuple(
        fc.constantFrom(...actions),
        fc.oneof(fc.constantFrom(runId, 'pay_nope', 'run_nope', '%00', '..'), weird.map(asText)),
        weird,
      ),
      ([action, id, body]) => {
        const target =
          ['approve', 'send'].includes(action) || (action === 'cancel' && id === runId)
            ? 'payout-runs'
            : 'payouts';
        return apiClient(s)('POST', `/v1/${target}/${pathPart(id)}/${action}`, body);
      },
      100,
    );
  });
});
