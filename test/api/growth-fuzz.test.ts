import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { appendOnlyTables } from '../../src/store/schema.js';
import {
  DELETE,
  expectWellFormed,
  mutate,
  mutations,
  oddText,
  type Path,
  Tally,
  weirdValues,
} from '../support/fuzz-kit.js';
import { rowCounts } from '../support/row-counts.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

// DESIGN invariant 8 for the growth endpoints (tiers, entitlements, budgets,
// backtests, version diffs, the webhook-ready feed, and terms with tiers,
// benefits, accelerators, stacking, bonuses, budget and margin guard): bad
// input gets a clear 4xx with a machine-readable code (application/problem+json),
// changes nothing, and never a 5xx. A backtest writes nothing at all; a refused
// publish leaves the program's versions as they were.

type Server = Awaited<ReturnType<typeof testServer>>;

/** Values that a field should not hold, or only barely, with the new sections' words. */
const weird = weirdValues({
  textWeight: 3,
  strings: [
    '0.001',
    '10.005',
    '0.00',
    '2026-13-01',
    '2026-02-29',
    '2026-04-01',
    'EUR',
    'tier',
    'silver',
    'gold',
    'share',
    'q1-push',
    'priority-support',
    'payments',
    'referred_revenue',
    'month',
    'quarter',
    'prorate',
    'stop',
    'alert',
    'multiply',
    'add',
    'highest',
  ],
  numbers: [
    0,
    -0,
    -1,
    1,
    0.001,
    0.1 + 0.2,
    1.23456789,
    1.00001,
    100.0001,
    99.999,
    1e-7,
    1e21,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 31,
    2 ** 63,
    365,
    366,
    730,
    731,
    1000,
    1001,
  ],
});

const json = (v: unknown) => JSON.stringify(v) ?? 'null';
const show = (v: string) => v.slice(0, 300).replace(/\n/g, ' ');

/** The program's terms, with every growth section in use. */
const growthTerms = {
  currency: 'USD',
  hold_days: 0,
  notice_days: 0,
  rewards: [
    { id: 'share', event: 'payment', percent: 10 },
    { id: 'signup-bounty', event: 'signup', flat: '2.00' },
  ],
  caps: { per_partner_per_month: '500.00' },
  benefits: [
    { id: 'priority-support', name: 'Priority support' },
    { id: 'co-marketing', name: 'Co-marketing slot', allowance: { count: 2, per: 'quarter' } },
    { id: 'credits', name: 'Credits', allowance: { amount: '50.00', per: 'month' } },
  ],
  tiers: {
    grace_days: 30,
    levels: [
      {
        id: 'silver',
        requires: [{ metric: 'payments', window_days: 90, at_least: 2 }],
        benefits: ['priority-support'],
      },
      {
        id: 'gold',
        requires: [
          { metric: 'payments', window_days: 90, at_least: 5 },
          { metric: 'referred_revenue', window_days: 90, at_least: '20.00' },
        ],
        multiplier: 1.25,
        benefits: ['priority-support', 'co-marketing'],
      },
      {
        id: 'platinum',
        requires: [
          { metric: 'payments', window_days: 90, at_least: 10 },
          { metric: 'referred_revenue', window_days: 90, at_least: '100.00' },
        ],
        rewards: [{ id: 'plat-share', event: 'payment', percent: 20 }],
        benefits: ['priority-support', 'co-marketing', 'credits'],
      },
    ],
  },
  accelerators: [
    {
      id: 'q1-push',
      from: '2026-01-01',
      to: '2026-04-01',
      multiplier: 1.5,
      rules: ['share', 'plat-share'],
      when: { field: 'customer.side', op: 'eq', value: 'seller' },
    },
  ],
  stacking: { mode: 'multiply', order: ['q1-push', 'tier'], ceiling: 3 },
  bonuses: [
    {
      id: 'monthly',
      metric: 'payments',
      period: 'month',
      steps: [
        { at_least: 2, pays: '20.00' },
        { at_least: 5, pays: '60.00' },
      ],
    },
    {
      id: 'quarterly-revenue',
      metric: 'referred_revenue',
      period: 'quarter',
      steps: [{ at_least: '100.00', pays: '30.00' }],
    },
  ],
  budget: { monthly: '1000.00', currency: 'USD', when_exhausted: 'prorate', alerts_at: [50, 100] },
  margin_guard: { max_percent: 25, alerts_at: [80, 100] },
};

