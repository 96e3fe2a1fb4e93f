import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/engine/api-keys.js';
import { fixedClock } from '../../src/engine/deps.js';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { openTandem } from '../../src/engine/open-tandem.js';
import { createPartner } from '../../src/engine/partners.js';
import { releaseAllDue } from '../../src/engine/release-holds.js';
import { startWorker } from '../../src/engine/worker.js';
import { buildServer } from '../../src/server/build-server.js';
import { expectProblem } from '../support/expect-problem.js';
import { earn, payoutWorld } from '../support/payout-world.js';
import { rowCounts } from '../support/row-counts.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;

const NOW = '2026-02-02T00:00:00Z';
const csvProfile = { rail: 'csv', details: { account_holder: 'Ada', account_number: '12345678' } };

/** Tables test activity lands in; live's must not move when a test key writes, and the reverse. */
const activity = [
  'events',
  'accrual_lines',
  'ledger_entries',
  'codes',
  'links',
  'payout_runs',
  'payouts',
  'payout_profiles',
  'audit_log',
];
/** Configuration, which test keys must never change. */
const configuration = [
  'programs',
  'program_versions',
  'partners',
  'partner_status_history',
  'enrollments',
  'api_keys',
  'fx_rates',
];

describe(`sandbox / test mode (${backend})`, () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  /**
   * Program `ref` (10% of payments, no hold, payouts from 1.00) with two
   * approved partners, CODE0 and CODE1, with payout profiles; an operator
   * test key, and partner 0's live and test keys.
   */
  async function world() {
    s = await testServer({ now: NOW });
    const srv = s;
    const w = await payoutWorld(srv.t, {
      payouts: { minimum: '1.00' },
      profiles: [csvProfile, csvProfile],
    });
    const [p0, p1] = w.partners as [{ id: string; code: string }, { id: string; code: string }];
    const admin = apiClient(srv);
    const created = await admin('POST', '/v1/api-keys', {
      name: 'staging',
      scopes: ['admin'],
      mode: 'test',
    });
    expect(created.statusCode, created.body).toBe(201);
    const partnerLive = await createApiKey(srv.t, { name: 'p0', scopes: [], partnerId: p0.id });
    const sandboxKey = await apiClient(srv, partnerLive.key)(
      'POST',
      `/v1/partners/${p0.id}/sandbox-keys`,
      {},
    );
    expect(sandboxKey.statusCode, sandboxKey.body).toBe(201);
    return {
      ...w,
      p0,
      p1,
      admin,
      testKey: created.json().key as string,
      test: apiClient(srv, created.json().key),
      partnerLive: apiClient(srv, partnerLive.key),
      partnerTestKey: sandboxKey.json().key as string,
      partnerTest: apiClient(srv, sandboxKey.json().key),
    };
  }

  /** The sandbox's deps: derive and release there like the sandbox worker would. */
  async function settleSandbox() {
    const sb = await (s as Server).app.sandbox.deps();
    await deriveAll(sb);
    await releaseAllDue(sb);
    return sb;
  }

  const payment = (id: string, code: string, revenue: string) => ({
    id,
    type: 'payment',
    occurred_at: '2026-01-15T10:00:00Z',
    customer: { id: `cust-${id}` },
    currency: 'USD',
    revenue,
    referral_code: code,
  });

  it('test keys say so: tdm_test_ prefixes, the Tandem-Mode header, /v1/me and the key list', async () => {
    const w = await world();
    const srv = s as Server;
    expect(w.testKey).toMatch(/^tdm_test_a_/);
    expect(w.partnerTestKey).toMatch(/^tdm_test_p_/);
    expect(srv.adminKey).toMatch(/^tdm_a_/);

    const live = await w.admin('GET', '/v1/me');
    expect(live.headers['tandem-mode']).toBe('live');
    expect(live.json()).toMatchObject({ mode: 'live', partner_id: null, scopes: ['admin'] });
    const test = await w.test('GET', '/v1/me');
    expect(test.headers['tandem-mode']).toBe('test');
    expect(test.json()).toMatchObject({
      name: 'staging',
      mode: 'test',
      scopes: ['admin'],
      partner_id: null,
    });
    expect(test.json().key_id).toMatch(/^key_/);
    const partner = await w.partnerTest('GET', '/v1/me');
    expect(partner.headers['tandem-mode']).toBe('test');
    expect(partner.json()).toMatchObject({ id: w.p0.id, mode: 'test', partner_id: w.p0.id });

    // Errors carry the header too; a request without a valid key has no mode.
    const missing = await w.test('GET', '/v1/partners/prt_nope');
    expectProblem(missing, 404, 'partner_not_found');
    expect(missing.headers['tandem-mode']).toBe('test');
    const anonymous = await apiClient(srv, null)('GET', '/v1/me');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['tandem-mode']).toBeUndefined();

    const keys = (await w.admin('GET', '/v1/api-keys')).json().data as {
      name: string;
      mode: string;
      partner_id: string | null;
    }[];
    expect(keys.map((k) => [k.name, k.mode])).toEqual([
      ['test admin', 'live'],
      ['staging', 'test'],
      ['p0', 'live'],
      ['Partner 0 sandbox', 'test'],
    ]);
    // Every key, test ones too, is created in (and audited by) the live database.
    const audit = await srv.t.store.db
      .selectFrom('audit_log')
      .select(['action', 'data'])
      .where('action', '=', 'api_key.created')
      .execute();
    const data = audit.map(
      (a) => (typeof a.data === 'string' ? JSON.parse(a.data) : a.data) as { mode: string },
    );
    expect(data.filter((d) => d.mode === 'test')).toHaveLength(2);

    // A partner's live key makes test keys for itself only; an operator needs admin.
    expectProblem(
      await w.partnerLive('POST', `/v1/partners/${w.p1.id}/sandbox-keys`, {}),
      404,
      'partner_not_found',
    );
    const reader = await createApiKey(srv.t, { name: 'reader', scopes: ['read'] });
    expectProblem(
      await apiClient(srv, reader.key)('POST', `/v1/partners/${w.p1.id}/sandbox-keys`, {}),
      403,
      'forbidden',
    );
    const byAdmin = await w.admin('POST', `/v1/partners/${w.p1.id}/sandbox-keys`, {
      name: 'p1 staging',
    });
    expect(byAdmin.statusCode).toBe(201);
    expect(byAdmin.json()).toMatchObject({ partner_id: w.p1.id, mode: 'test', scopes: ['read'] });

    // A partner lists and revokes its own test keys (never their secrets), and no one else's.
    const own = await w.partnerLive('GET', `/v1/partners/${w.p0.id}/sandbox-keys`);
    expect(own.statusCode, own.body).toBe(200);
    const listed = own.json().data as { id: string; revoked_at: string | null; key?: string }[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((k) => k.key === undefined)).toBe(true);
    expectProblem(
      await w.partnerLive('GET', `/v1/partners/${w.p1.id}/sandbox-keys`),
      404,
      'partner_not_found',
    );
    const p1Key = byAdmin.json().id as string;
    expectProblem(
      await w.partnerLive('DELETE', `/v1/partners/${w.p0.id}/sandbox-keys/${p1Key}`),
      404,
      'not_found',
    );
    const first = listed[0] as { id: string };
    expect(
      (await w.partnerLive('DELETE', `/v1/partners/${w.p0.id}/sandbox-keys/${first.id}`))
        .statusCode,
    ).toBe(204);
    const after = (await w.partnerLive('GET', `/v1/partners/${w.p0.id}/sandbox-keys`)).json()
      .data as { id: string; revoked_at: string | null }[];
    expect(after.find((k) => k.id === first.id)?.revoked_at).not.toBeNull();
  });

  it('an event sent with a test key is derived in the sandbox and seen only by test keys, and the reverse', async () => {
    const w = await world();
    const srv = s as Server;
    const liveBefore = await rowCounts(srv.t.store.db, [...activity, ...configuration]);

    // Referral codes are tracking artifacts, not configuration: test mode has its own.
    const code = await w.test('POST', `/v1/partners/${w.p0.id}/codes`, {
      program: 'ref',
      kind: 'referral_code',
      code: 'SANDBOX0',
    });
    expect(code.statusCode, code.body).toBe(201);
    const sent = await w.test('POST', '/v1/events', payment('test-pay-1', 'SANDBOX0', '333.00'));
    expect(sent.statusCode, sent.body).toBe(201);
    await settleSandbox();

    const testAccruals = (await w.test('GET', `/v1/partners/${w.p0.id}/accruals`)).json().data;
    expect(testAccruals.map((a: { amount: string }) => a.amount)).toEqual(['33.30']);
    const testBalances = (await w.partnerTest('GET', `/v1/partners/${w.p0.id}/balances`)).json();
    expect(testBalances.balances).toEqual([expect.objectContaining({ available: '33.30' })]);
    const customer = await w.test('GET', '/v1/customers/cust-test-pay-1');
    expect(customer.statusCode).toBe(200);

    // Live sees none of it, and nothing live moved.
    expect((await w.admin('GET', `/v1/partners/${w.p0.id}/accruals`)).json().data).toEqual([]);
    expect((await w.partnerLive('GET', `/v1/partners/${w.p0.id}/accruals`)).json().data).toEqual(
      [],
    );
    const liveBalances = (await w.admin('GET', `/v1/partners/${w.p0.id}/balances`)).json();
    expect(JSON.stringify(liveBalances)).not.toContain('33.30');
    expectProblem(await w.admin('GET', '/v1/customers/cust-test-pay-1'), 404, 'customer_not_found');
    expect(await rowCounts(srv.t.store.db, [...activity, ...configuration])).toEqual({
      ...liveBefore,
      audit_log: liveBefore.audit_log,
    });

    // The reverse: a live payment is invisible to test keys.
    await earn(srv.t, w.p0.code, '777.00', { id: 'live-pay-1' });
    expect(
      (await w.admin('GET', `/v1/partners/${w.p0.id}/accruals`))
        .json()
        .data.map((a: { amount: string }) => a.amount),
    ).toEqual(['77.70']);
    expect(
      (await w.test('GET', `/v1/partners/${w.p0.id}/accruals`))
        .json()
        .data.map((a: { amount: string }) => a.amount),
    ).toEqual(['33.30']);
    expectProblem(await w.test('GET', '/v1/customers/cust-live-pay-1'), 404, 'customer_not_found');
    // A live code means nothing in the sandbox: the event is stored there, unattributed.
    const unattributed = await w.test(
      'POST',
      '/v1/events',
      payment('test-pay-2', 'CODE0', '50.00'),
    );
    expect(unattributed.statusCode).toBe(201);
    await settleSandbox();
    expect((await w.test('GET', `/v1/partners/${w.p0.id}/accruals`)).json().data).toHaveLength(1);
  });

  it('a payout run with a live key claims nothing a test key earned; the sandbox has no payouts', async () => {
    const w = await world();
    const srv = s as Server;
    await w.test('POST', `/v1/partners/${w.p0.id}/codes`, {
      program: 'ref',
      kind: 'referral_code',
      code: 'SANDBOX0',
    });
    await w.test('POST', '/v1/events', payment('test-pay-1', 'SANDBOX0', '333.00'));
    const sb = await settleSandbox();
    await earn(srv.t, w.p1.code, '100.00', { id: 'live-pay-1' });

    const run = await w.admin('POST', '/v1/payout-runs', { program: 'ref', period: '2026-01' });
    expect(run.statusCode, run.body).toBe(201);
    const payouts = (await w.admin('GET', '/v1/payouts')).json().data as {
      partner_id: string;
      amount: string;
    }[];
    expect(payouts.map((p) => [p.partner_id, p.amount])).toEqual([[w.p1.id, '10.00']]);
    expect((await w.admin('GET', `/v1/partners/${w.p0.id}/payouts`)).json().data).toEqual([]);

    // The sandbox: the test money is still available there, and no run or payout exists.
    const testBalances = (await w.test('GET', `/v1/partners/${w.p0.id}/balances`)).json();
    expect(testBalances.balances).toEqual([expect.objectContaining({ available: '33.30' })]);
    expect((await w.test('GET', '/v1/payout-runs')).json().data).toEqual([]);
    expect((await w.test('GET', '/v1/payouts')).json().data).toEqual([]);
    expect(await rowCounts(sb.store.db, ['payout_runs', 'payouts', 'payout_profiles'])).toEqual({
      payout_runs: 0,
      payouts: 0,
      payout_profiles: 0,
    });
    expectProblem(
      await w.test('POST', '/v1/payout-runs', { program: 'ref', period: '2026-01' }),
      403,
      'live_mode_only',
    );
  });

  it('refuses configuration and payout writes with a test key (live_mode_only) and changes nothing', async () => {
    const w = await world();
    const srv = s as Server;
    const sb = await srv.app.sandbox.deps();
    const terms = { currency: 'USD', rewards: [{ id: 'r', event: 'payment', percent: 5 }] };
    const writes: [string, string, unknown][] = [
      ['POST', '/v1/programs', { key: 'other', name: 'Other', version: { terms } }],
      ['POST', '/v1/programs/ref/versions', { terms }],
      ['POST', '/v1/partners', { name: 'Sneaky', status: 'approved' }],
      ['POST', `/v1/partners/${w.p0.id}/status`, { status: 'suspended' }],
      ['POST', '/v1/programs/ref/tiers/evaluate', {}],
      ['POST', '/v1/payout-runs', { program: 'ref' }],
      ['POST', '/v1/payout-runs/run_x/approve', undefined],
      ['POST', '/v1/payout-runs/run_x/send', undefined],
      ['POST', '/v1/payout-runs/run_x/cancel', { reason: 'x' }],
      ['POST', '/v1/payout-runs/run_x/results', { rail: 'csv', text: 'x' }],
      ['POST', '/v1/payouts/pay_x/settle', { reference: 'x' }],
      ['POST', '/v1/payouts/pay_x/fail', { reason: 'x' }],
      ['POST', '/v1/payouts/pay_x/cancel', { reason: 'x' }],
      ['POST', '/v1/payouts/resume', undefined],
      ['PUT', `/v1/partners/${w.p0.id}/payout-profile`, csvProfile],
      ['POST', '/v1/fx-rates', { rates: [{ base: 'EUR', quote: 'USD', rate: '1.1', as_of: NOW }] }],
      ['POST', '/v1/api-keys', { name: 'more', scopes: ['admin'] }],
      ['GET', '/v1/api-keys', undefined],
      ['DELETE', '/v1/api-keys/key_x', undefined],
      ['POST', `/v1/partners/${w.p0.id}/sandbox-keys`, {}],
    ];
    const tables = [...activity, ...configuration];
    const before = {
      live: await rowCounts(srv.t.store.db, tables),
      test: await rowCounts(sb.store.db, tables),
    };
    for (const [method, url, body] of writes) {
      const r = await w.test(method as 'POST', url, body);
      const p = expectProblem(r, 403, 'live_mode_only');
      expect(p.detail).toBe('this is done with a live key; the sandbox mirrors live configuration');
      expect(r.headers['tandem-mode']).toBe('test');
    }
    // A partner's test key cannot set its payout profile either.
    expectProblem(
      await w.partnerTest('PUT', `/v1/partners/${w.p0.id}/payout-profile`, csvProfile),
      403,
      'live_mode_only',
    );
    expect(await rowCounts(srv.t.store.db, tables)).toEqual(before.live);
    expect(await rowCounts(sb.store.db, tables)).toEqual(before.test);
    expect(before.test.payout_profiles).toBe(0);
    expect(before.test.programs).toBe(1);
    expect(before.test.partners).toBe(2);
  });

  it('reset wipes test activity, keeps mirrored configuration, and needs an operator test key', async () => {
    const w = await world();
    const srv = s as Server;
    await w.test('POST', `/v1/partners/${w.p0.id}/codes`, {
      program: 'ref',
      kind: 'referral_code',
      code: 'SANDBOX0',
    });
    const link = await w.test('POST', `/v1/partners/${w.p0.id}/links`, {
      program: 'ref',
      destination: 'https://example.com/sandbox',
    });
    expect(link.statusCode, link.body).toBe(201);
    await w.test('POST', '/v1/events', payment('test-pay-1', 'SANDBOX0', '333.00'));
    await settleSandbox();
    await earn(srv.t, w.p0.code, '777.00', { id: 'live-pay-1' });
    const reader = await createApiKey(srv.t, { name: 'r', scopes: ['read'], mode: 'test' });
    const live = await rowCounts(srv.t.store.db, [...activity, ...configuration]);

    expectProblem(await w.admin('POST', '/v1/sandbox/reset'), 403, 'test_mode_only');
    expectProblem(await w.partnerTest('POST', '/v1/sandbox/reset'), 403, 'forbidden');
    expectProblem(await apiClient(srv, reader.key)('POST', '/v1/sandbox/reset'), 403, 'forbidden');

    const reset = await w.test('POST', '/v1/sandbox/reset');
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toMatchObject({ programs: 1, partners: 2 });
    expect(reset.headers['tandem-mode']).toBe('test');

    const sb = await srv.app.sandbox.deps();
    expect(
      await rowCounts(sb.store.db, [
        'events',
        'accrual_lines',
        'ledger_entries',
        'codes',
        'links',
        'programs',
        'partners',
        'enrollments',
      ]),
    ).toEqual({
      events: 0,
      accrual_lines: 0,
      ledger_entries: 0,
      codes: 0,
      links: 0,
      programs: 1,
      partners: 2,
      enrollments: 2,
    });
    expect((await w.test('GET', `/v1/partners/${w.p0.id}/accruals`)).json().data).toEqual([]);
    expect((await w.test('GET', `/v1/partners/${w.p0.id}/codes`)).json().data).toEqual([]);
    expect((await w.test('GET', '/v1/programs/ref')).json()).toMatchObject({ key: 'ref' });
    expect((await w.partnerTest('GET', '/v1/me')).json()).toMatchObject({ id: w.p0.id });

    // Live is untouched, and the reset is in its audit log.
    expect(await rowCounts(srv.t.store.db, [...activity, ...configuration])).toEqual({
      ...live,
      audit_log: (live.audit_log ?? 0) + 1,
    });
    const entry = await srv.t.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'sandbox.reset')
      .executeTakeFirstOrThrow();
    expect(entry.subject).toBe('sandbox');

    // The sandbox works after the reset.
    await w.test('POST', `/v1/partners/${w.p0.id}/codes`, {
      program: 'ref',
      kind: 'referral_code',
      code: 'SANDBOX0',
    });
    await w.test('POST', '/v1/events', payment('test-pay-1', 'SANDBOX0', '100.00'));
    await settleSandbox();
    expect(
      (await w.test('GET', `/v1/partners/${w.p0.id}/accruals`))
        .json()
        .data.map((a: { amount: string }) => a.amount),
    ).toEqual(['10.00']);
  });

  it('requests in flight during a reset finish or fail cleanly; the server stays up', async () => {
    const w = await world();
    await w.test('POST', `/v1/partners/${w.p0.id}/codes`, {
      program: 'ref',
      kind: 'referral_code',
      code: 'SANDBOX0',
    });
    const burst = Array.from({ length: 20 }, (_, i) =>
      w.test('POST', '/v1/events', payment(`burst-${i}`, 'SANDBOX0', '10.00')),
    );
    const reset = w.test('POST', '/v1/sandbox/reset');
    const reads = Array.from({ length: 10 }, () =>
      w.test('GET', `/v1/partners/${w.p0.id}/accruals`),
    );
    const answers = await Promise.all([...burst, reset, ...reads]);
    for (const a of answers) expect(a.statusCode, a.body).toBeLessThan(500);
    expect((await reset).statusCode).toBe(200);
    expect((await w.test('GET', '/v1/me')).statusCode).toBe(200);
    expect((await w.admin('GET', '/v1/me')).statusCode).toBe(200);
  });

  it('live configuration written after the sandbox opened is mirrored into it', async () => {
    const w = await world();
    const srv = s as Server;
    expect((await w.test('GET', '/v1/programs')).json().data).toHaveLength(1);

    // Through this server: visible to the very next test-mode request.
    const terms = {
      currency: 'USD',
      hold_days: 0,
      rewards: [{ id: 'r', event: 'payment', percent: 5 }],
    };
    const created = await w.admin('POST', '/v1/programs', {
      key: 'second',
      name: 'Second',
      version: { effective_from: NOW, terms },
    });
    expect(created.statusCode, created.body).toBe(201);
    const partner = await w.admin('POST', '/v1/partners', {
      name: 'Late',
      status: 'approved',
      programs: ['second'],
    });
    expect(partner.statusCode).toBe(201);
    const lateId = partner.json().id as string;
    expect(
      (await w.admin('POST', `/v1/partners/${w.p1.id}/status`, { status: 'suspended' })).statusCode,
    ).toBe(200);
    const published = await w.admin('POST', '/v1/programs/ref/versions', {
      effective_from: '2026-03-01',
      terms: {
        currency: 'USD',
        hold_days: 0,
        rewards: [{ id: 'share', event: 'payment', percent: 20 }],
      },
    });
    expect(published.statusCode, published.body).toBe(201);

    const programs = (await w.test('GET', '/v1/programs')).json().data as {
      key: string;
      versions: unknown[];
    }[];
    expect(programs.map((p) => [p.key, p.versions.length])).toEqual([
      ['ref', 2],
      ['second', 1],
    ]);
    expect((await w.test('GET', `/v1/partners/${lateId}`)).json()).toMatchObject({
      name: 'Late',
      programs: ['second'],
    });
    expect((await w.test('GET', `/v1/partners/${w.p1.id}`)).json()).toMatchObject({
      status: 'suspended',
    });

    // Written elsewhere (another node, the CLI on the database): mirrored by the next sync.
    const other = await createPartner(srv.t, {
      name: 'Elsewhere',
      kinds: ['referral'],
      status: 'approved',
      programs: ['ref'],
    });
    await srv.app.sandbox.sync();
    expect((await w.test('GET', `/v1/partners/${other.id}`)).json()).toMatchObject({
      name: 'Elsewhere',
      programs: ['ref'],
    });

    // Mirrored config drives derivation: a late partner earns under the new program in test mode.
    await w.test('POST', `/v1/partners/${lateId}/codes`, {
      program: 'second',
      kind: 'referral_code',
      code: 'LATE1',
    });
    await w.test('POST', '/v1/events', {
      ...payment('late-pay', 'LATE1', '200.00'),
      occurred_at: NOW,
    });
    await settleSandbox();
    expect(
      (await w.test('GET', `/v1/partners/${lateId}/accruals`))
        .json()
        .data.map((a: { amount: string }) => a.amount),
    ).toEqual(['10.00']);
  });

  it('runs a sandbox worker (no payouts) when the server has a sandbox worker factory', async () => {
    s = await testServer({ now: NOW });
    const srv = s;
    await srv.app.close();
    const app = await buildServer(srv.t, {
      sandboxWorker: (d) => startWorker(d, { intervalMs: 20, payouts: false, tiers: false }),
    });
    try {
      const w = await payoutWorld(srv.t, { payouts: { minimum: '1.00' }, profiles: [csvProfile] });
      const key = await createApiKey(srv.t, { name: 't', scopes: ['admin'], mode: 'test' });
      const test = apiClient({ app, adminKey: key.key });
      await test('POST', `/v1/partners/${w.partners[0]?.id}/codes`, {
        program: 'ref',
        kind: 'referral_code',
        code: 'SANDBOX0',
      });
      await test('POST', '/v1/events', payment('w-1', 'SANDBOX0', '50.00'));
      const lease = await app.sandbox.acquire();
      lease.release();
      expect(lease.worker).toBeDefined();
      await lease.worker?.idle();
      const accruals = (await test('GET', `/v1/partners/${w.partners[0]?.id}/accruals`)).json();
      expect(accruals.data.map((a: { amount: string }) => a.amount)).toEqual(['5.00']);
      expect(await rowCounts(lease.deps.store.db, ['payout_runs'])).toEqual({ payout_runs: 0 });
    } finally {
      await app.close();
    }
  });

  it.runIf(backend === 'sqlite')(
    'keeps a file sandbox beside the live file and deletes it on reset',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tandem-sandbox-'));
      const deps = await openTandem({
        file: join(dir, 'tandem.db'),
        clock: fixedClock(Date.parse(NOW)),
      });
      const app = await buildServer(deps);
      try {
        expect(readdirSync(dir).some((f) => f.startsWith('tandem.sandbox.db'))).toBe(false);
        const key = await createApiKey(deps, { name: 't', scopes: ['admin'], mode: 'test' });
        const test = apiClient({ app, adminKey: key.key });
        expect((await test('GET', '/v1/me')).json()).toMatchObject({ mode: 'test' });
        expect(readdirSync(dir)).toContain('tandem.sandbox.db');
        await test('POST', '/v1/events', payment('f-1', 'NOPE', '5.00'));
        const sb = await app.sandbox.deps();
        expect(await rowCounts(sb.store.db, ['events'])).toEqual({ events: 1 });
        expect((await test('POST', '/v1/sandbox/reset')).statusCode).toBe(200);
        const fresh = await app.sandbox.deps();
        expect(await rowCounts(fresh.store.db, ['events'])).toEqual({ events: 0 });
        expect(await rowCounts(deps.store.db, ['events'])).toEqual({ events: 0 });
      } finally {
        await app.close();
        await deps.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.runIf(backend === 'postgres')(
    'keeps the sandbox in <schema>_sandbox, dropped with the test schema',
    async () => {
      const w = await world();
      const srv = s as Server;
      const schema = `${srv.t.store.schema}_sandbox`;
      const exists = async () => {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        try {
          const r = await c.query(
            'SELECT 1 FROM information_schema.schemata WHERE schema_name = $1',
            [schema],
          );
          return r.rowCount === 1;
        } finally {
          await c.end();
        }
      };
      expect((await w.test('GET', '/v1/me')).statusCode).toBe(200);
      expect(await exists()).toBe(true);
      expect((await w.test('POST', '/v1/sandbox/reset')).statusCode).toBe(200);
      expect(await exists()).toBe(true);
      await srv.close();
      s = undefined;
      expect(await exists()).toBe(false);
    },
  );
});
