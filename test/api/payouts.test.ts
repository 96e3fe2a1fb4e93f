import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/engine/api-keys.js';
import { expectProblem } from '../support/expect-problem.js';
import { earn, ledgerSums, payoutWorld } from '../support/payout-world.js';
import { rowCounts } from '../support/row-counts.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;

const csvProfile = { rail: 'csv', details: { account_holder: 'Ada', account_number: '12345678' } };

/** Rows in the tables a rejected request must not touch. */
const footprint = (s: Server) =>
  rowCounts(s.t.store.db, [
    'ledger_entries',
    'payouts',
    'payout_runs',
    'payout_events',
    'payout_profiles',
    'fx_rates',
  ]);

describe(`payouts over HTTP (${backend})`, () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  async function world() {
    s = await testServer({ now: '2026-02-02T00:00:00Z' });
    const w = await payoutWorld(s.t, {
      payouts: { minimum: '25.00', approval: 'four_eyes', require_tax_info: true },
      profiles: [null, null],
    });
    const finance = await createApiKey(s.t, {
      name: 'finance',
      scopes: ['payouts:approve', 'read'],
    });
    const partnerKey = await createApiKey(s.t, {
      name: 'portal',
      scopes: [],
      partnerId: w.partners[0]?.id,
    });
    return { ...w, finance: finance.key, partnerKey: partnerKey.key };
  }

  it('a partner sets its own payout profile (shown masked), and a run pays it after a second approval', async () => {
    const w = await world();
    const srv = s as Server;
    const [a, b] = w.partners as [{ id: string; code: string }, { id: string; code: string }];
    const admin = apiClient(srv);
    const partner = apiClient(srv, w.partnerKey);
    await earn(srv.t, a.code, '300.00');
    await earn(srv.t, b.code, '300.00');

    const put = await partner('PUT', `/v1/partners/${a.id}/payout-profile`, {
      ...csvProfile,
      details: {
        account_holder: 'Ada Lovelace',
        account_number: '12345678',
        email: 'ada@example.com',
      },
      tax: { form: 'w9', tax_id_present: true, country: 'US' },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().details).toEqual({
      account_holder: 'Ada Lovelace',
      account_number: '••••5678',
      email: 'a•••@example.com',
    });
    expect(put.body).not.toContain('12345678');
    // A partner key cannot touch another partner's profile (404, not 403: ids are not probed).
    expectProblem(
      await partner('PUT', `/v1/partners/${b.id}/payout-profile`, csvProfile),
      404,
      'partner_not_found',
    );
    // b has a method but no tax form: held.
    await admin('PUT', `/v1/partners/${b.id}/payout-profile`, csvProfile);

    // Before the run, each partner can see what it would be paid, or why not.
    const outlookA = (await partner('GET', `/v1/partners/${a.id}/payout-outlook`)).json().data;
    expect(outlookA).toEqual([
      expect.objectContaining({
        program_key: 'ref',
        next_period: '2026-02',
        next_run_due_at: '2026-03-01T00:00:00.000Z',
        minimum: '25.00',
        would_pay: { amount: '30.00', currency: 'USD' },
        held: null,
      }),
    ]);
    expect(
      (await admin('GET', `/v1/partners/${b.id}/payout-outlook`)).json().data[0],
    ).toMatchObject({
      would_pay: null,
      held: { reason: 'tax_info_missing' },
    });
    expectProblem(
      await partner('GET', `/v1/partners/${b.id}/payout-outlook`),
      404,
      'partner_not_found',
    );

    const created = await admin('POST', '/v1/payout-runs', { program: 'ref' });
    expect(created.statusCode, created.body).toBe(201);
    const run = created.json();
    expect(run).toMatchObject({
      period: '2026-01',
      status: 'pending',
      payouts: 1,
      held: { tax_info_missing: 1 },
    });
    expect((await admin('GET', `/v1/payout-runs/${run.id}/holds`)).json().data).toEqual([
      { partner_id: b.id, reason: 'tax_info_missing', detail: 'no tax form on file (W-9 or W-8)' },
    ]);
    expectProblem(
      await admin('POST', `/v1/payout-runs/${run.id}/approve`),
      403,
      'four_eyes_required',
    );
    const finance = apiClient(srv, w.finance);
    expect((await finance('POST', `/v1/payout-runs/${run.id}/approve`)).json().status).toBe(
      'approved',
    );
    expect((await admin('POST', `/v1/payout-runs/${run.id}/send`)).json().status).toBe('sent');

    const files = (await admin('GET', `/v1/payout-runs/${run.id}/files`)).json().data;
    expect(files).toEqual([expect.objectContaining({ rail: 'csv', currency: 'USD', payouts: 1 })]);
    const file = await admin('GET', files[0].path);
    expect(file.headers['content-type']).toMatch(/^text\/csv/);
    expect(file.body).toContain('account_number=12345678');
    // The finance key may approve but not download full details.
    expectProblem(await finance('GET', files[0].path), 403, 'forbidden');

    const payout = (await partner('GET', `/v1/partners/${a.id}/payouts`)).json().data[0];
    const text = `payout_id,status,reference,reason\n${payout.id},settled,BANK-77,\n`;
    const imported = await admin('POST', `/v1/payout-runs/${run.id}/results`, {
      rail: 'csv',
      text,
    });
    expect(imported.json()).toMatchObject({ applied: 1, errors: 0 });
    expect((await partner('GET', `/v1/payouts/${payout.id}`)).json()).toMatchObject({
      status: 'settled',
      reference: 'BANK-77',
      events: expect.arrayContaining([expect.objectContaining({ status: 'settled' })]),
    });
    expect((await admin('GET', `/v1/payout-runs/${run.id}`)).json().status).toBe('settled');
    // Each step is announced in the webhook-ready feed.
    const feed = (await admin('GET', '/v1/webhook-events?limit=100')).json().data as {
      type: string;
      data: Record<string, unknown>;
    }[];
    expect(feed.filter((e) => e.type.startsWith('payout')).map((e) => e.type)).toEqual([
      'payout_run.pending',
      'payout_run.approved',
      'payout_run.sending',
      'payout_run.sent',
      'payout.settled',
      'payout_run.settled',
    ]);
    expect(feed.find((e) => e.type === 'payout.settled')?.data).toMatchObject({
      payout_id: payout.id,
      partner_id: a.id,
      amount: '30.00',
      reference: 'BANK-77',
    });

    // Statements: the partner reads its own, as JSON, CSV and HTML.
    const stmt = await partner('GET', `/v1/partners/${a.id}/statements/2026-02?program=ref`);
    expect(stmt.statusCode, stmt.body).toBe(200);
    // Everything here was posted on Feb 2: the 30.00 earned and the payout of it.
    expect(stmt.json().sections[0]).toMatchObject({
      currency: 'USD',
      opening: '0.00',
      closing: '0.00',
    });
    expect(stmt.json().sections[0].items).toEqual([
      expect.objectContaining({ type: 'accrual', amount: '30.00', balance: '30.00' }),
      expect.objectContaining({ type: 'payout', amount: '-30.00', balance: '0.00' }),
    ]);
    const csv = await partner(
      'GET',
      `/v1/partners/${a.id}/statements/2026-02?program=ref&format=csv`,
    );
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const html = await partner(
      'GET',
      `/v1/partners/${a.id}/statements/2026-02?program=ref&format=html`,
    );
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expectProblem(
      await partner('GET', `/v1/partners/${b.id}/statements/2026-02?program=ref`),
      404,
      'partner_not_found',
    );

    const rec = (await admin('GET', '/v1/payouts/reconciliation')).json();
    expect(rec.differences).toEqual([]);
    expect(rec.totals).toEqual([
      expect.objectContaining({
        currency: 'USD',
        paid_ledger: '30.00',
        paid_payouts: '30.00',
        processing_ledger: '0.00',
      }),
    ]);
    expect(await ledgerSums(srv.t)).toEqual({ USD: 0n });
  });

  it('ten runs started at once for the same period pay each partner exactly once', async () => {
    const w = await world();
    const srv = s as Server;
    const admin = apiClient(srv);
    for (const p of w.partners) {
      await admin('PUT', `/v1/partners/${p.id}/payout-profile`, {
        ...csvProfile,
        tax: { form: 'w8ben' },
      });
      await earn(srv.t, p.code, '400.00');
    }
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        admin('POST', '/v1/payout-runs', { program: 'ref', period: '2026-01' }),
      ),
    );
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, ...Array(9).fill(409)]);
    for (const r of answers.filter((x) => x.statusCode === 409))
      expect(r.json().code).toBe('payout_run_exists');
    const payouts = (await admin('GET', '/v1/payouts')).json().data;
    expect(payouts.map((p: { partner_id: string }) => p.partner_id).sort()).toEqual(
      w.partners.map((p) => p.id).sort(),
    );
    expect(payouts.every((p: { amount: string }) => p.amount === '40.00')).toBe(true);
    expect(await ledgerSums(srv.t)).toEqual({ USD: 0n });
  });

  it('bad input gets a clear 4xx and changes nothing', async () => {
    const w = await world();
    const srv = s as Server;
    const admin = apiClient(srv);
    const [a] = w.partners as [{ id: string; code: string }];
    await earn(srv.t, a.code, '300.00');
    await admin('PUT', `/v1/partners/${a.id}/payout-profile`, {
      ...csvProfile,
      tax: { form: 'w9', tax_id_present: true },
    });
    const before = await footprint(srv);

    expectProblem(
      await admin('PUT', '/v1/partners/prt_nobody/payout-profile', csvProfile),
      404,
      'partner_not_found',
    );
    const cur = expectProblem(
      await admin('PUT', `/v1/partners/${a.id}/payout-profile`, { ...csvProfile, currency: 'XYZ' }),
      400,
      'validation_failed',
    );
    expect(JSON.stringify(cur)).toContain('currency');
    expectProblem(
      await admin('PUT', `/v1/partners/${a.id}/payout-profile`, {
        rail: 'stripe',
        details: { account: 'not-an-account' },
      }),
      400,
      'validation_failed',
    );
    expectProblem(
      await admin('PUT', `/v1/partners/${a.id}/payout-profile`, { rail: 'carrier-pigeon' }),
      400,
      'validation_failed',
    );
    expectProblem(
      await admin('POST', '/v1/payout-runs', { program: 'ref', period: '2026-02' }),
      422,
      'period_not_ended',
    );
    expectProblem(
      await admin('POST', '/v1/payout-runs', { program: 'ref', period: '2099-01' }),
      422,
      'period_not_ended',
    );
    expectProblem(
      await admin('POST', '/v1/payout-runs', { program: 'ref', period: 'soon' }),
      400,
      'invalid_period',
    );
    expectProblem(
      await admin('POST', '/v1/payout-runs', { program: 'nope' }),
      404,
      'program_not_found',
    );
    const fx = expectProblem(
      await admin('POST', '/v1/fx-rates', {
        rates: [
          { base: 'EUR', quote: 'USD', rate: '1.08', as_of: '2026-01-31T00:00:00Z' },
          { base: 'EUR', quote: 'XXX', rate: '1.08', as_of: '2026-01-31T00:00:00Z' },
          { base: 'GBP', quote: 'USD', rate: '-1', as_of: '2026-01-31T00:00:00Z' },
          { base: 'GBP', quote: 'USD', rate: '1.2', as_of: '2030-01-01T00:00:00Z' },
        ],
      }),
      400,
      'validation_failed',
    ) as unknown as { rows: { index: number; code: string }[] };
    expect(fx.rows.map((r) => [r.index, r.code])).toEqual([
      [1, 'unknown_currency'],
      [2, 'invalid_rate'],
      [3, 'invalid_as_of'],
    ]);
    expectProblem(
      await admin('POST', '/v1/payouts/pay_nope/settle', { reference: 'x' }),
      404,
      'payout_not_found',
    );
    expectProblem(await admin('GET', '/v1/payout-runs/run_nope'), 404, 'payout_run_not_found');
    expect(await footprint(srv)).toEqual(before);

    // A run exists; its malformed result file changes nothing either.
    const run = (await admin('POST', '/v1/payout-runs', { program: 'ref' })).json();
    const after = await footprint(srv);
    expectProblem(
      await admin('POST', `/v1/payout-runs/${run.id}/results`, {
        rail: 'csv',
        text: 'this is,not\na result file',
      }),
      422,
      'invalid_result_file',
    );
    expectProblem(
      await admin('POST', `/v1/payout-runs/${run.id}/send`),
      409,
      'invalid_payout_transition',
    );
    const [payout] = (await admin('GET', `/v1/payouts?run_id=${run.id}`)).json().data;
    expectProblem(
      await admin('POST', `/v1/payouts/${payout.id}/settle`, { reference: 'early' }),
      409,
      'invalid_payout_transition',
    );
    expect(await footprint(srv)).toEqual(after);
  });
});