/** Elements that are valid somewhere, to duplicate ids and cross-reference the wrong section. */
const plausible: fc.Arbitrary<unknown> = fc.constantFrom(
  growthTerms.rewards[0],
  growthTerms.benefits[0],
  growthTerms.benefits[2],
  growthTerms.tiers.levels[0],
  growthTerms.tiers.levels[1],
  growthTerms.tiers.levels[2],
  growthTerms.tiers.levels[1]?.requires[1],
  growthTerms.accelerators[0],
  growthTerms.bonuses[0],
  growthTerms.bonuses[0]?.steps[0],
  growthTerms.budget,
  growthTerms.margin_guard,
  growthTerms.stacking,
  { ...growthTerms.tiers.levels[0], id: 'gold' },
  { ...growthTerms.accelerators[0], id: 'tier' },
  { ...growthTerms.accelerators[0], from: '2026-04-01', to: '2026-01-01' },
  { ...growthTerms.accelerators[0], from: '2026-02-30', to: '2026-02-31' },
  { ...growthTerms.accelerators[0], rules: [] },
  { at_least: 1, pays: '1000000000000000.000' },
  { metric: 'payments', window_days: 90, at_least: '5' },
  { metric: 'referred_revenue', window_days: 90, at_least: 5 },
  [],
  [growthTerms.benefits[0], growthTerms.benefits[0]],
  [growthTerms.tiers.levels[1], growthTerms.tiers.levels[0]],
  ['q1-push', 'q1-push'],
  ['tier', 'nope'],
);

/** Paths into the terms' growth sections (and around them). */
const termPaths: Path[] = [
  ['currency'],
  ['notice_days'],
  ['hold_days'],
  ['rewards'],
  ['rewards', 0, 'percent'],
  ['rewards', 2],
  ['caps', 'per_partner_per_month'],
  ['benefits'],
  ['benefits', 0],
  ['benefits', 0, 'id'],
  ['benefits', 1, 'allowance'],
  ['benefits', 1, 'allowance', 'count'],
  ['benefits', 1, 'allowance', 'per'],
  ['benefits', 2, 'allowance', 'amount'],
  ['benefits', 3],
  ['tiers'],
  ['tiers', 'grace_days'],
  ['tiers', 'levels'],
  ['tiers', 'levels', 0],
  ['tiers', 'levels', 0, 'id'],
  ['tiers', 'levels', 0, 'requires'],
  ['tiers', 'levels', 0, 'requires', 0, 'metric'],
  ['tiers', 'levels', 0, 'requires', 0, 'window_days'],
  ['tiers', 'levels', 0, 'requires', 0, 'at_least'],
  ['tiers', 'levels', 0, 'benefits'],
  ['tiers', 'levels', 0, 'benefits', 1],
  ['tiers', 'levels', 1, 'multiplier'],
  ['tiers', 'levels', 1, 'rewards'],
  ['tiers', 'levels', 1, 'requires', 1, 'at_least'],
  ['tiers', 'levels', 2, 'rewards', 0],
  ['tiers', 'levels', 2, 'rewards', 0, 'id'],
  ['tiers', 'levels', 2, 'rewards', 0, 'percent'],
  ['tiers', 'levels', 3],
  ['accelerators'],
  ['accelerators', 0],
  ['accelerators', 0, 'id'],
  ['accelerators', 0, 'from'],
  ['accelerators', 0, 'to'],
  ['accelerators', 0, 'multiplier'],
  ['accelerators', 0, 'rules'],
  ['accelerators', 0, 'rules', 0],
  ['accelerators', 0, 'when'],
  ['accelerators', 0, 'when', 'value'],
  ['accelerators', 1],
  ['stacking'],
  ['stacking', 'mode'],
  ['stacking', 'order'],
  ['stacking', 'order', 2],
  ['stacking', 'ceiling'],
  ['bonuses'],
  ['bonuses', 0],
  ['bonuses', 0, 'id'],
  ['bonuses', 0, 'metric'],
  ['bonuses', 0, 'period'],
  ['bonuses', 0, 'steps'],
  ['bonuses', 0, 'steps', 0, 'at_least'],
  ['bonuses', 0, 'steps', 1, 'pays'],
  ['bonuses', 0, 'steps', 2],
  ['bonuses', 1, 'steps', 0, 'at_least'],
  ['bonuses', 2],
  ['budget'],
  ['budget', 'monthly'],
  ['budget', 'currency'],
  ['budget', 'when_exhausted'],
  ['budget', 'alerts_at'],
  ['budget', 'alerts_at', 0],
  ['margin_guard'],
  ['margin_guard', 'max_percent'],
  ['margin_guard', 'alerts_at'],
  ['unexpected'],
];

