import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/engine/api-keys.js';
import { backtestWorld, termsV2 } from '../support/backtest-world.js';
import { expectProblem } from '../support/expect-problem.js';
import { testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;

// Version 2's terms from January on, without its budget and with a richer revenue share.
const { budget: _budget, ...unbudgeted } = termsV2;
const richer = {
  ...unbudgeted,
  rewards: termsV2.rewards.map((r) => (r.id === 'revenue-share' ? { ...r, percent: 30 } : r)),
};
const body = { terms: richer, from: '2026-01-01', to: '2026-06-30' };

describe(`POST /v1/programs/:id/backtest (${backend})`, () => {
  let s: Server;
  let world: Awaited<ReturnType<typeof backtestWorld>>;
  beforeAll(async () => {
    s = await testServer({ now: '2025-09-15T00:00:00Z' });
    world = await backtestWorld(s.t);
  });
  afterAll(async () => s?.close());

  const post = (payload: unknown, headers: Record<string, string> = {}, program = 'ref') =>
    s.app.inject({
      method: 'POST',
      url: `/v1/programs/${program}/backtest`,
      headers: { ...s.auth, ...headers },
      payload: payload as object,
    });

  it('answers the comparison as JSON, by program key or id', async () => {
    const r = await post(body);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const report = r.json();
    expect(report).toMatchObject({
      program: { id: world.programId, key: 'ref' },
      currency: 'USD',
      period: { from: '2026-01-01', to: '2026-06-30' },
      draft_version: { id: 'draft', number: 3, effective_from: '2026-01-01T00:00:00.000Z' },
      baseline_replay_matches_ledger: true,
      mismatches: [],
      pending_derivation: 0,
    });
    expect(report.baseline.cost).toMatch(/^\d+\.\d{2}$/);
    expect(report.baseline.other_currencies).toHaveProperty('EUR');
    expect(report.partners.length).toBeGreaterThan(3);
    expect(Number(report.difference.cost)).toBeGreaterThan(0);
    const byId = await post(body, {}, world.programId);
    expect(byId.statusCode).toBe(200);
    expect({ ...byId.json(), elapsed_ms: 0 }).toEqual({ ...report, elapsed_ms: 0 });
  });

  it('answers CSV with Accept: text/csv', async () => {
    const r = await post(body, { accept: 'text/csv' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    const lines = r.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'section,partner_id,partner_name,currency,metric,baseline,draft,difference',
    );
    expect(lines.some((l) => /^summary,,,USD,cost,\d+\.\d{2},\d+\.\d{2},\d+\.\d{2}$/.test(l))).toBe(
      true,
    );
    expect(lines.some((l) => l.startsWith('summary,,,EUR,cost,'))).toBe(true);
    expect(lines.some((l) => l.startsWith('summary,,,,activations,'))).toBe(true);
    const json = (await post(body)).json();
    expect(lines.filter((l) => l.startsWith('partner,'))).toHaveLength(json.partners.length);
  });

  it('streams progress then the report with Accept: application/x-ndjson', async () => {
    const r = await post(body, { accept: 'application/x-ndjson' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = r.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const last = lines.pop();
    expect(last.report).toMatchObject({ baseline_replay_matches_ledger: true });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const final = lines.at(-1).progress;
    expect(final.customers).toBe(final.total_customers);
    expect(final.customers).toBe(last.report.customers_replayed);
  });

  it('422 with every problem by path for invalid draft terms', async () => {
    const r = await post({
      ...body,
      terms: {
        currency: 'USD',
        hold_days: 400,
        rewards: [{ id: 'A', event: 'signup', percent: 5 }],
      },
    });
    const p = expectProblem(r, 422, 'invalid_program');
    expect(p.issues?.map((i) => i.path).sort()).toEqual([
      'hold_days',
      'rewards[0].id',
      'rewards[0].percent',
    ]);
  });

  it('400 invalid_range for days that do not exist or run backwards', async () => {
    for (const range of [
      { from: '2026-02-30', to: '2026-03-31' },
      { from: '2026-06-30', to: '2026-01-01' },
      { from: '2026-01-01T10:00:00Z', to: '2026-01-31' },
    ]) {
      const p = expectProblem(await post({ ...body, ...range }), 400, 'invalid_range');
      expect(p.issues?.length).toBeGreaterThan(0);
    }
    expectProblem(await post({ terms: richer, from: '2026-01-01' }), 400, 'validation_failed');
  });

  it('404 for an unknown program', async () => {
    expectProblem(await post(body, {}, 'nope'), 404, 'program_not_found');
  });

  it('needs an operator key with the read scope', async () => {
    const anonymous = await s.app.inject({
      method: 'POST',
      url: '/v1/programs/ref/backtest',
      payload: body,
    });
    expectProblem(anonymous, 401, 'unauthorized');
    const { key: writer } = await createApiKey(s.t, { name: 'ingest', scopes: ['events:write'] });
    expectProblem(await post(body, { authorization: `Bearer ${writer}` }), 403, 'forbidden');
    const partnerId = world.partners[0]?.id as string;
    const { key: partnerKey } = await createApiKey(s.t, {
      name: 'alpha',
      scopes: ['read'],
      partnerId,
    });
    expectProblem(await post(body, { authorization: `Bearer ${partnerKey}` }), 403, 'forbidden');
    const { key: reader } = await createApiKey(s.t, { name: 'analyst', scopes: ['read'] });
    expect((await post(body, { authorization: `Bearer ${reader}` })).statusCode).toBe(200);
  });
});