const termValues = fc.oneof({ weight: 3, arbitrary: weird }, { weight: 1, arbitrary: plausible });
const termMutations = mutations(termPaths, termValues, 4);

/** What a URL can carry: percent-encoded UTF-8, or raw fragments that are not valid encodings. */
const segment = fc.oneof(
  oddText.map((t) => encodeURIComponent(t.replace(/\p{Cs}/gu, '\ufffd'))),
  fc.constantFrom(
    '%ED%A0%80',
    '%C0%AF',
    '%ZZ',
    '%',
    '%00',
    '..',
    '%2F..%2F',
    '%FF%FE',
    'x'.repeat(300),
  ),
);

describe(`fuzzing the growth endpoints (${backend})`, () => {
  let s: Server;
  let programId: string;
  let partnerId: string;
  let partnerKey: string;

  /** Row counts of every table a request could write. */
  const snapshot = async (): Promise<Record<string, number>> => {
    const tables = [
      ...appendOnlyTables,
      'programs',
      'partners',
      'partner_tiers',
      'outbox_events',
      'dirty_units',
      'dirty_marks',
      'hold_queue',
      'accrual_candidates',
      'conversions',
      'attributions',
      'closed_periods',
      'audit_log',
      'idempotency',
    ];
    return rowCounts(s.t.store.db, tables);
  };
  const versionCount = async () => {
    const r = await sql<{ n: unknown }>`
      SELECT COUNT(*) AS n FROM program_versions WHERE program_id = ${programId}`.execute(
      s.t.store.db,
    );
    return Number(r.rows[0]?.n);
  };

  beforeAll(async () => {
    s = await testServer({ now: '2026-01-01T00:00:00Z' });
    const api = apiClient(s);
    const p = await api('POST', '/v1/programs', {
      key: 'gz',
      name: 'Growth fuzz',
      version: { effective_from: '2026-01-01', terms: growthTerms },
    });
    expect(p.statusCode, p.body).toBe(201);
    programId = p.json().id;
    const partner = await api('POST', '/v1/partners', {
      name: 'Fuzz Partner',
      status: 'approved',
      programs: ['gz'],
    });
    expect(partner.statusCode, partner.body).toBe(201);
    partnerId = partner.json().id;
    const code = await api('POST', `/v1/partners/${partnerId}/codes`, {
      program: 'gz',
      kind: 'referral_code',
      code: 'GROW',
    });
    expect(code.statusCode, code.body).toBe(201);
    s.t.clock.set(Date.parse('2026-03-01T00:00:00Z'));
    const events = [1, 2, 3, 4, 5, 6].flatMap((i) => [
      {
        id: `su-${i}`,
        type: 'signup',
        occurred_at: `2026-01-0${i}T09:00:00Z`,
        customer: { id: `c${i}`, side: i % 2 ? 'seller' : 'buyer' },
        referral_code: 'GROW',
      },
      {
        id: `pay-${i}`,
        type: 'payment',
        occurred_at: `2026-02-0${i}T10:00:00Z`,
        customer: { id: `c${i}` },
        currency: 'USD',
        revenue: `${10 * i}.00`,
        gross: `${12 * i}.00`,
      },
    ]);
    const ingested = await api('POST', '/v1/events', { events });
    expect(ingested.statusCode, ingested.body).toBe(200);
    await deriveAll(s.t);
    const evaluated = await api('POST', '/v1/programs/gz/tiers/evaluate', {});
    expect(evaluated.statusCode, evaluated.body).toBe(200);
    const key = await api('POST', '/v1/api-keys', { name: 'fuzz partner', partner_id: partnerId });
    expect(key.statusCode, key.body).toBe(201);
    partnerKey = key.json().key;
    // The setup reached the growth features, so the fuzzing below starts from real state.
    const ledger = await snapshot();
    expect(ledger.accrual_lines).toBeGreaterThan(0);
    expect(ledger.partner_tiers).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('POST /v1/programs/{program}/backtest never writes and answers < 500 (JSON, CSV, NDJSON)', async () => {
    const tally = new Tally();
    const base = {
      terms: growthTerms,
      from: '2026-01-01',
      to: '2026-02-28',
      check: true,
      tiers: 'auto',
    };
    const bodyPaths: Path[] = [
      ['from'],
      ['to'],
      ['check'],
      ['tiers'],
      ['terms'],
      ['unexpected'],
      ...termPaths.map((p) => ['terms', ...p]),
    ];
    const bodyValues = fc.oneof(
      { weight: 3, arbitrary: weird },
      { weight: 1, arbitrary: plausible },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'recorded',
          'simulate',
          'auto',
          '2026-01-31',
          '2026-02-01',
          '2025-12-31',
          '2026-1-1',
          '2026-01-01T00:00:00Z',
          '20260101',
        ),
      },
      {
        weight: 1,
        arbitrary: fc
          .date({ min: new Date('2025-06-01'), max: new Date('2026-09-01'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10)),
      },
    );
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        mutations(bodyPaths, bodyValues),
        fc.constantFrom(
          undefined,
          'application/json',
          'text/csv',
          'application/x-ndjson',
          '*/*',
          'garbage',
        ),
        fc.constantFrom('gz', 'gz', 'gz', 'id', 'nope', '%00', 'x'.repeat(300)),
        async (changes, accept, program) => {
          const body = mutate(base, changes as [Path, unknown][]);
          const url = `/v1/programs/${program === 'id' ? programId : program}/backtest`;
          const r = await s.app.inject({
            method: 'POST',
            url,
            headers: {
              ...s.auth,
              'content-type': 'application/json',
              ...(accept === undefined ? {} : { accept }),
            },
            payload: json(body),
          });
          tally.add(r.statusCode);
          const what = `POST ${url} [${accept}] ${show(json(changes))}`;
          expectWellFormed(r, what);
          if (r.statusCode === 200 && accept === 'application/x-ndjson') {
            const lines = r.body
              .trimEnd()
              .split('\n')
              .map((l) => JSON.parse(l) as { report?: unknown; error?: { code?: string } });
            const last = lines.at(-1);
            expect(last?.error?.code, `${what} → ${show(r.body.slice(-300))}`).not.toBe(
              'internal_error',
            );
            expect(last?.report ?? last?.error, what).toBeDefined();
          }
          if (r.statusCode === 200 && accept === 'text/csv')
            expect(r.headers['content-type']).toMatch(/^text\/csv/);
        },
      ),
      { numRuns: 200 },
    );
    // A backtest writes nothing: not the ledger, not queues, not read models.
    expect(await snapshot()).toEqual(before);
    expect(tally.get('2xx')).toBeGreaterThan(10);
    expect(tally.get('4xx')).toBeGreaterThan(50);
  });

  it('POST /v1/programs/validate answers < 500 to adversarial growth sections', async () => {
    const tally = new Tally();
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(termMutations, async (changes) => {
        const terms = mutate(growthTerms, changes as [Path, unknown][]);
        const r = await s.app.inject({
          method: 'POST',
          url: '/v1/programs/validate',
          headers: { ...s.auth, 'content-type': 'application/json' },
          payload: json({ terms }),
        });
        tally.add(r.statusCode);
        expectWellFormed(r, `POST /v1/programs/validate ${show(json(changes))}`);
        if (r.statusCode === 400 || r.statusCode === 422) {
          const problem = r.json();
          if (problem.code === 'invalid_program') expect(problem.issues?.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
    expect(await snapshot()).toEqual(before);
    expect(tally.get('2xx')).toBeGreaterThan(10);
    expect(tally.get('4xx')).toBeGreaterThan(100);
  });

  it('POST /v1/programs/{program}/versions: a refused publish leaves the versions unchanged', async () => {
    const tally = new Tally();
    const base = {
      effective_from: '2026-06-01',
      terms: growthTerms,
      reason: 'growth fuzz',
    };
    const bodyPaths: Path[] = [
      ['effective_from'],
      ['correction'],
      ['reason'],
      ['terms'],
      ['unexpected'],
      ...termPaths.map((p) => ['terms', ...p]),
    ];
    let n = 0;
    await fc.assert(
      fc.asyncProperty(mutations(bodyPaths, termValues), async (changes) => {
        const body = mutate(base, changes as [Path, unknown][]);
        const count = await versionCount();
        const r = await s.app.inject({
          method: 'POST',
          url: '/v1/programs/gz/versions',
          headers: {
            ...s.auth,
            'content-type': 'application/json',
            'idempotency-key': `gv-${n++}`,
          },
          payload: json(body),
        });
        tally.add(r.statusCode);
        const what = `POST /v1/programs/gz/versions ${show(json(changes))}`;
        expectWellFormed(r, what);
        expect(await versionCount(), what).toBe(r.statusCode === 201 ? count + 1 : count);
        // What validate refuses, publish refuses too.
        const terms = (body as { terms?: unknown }).terms;
        if (r.statusCode === 201) {
          const v = await s.app.inject({
            method: 'POST',
            url: '/v1/programs/validate',
            headers: s.auth,
            payload: { terms } as object,
          });
          expect(v.statusCode, `${what} → validate ${show(v.body)}`).toBe(200);
        }
      }),
      { numRuns: 200 },
    );
    expect(tally.get('2xx')).toBeGreaterThan(5);
    expect(tally.get('4xx')).toBeGreaterThan(100);
  });

  it('POST /v1/programs/{program}/tiers/evaluate answers < 500; a refusal changes nothing', async () => {
    const tally = new Tally();
    const partnerIds = fc.oneof(
      { weight: 2, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.constant('partner') },
      fc.constant('prt_nope'),
      weird,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('gz', 'gz', 'id', 'nope', '%00', 'x'.repeat(101)),
        fc.oneof(
          partnerIds.map((p) =>
            p === undefined ? {} : { partner_id: p === 'partner' ? partnerId : p },
          ),
          weird,
          fc.constant(DELETE),
          fc.record({ partner_id: fc.constant(partnerId), extra: weird }),
        ),
        fc.constantFrom(false, false, false, true),
        async (program, body, asPartner) => {
          const url = `/v1/programs/${program === 'id' ? programId : program}/tiers/evaluate`;
          const before = await snapshot();
          const r = await s.app.inject({
            method: 'POST',
            url,
            headers: {
              authorization: `Bearer ${asPartner ? partnerKey : s.adminKey}`,
              ...(body === DELETE ? {} : { 'content-type': 'application/json' }),
            },
            ...(body === DELETE ? {} : { payload: json(body) }),
          });
          tally.add(r.statusCode);
          const what = `POST ${url} ${asPartner ? '(partner key)' : ''} ${show(json(body === DELETE ? 'no body' : body))}`;
          expectWellFormed(r, what);
          if (r.statusCode >= 400) expect(await snapshot(), what).toEqual(before);
        },
      ),
      { numRuns: 150 },
    );
    expect(tally.get('2xx')).toBeGreaterThan(5);
    expect(tally.get('4xx')).toBeGreaterThan(50);
  });

  it('growth read routes answer < 500 to arbitrary ids, query strings and keys', async () => {
    const tally = new Tally();
    const before = await snapshot();
    const routes: [string, string[]][] = [
      ['/v1/programs/{program}/budget', ['month']],
      ['/v1/programs/{program}/tiers', []],
      ['/v1/programs/{program}/versions/diff', ['from', 'to']],
      ['/v1/partners/{partner}/tiers', []],
      ['/v1/partners/{partner}/entitlements', []],
      ['/v1/partners/{partner}/programs', []],
      ['/v1/webhook-events', ['after', 'type', 'subject', 'limit']],
    ];
    const queryValue = fc.oneof(
      segment,
      fc.constantFrom(
        '',
        '1',
        '2',
        '3',
        '0',
        '-1',
        '1.5',
        '1e3',
        '2147483647',
        '2147483648',
        '99999999999999999999',
        'NaN',
        'Infinity',
        '%201',
        '0x10',
        '2026-02',
        '2026-03',
        '2026-13',
        '2026-00',
        '2026-2',
        '0000-01',
        '9999-12',
        '-2026-01',
        '2026-02-30',
        '2026-02-01',
        '１２',
        'partner.tier_changed',
        'budget.alert',
        'partner',
        '500',
        '501',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom('known', 'known', 'id', 'other', 'segment'),
        segment,
        fc.array(
          fc.tuple(
            fc.constantFrom('month', 'from', 'to', 'after', 'type', 'subject', 'limit', 'x'),
            queryValue,
          ),
          {
            maxLength: 4,
          },
        ),
        fc.constantFrom('admin', 'admin', 'partner'),
        async ([route, own], which, seg, query, who) => {
          const program =
            which === 'known'
              ? 'gz'
              : which === 'id'
                ? programId
                : which === 'other'
                  ? 'nope'
                  : seg || 'x';
          const partner =
            which === 'known' || which === 'id'
              ? partnerId
              : which === 'other'
                ? 'prt_nope'
                : seg || 'x';
          // Mostly the route's own parameters, sometimes another route's.
          const params = query.filter(([k]) => own.includes(k) || k === 'x' || query.length > 3);
          const qs = params.map(([k, v]) => `${k}=${v}`).join('&');
          const url =
            route.replace('{program}', program).replace('{partner}', partner) +
            (qs ? `?${qs}` : '');
          const r = await s.app.inject({
            method: 'GET',
            url,
            headers: { authorization: `Bearer ${who === 'partner' ? partnerKey : s.adminKey}` },
          });
          tally.add(r.statusCode);
          expectWellFormed(r, `GET ${url} as ${who}`);
        },
      ),
      { numRuns: 300 },
    );
    expect(await snapshot()).toEqual(before);
    expect(tally.get('2xx')).toBeGreaterThan(30);
    expect(tally.get('4xx')).toBeGreaterThan(50);
  });

  it('is still healthy after all of it', async () => {
    const api = apiClient(s);
    expect((await api('GET', '/health')).json()).toEqual({ ok: true });
    const tiers = await api('GET', `/v1/partners/${partnerId}/tiers`);
    expect(tiers.statusCode, tiers.body).toBe(200);
    const budget = await api('GET', '/v1/programs/gz/budget?month=2026-02');
    expect(budget.statusCode, budget.body).toBe(200);
    const bt = await api('POST', '/v1/programs/gz/backtest', {
      terms: growthTerms,
      from: '2026-01-01',
      to: '2026-02-28',
    });
    expect(bt.statusCode, bt.body).toBe(200);
    // Derivation and tier evaluation under whatever terms the fuzzing published.
    s.t.clock.set(Date.parse('2026-07-15T00:00:00Z'));
    const events = [1, 2, 3].map((i) => ({
      id: `after-${i}`,
      type: 'payment',
      occurred_at: `2026-07-0${i}T10:00:00Z`,
      customer: { id: `c${i}` },
      currency: 'USD',
      revenue: '25.00',
    }));
    expect((await api('POST', '/v1/events', { events })).statusCode).toBe(200);
    await deriveAll(s.t);
    const evaluated = await api('POST', '/v1/programs/gz/tiers/evaluate', {});
    expect(evaluated.statusCode, evaluated.body).toBe(200);
    const july = await api('GET', '/v1/programs/gz/budget?month=2026-07');
    expect(july.statusCode, july.body).toBe(200);
    const diff = await api('GET', '/v1/programs/gz/versions/diff?from=1');
    expect(diff.statusCode, diff.body).toBe(200);
  });
});
