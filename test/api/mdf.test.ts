import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expireMdfApprovals } from '../../src/engine/expire-mdf-approvals.js';
import { startWorker } from '../../src/engine/worker.js';
import { campaignPlan, campaignTerms, campaignWorld } from '../support/campaign-world.js';
import { expectProblem } from '../support/expect-problem.js';
import { rowCounts } from '../support/row-counts.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;
type World = Awaited<ReturnType<typeof campaignWorld>>;
type Client = World['ops'];

/** What a refused request must leave untouched. */
const TABLES = [
  'mdf_pools',
  'mdf_requests',
  'ledger_transactions',
  'ledger_entries',
  'accrual_lines',
];

/** The campaign terms with two tiers, so tier pools can be opened. */
const terms = {
  ...campaignTerms,
  tiers: {
    grace_days: 30,
    levels: [
      { id: 'silver', requires: [{ metric: 'payments', window_days: 90, at_least: 2 }] },
      { id: 'gold', requires: [{ metric: 'payments', window_days: 90, at_least: 5 }] },
    ],
  },
};

const csvProfile = { rail: 'csv', details: { account_holder: 'Ada', account_number: '12345678' } };
const proof = {
  links: ['https://acme.example/webinars/spring'],
  invoices: ['INV-2026-0042', 'https://billing.example/inv/77.pdf'],
  results: '412 registrations, 180 attendees, 36 activations',
};

describe(`market development funds (${backend})`, () => {
  let s: Server;
  let w: World;
  let seq = 0;
  beforeEach(async () => {
    s = await testServer({ now: '2026-02-15T00:00:00Z' });
    w = await campaignWorld(s, terms);
  });
  afterEach(async () => s.close());

  /** A campaign in March 2026 run by `partners`, moved to `status` by the operator. */
  async function campaign(
    partners: string[],
    status: 'proposed' | 'approved' | 'live' = 'live',
    over: Record<string, unknown> = {},
  ): Promise<{ id: string; code: string; name: string }> {
    const r = await w.ops(
      'POST',
      '/v1/campaigns',
      campaignPlan({ code: `MDF${++seq}`, partner_ids: partners, ...over }),
    );
    expect(r.statusCode, r.body).toBe(201);
    const c = r.json();
    const path =
      status === 'proposed' ? [] : status === 'approved' ? ['approved'] : ['approved', 'live'];
    for (const to of path) {
      const m = await w.ops('POST', `/v1/campaigns/${c.id}/status`, { status: to });
      expect(m.statusCode, m.body).toBe(200);
    }
    return c;
  }

  async function pool(body: Record<string, unknown>): Promise<{ id: string }> {
    const r = await w.ops('POST', '/v1/mdf/pools', {
      program: 'co',
      quarter: '2026-Q1',
      scope: 'program',
      ...body,
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  }

  async function request(
    as: Client,
    body: Record<string, unknown>,
  ): Promise<{ id: string; status: string }> {
    const r = await as('POST', '/v1/mdf/requests', {
      description: 'Webinar ads and hosting',
      ...body,
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  }

  async function ok(p: Promise<{ statusCode: number; body: string; json(): unknown }>) {
    const r = await p;
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as Record<string, unknown>;
  }

  /** The partner's available balance in USD, in minor units. */
  async function available(partnerId: string): Promise<bigint> {
    const b = (await apiClient(s)('GET', `/v1/partners/${partnerId}/balances`)).json();
    const usd = b.balances.find((x: { currency: string }) => x.currency === 'USD');
    return BigInt(usd?.minor.available ?? 0);
  }

  const counts = () => rowCounts(s.t.store.db, TABLES);

  it('a partner requests funds, the operator approves part, the partner claims with proof, and the reimbursement is paid through the ledger and a payout run once', async () => {
    const p = await pool({ amount: '10000.00' });
    const c = await campaign([w.a]);
    const req = await request(w.asA, { pool_id: p.id, campaign_id: c.id, amount: '2500.00' });
    expect(req).toMatchObject({
      status: 'requested',
      partner_id: w.a,
      currency: 'USD',
      requested: '2500.00',
      approved: null,
      next_statuses: ['approved', 'rejected', 'withdrawn'],
    });
    expect(await ok(w.ops('GET', `/v1/mdf/pools/${p.id}`))).toMatchObject({
      amount: '10000.00',
      pending: '2500.00',
      committed: '0.00',
      remaining: '10000.00',
    });

    const approved = await ok(
      w.ops('POST', `/v1/mdf/requests/${req.id}/approve`, { amount: '2000.00', note: 'ads only' }),
    );
    expect(approved).toMatchObject({
      status: 'approved',
      approved: '2000.00',
      claim_deadline: '2026-05-01T00:00:00.000Z',
      decision_note: 'ads only',
    });
    // The partner sees the pool it may draw on, with what is left.
    expect((await w.asA('GET', '/v1/mdf/pools')).json().data).toEqual([
      expect.objectContaining({ id: p.id, committed: '2000.00', remaining: '8000.00' }),
    ]);

    const claimed = await ok(
      w.asA('POST', `/v1/mdf/requests/${req.id}/claim`, { amount: '1800.00', proof }),
    );
    expect(claimed).toMatchObject({ status: 'claimed', claimed: '1800.00', proof });

    const before = await available(w.a);
    const reimbursed = await ok(
      w.ops('POST', `/v1/mdf/requests/${req.id}/claim/approve`, { amount: '1750.00' }),
    );
    expect(reimbursed).toMatchObject({ status: 'reimbursed', reimbursed: '1750.00' });
    expect(reimbursed.tx_id).toMatch(/^ltx_/);
    expect((await available(w.a)) - before).toBe(175000n);
    expect(await ok(w.ops('GET', `/v1/mdf/pools/${p.id}`))).toMatchObject({
      committed: '1750.00',
      reimbursed: '1750.00',
      pending: '0.00',
      remaining: '8250.00',
    });

    // One accrual line with its label and trace, released at once (no hold).
    const lines = (await w.ops('GET', `/v1/accruals?partner_id=${w.a}`)).json().data;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      rule_id: 'mdf',
      event_id: req.id,
      amount: '1750.00',
      currency: 'USD',
      status: 'available',
    });
    expect(lines[0].trace.label).toBe(
      `MDF reimbursement for campaign ${c.name} (${c.code}), request ${req.id}`,
    );
    // The partner's statement of the month shows it as earned money.
    const statement = (
      await w.asA('GET', `/v1/partners/${w.a}/statements/2026-02?program=co`)
    ).json();
    expect(JSON.stringify(statement)).toContain('1750.00');
    expect(JSON.stringify(statement)).toMatch(
      /MDF reimbursement for campaign [^"]+, request mdfr_/,
    );

    // A payout run pays it, once.
    await apiClient(s)('PUT', `/v1/partners/${w.a}/payout-profile`, csvProfile);
    const run = await w.ops('POST', '/v1/payout-runs', { program: 'co' });
    expect(run.statusCode, run.body).toBe(201);
    expect(run.json()).toMatchObject({ period: '2026-01', payouts: 1 });
    await ok(apiClient(s)('POST', `/v1/payout-runs/${run.json().id}/approve`));
    expect((await ok(apiClient(s)('POST', `/v1/payout-runs/${run.json().id}/send`))).status).toBe(
      'sent',
    );
    const paid = (await w.asA('GET', `/v1/partners/${w.a}/payouts`)).json().data;
    expect(paid).toEqual([expect.objectContaining({ amount: '1750.00', currency: 'USD' })]);
    expect(await available(w.a)).toBe(0n);
    s.t.clock.set(Date.parse('2026-03-02T00:00:00Z'));
    const next = await w.ops('POST', '/v1/payout-runs', { program: 'co' });
    expect(next.statusCode, next.body).toBe(201);
    expect(next.json()).toMatchObject({ period: '2026-02', payouts: 0 });
    expect((await w.asA('GET', `/v1/partners/${w.a}/payouts`)).json().data).toHaveLength(1);
  });

  it('concurrent approvals against one pool never commit more than it holds', async () => {
    const p = await pool({ amount: '1000.00' });
    const c = await campaign([w.a, w.b, w.c]);
    const as = [w.asA, w.asB, w.asC];
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push(
        (await request(as[i % 3] as Client, { pool_id: p.id, campaign_id: c.id, amount: '300.00' }))
          .id,
      );
    const answers = await Promise.all(
      ids.map((id) => w.ops('POST', `/v1/mdf/requests/${id}/approve`, {})),
    );
    const won = answers.filter((r) => r.statusCode === 200);
    expect(won).toHaveLength(3);
    for (const r of answers.filter((x) => x.statusCode !== 200))
      expectProblem(r, 409, 'mdf_pool_exhausted');
    const rows = await s.t.store.db
      .selectFrom('mdf_requests')
      .select(['status', 'approved'])
      .where('pool_id', '=', p.id)
      .execute();
    const committed = rows
      .filter((r) => r.status === 'approved')
      .reduce((a, r) => a + BigInt(r.approved ?? 0), 0n);
    expect(committed).toBe(90000n);
    expect(rows.filter((r) => r.status === 'requested')).toHaveLength(5);
    expect(await ok(w.ops('GET', `/v1/mdf/pools/${p.id}`))).toMatchObject({
      committed: '900.00',
      remaining: '100.00',
    });
    // Lowering the pool below what it committed is refused; to exactly that, allowed.
    expectProblem(
      await w.ops('PATCH', `/v1/mdf/pools/${p.id}`, { amount: '899.99' }),
      409,
      'mdf_pool_below_committed',
    );
    expect(await ok(w.ops('PATCH', `/v1/mdf/pools/${p.id}`, { amount: '900.00' }))).toMatchObject({
      amount: '900.00',
      remaining: '0.00',
    });
  });

  it('an approval that expires unclaimed returns its funds to the pool, exactly once', async () => {
    const p = await pool({ amount: '1000.00' });
    const c = await campaign([w.a, w.b]);
    const ra = await request(w.asA, { pool_id: p.id, campaign_id: c.id, amount: '800.00' });
    const rb = await request(w.asB, { pool_id: p.id, campaign_id: c.id, amount: '500.00' });
    await ok(
      w.ops('POST', `/v1/mdf/requests/${ra.id}/approve`, {
        claim_deadline: '2026-04-15T00:00:00Z',
      }),
    );
    expectProblem(
      await w.ops('POST', `/v1/mdf/requests/${rb.id}/approve`, {}),
      409,
      'mdf_pool_exhausted',
    );
    // Not expired before its deadline.
    s.t.clock.set(Date.parse('2026-04-14T23:59:59Z'));
    expect((await expireMdfApprovals(s.t)).expired).toEqual([]);
    s.t.clock.set(Date.parse('2026-04-15T00:00:00Z'));
    // At the deadline the claim is refused, even before the job has run.
    expectProblem(
      await w.asA('POST', `/v1/mdf/requests/${ra.id}/claim`, { amount: '800.00', proof }),
      409,
      'invalid_mdf_transition',
    );
    expect((await expireMdfApprovals(s.t)).expired).toEqual([ra.id]);
    const afterFirst = await rowCounts(s.t.store.db, [...TABLES, 'outbox_events', 'audit_log']);
    expect((await expireMdfApprovals(s.t)).expired).toEqual([]);
    expect(await rowCounts(s.t.store.db, [...TABLES, 'outbox_events', 'audit_log'])).toEqual(
      afterFirst,
    );
    expect((await ok(w.asA('GET', `/v1/mdf/requests/${ra.id}`))).status).toBe('expired');
    expect(await ok(w.ops('GET', `/v1/mdf/pools/${p.id}`))).toMatchObject({
      committed: '0.00',
      remaining: '1000.00',
    });
    // The returned funds can be approved for another request.
    expect(await ok(w.ops('POST', `/v1/mdf/requests/${rb.id}/approve`, {}))).toMatchObject({
      status: 'approved',
      approved: '500.00',
      claim_deadline: '2026-05-01T00:00:00.000Z',
    });
    const expired = await s.t.store.db
      .selectFrom('outbox_events')
      .select('subject')
      .where('type', '=', 'mdf.expired')
      .execute();
    expect(expired.map((e) => e.subject)).toEqual([ra.id]);
  });

  it('the worker expires due approvals on its own', async () => {
    const p = await pool({ amount: '1000.00' });
    const c = await campaign([w.a]);
    const r = await request(w.asA, { pool_id: p.id, campaign_id: c.id, amount: '100.00' });
    await ok(w.ops('POST', `/v1/mdf/requests/${r.id}/approve`));
    s.t.clock.set(Date.parse('2026-05-01T00:00:00Z'));
    const worker = startWorker(s.t, { intervalMs: 20, payouts: false, tiers: false });
    await worker.idle();
    await worker.stop();
    expect((await ok(w.ops('GET', `/v1/mdf/requests/${r.id}`))).status).toBe('expired');
  });

  it('a reimbursement is posted once, however often and however concurrently the claim is approved', async () => {
    const p = await pool({ amount: '5000.00' });
    const c = await campaign([w.a]);
    const ids: string[] = [];
    for (const amount of ['400.00', '600.00']) {
      const r = await request(w.asA, { pool_id: p.id, campaign_id: c.id, amount });
      await ok(w.ops('POST', `/v1/mdf/requests/${r.id}/approve`, {}));
      await ok(w.asA('POST', `/v1/mdf/requests/${r.id}/claim`, { amount, proof }));
      ids.push(r.id);
    }
    const [first, second] = ids as [string, string];
    const start = await available(w.a);

    // Concurrently: one approval wins, the others find it reimbursed.
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => w.ops('POST', `/v1/mdf/requests/${first}/claim/approve`)),
    );
    expect(answers.filter((r) => r.statusCode === 200)).toHaveLength(1);
    for (const r of answers.filter((x) => x.statusCode !== 200))
      expectProblem(r, 409, 'invalid_mdf_transition');
    expect((await available(w.a)) - start).toBe(40000n);

    // Sequentially: the same key replays the answer; a new call is refused.
    const key = { 'idempotency-key': 'approve-second-claim' };
    const once = await w.ops('POST', `/v1/mdf/requests/${second}/claim/approve`, {}, key);
    expect(once.statusCode, once.body).toBe(200);
    const counted = await counts();
    const replay = await w.ops('POST', `/v1/mdf/requests/${second}/claim/approve`, {}, key);
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(once.json());
    expectProblem(
      await w.ops('POST', `/v1/mdf/requests/${second}/claim/approve`, {}),
      409,
      'invalid_mdf_transition',
    );
    expect(await counts()).toEqual(counted);
    expect((await available(w.a)) - start).toBe(100000n);

    for (const id of ids) {
      const posted = await sql<{ n: unknown }>`
        SELECT COUNT(*) AS n FROM ledger_transactions WHERE unit = ${`mdf:${id}`}`.execute(
        s.t.store.db,
      );
      expect(Number(posted.rows[0]?.n), id).toBe(1);
      const lines = await s.t.store.db
        .selectFrom('accrual_lines')
        .select('amount')
        .where('unit', '=', `mdf:${id}`)
        .execute();
      expect(lines).toHaveLength(1);
    }
    // The ledger still balances.
    const sums = await sql<{ total: unknown }>`
      SELECT COALESCE(SUM(amount), 0) AS total FROM ledger_entries`.execute(s.t.store.db);
    expect(BigInt(String(sums.rows[0]?.total))).toBe(0n);
  });

  it('tier pools serve the partners in that tier now; a partner key sees only pools it may draw on', async () => {
    const programPool = await pool({ amount: '1000.00' });
    const gold = await pool({ scope: 'tier', tier_id: 'gold', amount: '3000.00' });
    const ownA = await pool({ scope: 'partner', partner_id: w.a, amount: '500.00' });
    const ownB = await pool({ scope: 'partner', partner_id: w.b, amount: '700.00' });
    await setTier(w.a, 'gold');
    const ids = async (as: Client) =>
      (await as('GET', '/v1/mdf/pools'))
        .json()
        .data.map((p: { id: string }) => p.id)
        .sort();
    expect(await ids(w.asA)).toEqual([programPool.id, gold.id, ownA.id].sort());
    expect(await ids(w.asB)).toEqual([programPool.id, ownB.id].sort());
    expect((await w.ops('GET', '/v1/mdf/pools?scope=partner')).json().data).toHaveLength(2);
    expectProblem(await w.asB('GET', `/v1/mdf/pools/${gold.id}`), 404, 'mdf_pool_not_found');
    expect((await ok(w.asA('GET', `/v1/mdf/pools/${gold.id}`))).remaining).toBe('3000.00');

    const c = await campaign([w.a, w.b]);
    await request(w.asA, { pool_id: gold.id, campaign_id: c.id, amount: '1000.00' });
    // The operator files for B; B holds no tier, so the gold pool is not for it.
    expectProblem(
      await w.ops('POST', '/v1/mdf/requests', {
        pool_id: gold.id,
        campaign_id: c.id,
        partner_id: w.b,
        amount: '10.00',
        description: 'x',
      }),
      422,
      'mdf_pool_not_eligible',
    );
    const filed = await request(w.ops, {
      pool_id: ownB.id,
      campaign_id: c.id,
      partner_id: w.b,
      amount: '10.00',
    });
    expect(filed).toMatchObject({ partner_id: w.b, status: 'requested' });
    // A leaves gold: its pool is no longer offered to A, nor open to new requests.
    await setTier(w.a, 'silver');
    expect(await ids(w.asA)).toEqual([programPool.id, ownA.id].sort());
    expectProblem(
      await w.asA('POST', '/v1/mdf/requests', {
        pool_id: gold.id,
        campaign_id: c.id,
        amount: '10.00',
        description: 'x',
      }),
      422,
      'mdf_pool_not_eligible',
    );
  });

  it('a partner withdraws before a decision, sees only its own requests, and lists them by filter', async () => {
    const p = await pool({ amount: '1000.00' });
    const c = await campaign([w.a, w.b]);
    const ra = await request(w.asA, { pool_id: p.id, campaign_id: c.id, amount: '100.00' });
    const rb = await request(w.asB, { pool_id: p.id, campaign_id: c.id, amount: '200.00' });
    expectProblem(
      await w.asB('POST', `/v1/mdf/requests/${ra.id}/withdraw`),
      404,
      'mdf_request_not_found',
    );
    expect((await ok(w.asA('POST', `/v1/mdf/requests/${ra.id}/withdraw`))).status).toBe(
      'withdrawn',
    );
    expectProblem(
      await w.ops('POST', `/v1/mdf/requests/${ra.id}/approve`, {}),
      409,
      'invalid_mdf_transition',
    );
    const list = async (as: Client, q = '') =>
      (await as('GET', `/v1/mdf/requests${q}`)).json().data.map((r: { id: string }) => r.id);
    expect(await list(w.asA)).toEqual([ra.id]);
    expect(await list(w.asB)).toEqual([rb.id]);
    expect(await list(w.asB, `?partner_id=${w.a}`)).toEqual([]);
    expect(await list(w.ops, '?status=withdrawn')).toEqual([ra.id]);
    expect(await list(w.ops, `?campaign_id=${c.id}&status=requested`)).toEqual([rb.id]);
    expect(await list(w.ops, `?pool_id=${p.id}`)).toEqual([rb.id, ra.id]);
    expectProblem(await w.asB('GET', `/v1/mdf/requests/${ra.id}`), 404, 'mdf_request_not_found');
  });

  it('refuses bad input with a clear 4xx and changes nothing', async () => {
    const p = await pool({ amount: '1000.00' });
    const gold = await pool({ scope: 'tier', tier_id: 'gold', amount: '1000.00' });
    const ownB = await pool({ scope: 'partner', partner_id: w.b, amount: '1000.00' });
    const q2 = await pool({ quarter: '2026-Q2', amount: '1000.00' });
    const ca = await campaign([w.a]);
    const cb = await campaign([w.b]);
    const planned = await campaign([w.a], 'approved');
    const shared = await campaign([w.a, w.c], 'approved');

    const approvedA = await request(w.asA, { pool_id: p.id, campaign_id: ca.id, amount: '300.00' });
    await ok(w.ops('POST', `/v1/mdf/requests/${approvedA.id}/approve`, {}));
    const big = await request(w.asA, { pool_id: p.id, campaign_id: ca.id, amount: '900.00' });
    const early = await request(w.asA, { pool_id: p.id, campaign_id: planned.id, amount: '10.00' });
    await ok(w.ops('POST', `/v1/mdf/requests/${early.id}/approve`, {}));
    const claimedA = await request(w.asA, { pool_id: p.id, campaign_id: ca.id, amount: '50.00' });
    await ok(w.ops('POST', `/v1/mdf/requests/${claimedA.id}/approve`, {}));
    await ok(w.asA('POST', `/v1/mdf/requests/${claimedA.id}/claim`, { amount: '50.00', proof }));
    // C is approved funds, then leaves the campaign before it goes live.
    const leaver = await request(w.asC, { pool_id: p.id, campaign_id: shared.id, amount: '20.00' });
    await ok(w.ops('POST', `/v1/mdf/requests/${leaver.id}/approve`, {}));
    await ok(w.ops('PATCH', `/v1/campaigns/${shared.id}`, { partner_ids: [w.a] }));
    await ok(w.ops('POST', `/v1/campaigns/${shared.id}/status`, { status: 'live' }));
    // B is suspended: it runs its campaign still, but receives no new funds.
    const cb2 = await campaign([w.b]);
    await ok(apiClient(s)('POST', `/v1/partners/${w.b}/status`, { status: 'suspended' }));

    const ask = (body: Record<string, unknown>) => ({
      pool_id: p.id,
      campaign_id: ca.id,
      amount: '10.00',
      description: 'x',
      ...body,
    });
    const cases: [Client, 'POST' | 'PATCH', string, unknown, number, string][] = [
      // Claims above the approved amount, without proof, too early, too late in the flow.
      [
        w.asA,
        'POST',
        `/v1/mdf/requests/${approvedA.id}/claim`,
        { amount: '300.01', proof },
        422,
        'claim_exceeds_approved',
      ],
      [
        w.asA,
        'POST',
        `/v1/mdf/requests/${approvedA.id}/claim`,
        { amount: '10.00', proof: { links: [], invoices: [] } },
        400,
        'validation_failed',
      ],
      [
        w.asA,
        'POST',
        `/v1/mdf/requests/${approvedA.id}/claim`,
        { amount: '10.00', proof: { links: ['ftp://x'] } },
        400,
        'validation_failed',
      ],
      [
        w.asA,
        'POST',
        `/v1/mdf/requests/${early.id}/claim`,
        { amount: '10.00', proof },
        409,
        'campaign_not_running',
      ],
      [
        w.asA,
        'POST',
        `/v1/mdf/requests/${big.id}/claim`,
        { amount: '10.00', proof },
        409,
        'invalid_mdf_transition',
      ],
      // Proof for another partner's request or for a campaign the partner no longer runs.
      [
        w.asB,
        'POST',
        `/v1/mdf/requests/${approvedA.id}/claim`,
        { amount: '10.00', proof },
        404,
        'mdf_request_not_found',
      ],
      [
        w.asC,
        'POST',
        `/v1/mdf/requests/${leaver.id}/claim`,
        { amount: '20.00', proof },
        404,
        'campaign_not_found',
      ],
      // Requests for another partner's campaign, on pools that do not serve the partner.
      [w.asA, 'POST', '/v1/mdf/requests', ask({ campaign_id: cb.id }), 404, 'campaign_not_found'],
      [
        w.asA,
        'POST',
        '/v1/mdf/requests',
        ask({ campaign_id: 'cmp_nope' }),
        404,
        'campaign_not_found',
      ],
      [w.asA, 'POST', '/v1/mdf/requests', ask({ pool_id: gold.id }), 422, 'mdf_pool_not_eligible'],
      [w.asA, 'POST', '/v1/mdf/requests', ask({ pool_id: ownB.id }), 422, 'mdf_pool_not_eligible'],
      [w.asA, 'POST', '/v1/mdf/requests', ask({ pool_id: q2.id }), 422, 'mdf_pool_not_eligible'],
      [w.asA, 'POST', '/v1/mdf/requests', ask({ pool_id: 'mdfp_nope' }), 404, 'mdf_pool_not_found'],
      [w.asA, 'POST', '/v1/mdf/requests', ask({ currency: 'EUR' }), 400, 'validation_failed'],
      [w.asA, 'POST', '/v1/mdf/requests', ask({ amount: '0.00' }), 400, 'validation_failed'],
      [w.asA, 'POST', '/v1/mdf/requests', ask({ amount: '1.005' }), 422, 'invalid_amount'],
      [w.asA, 'POST', '/v1/mdf/requests', ask({ partner_id: w.b }), 403, 'forbidden'],
      [w.ops, 'POST', '/v1/mdf/requests', ask({}), 400, 'validation_failed'],
      [w.ops, 'POST', '/v1/mdf/requests', ask({ partner_id: w.b }), 400, 'validation_failed'],
      [
        w.ops,
        'POST',
        '/v1/mdf/requests',
        ask({ campaign_id: cb2.id, partner_id: w.b }),
        422,
        'partner_not_approved',
      ],
      // Decisions: more than remains, more than asked, after a decision, by a partner.
      [w.ops, 'POST', `/v1/mdf/requests/${big.id}/approve`, {}, 409, 'mdf_pool_exhausted'],
      [
        w.ops,
        'POST',
        `/v1/mdf/requests/${big.id}/approve`,
        { amount: '900.01' },
        400,
        'validation_failed',
      ],
      [
        w.ops,
        'POST',
        `/v1/mdf/requests/${big.id}/approve`,
        { amount: '100.00', claim_deadline: '2026-02-01T00:00:00Z' },
        400,
        'validation_failed',
      ],
      [
        w.ops,
        'POST',
        `/v1/mdf/requests/${approvedA.id}/reject`,
        { note: 'changed my mind' },
        409,
        'invalid_mdf_transition',
      ],
      [
        w.ops,
        'POST',
        `/v1/mdf/requests/${approvedA.id}/approve`,
        {},
        409,
        'invalid_mdf_transition',
      ],
      [
        w.asA,
        'POST',
        `/v1/mdf/requests/${approvedA.id}/withdraw`,
        undefined,
        409,
        'invalid_mdf_transition',
      ],
      [w.asA, 'POST', `/v1/mdf/requests/${big.id}/approve`, {}, 403, 'forbidden'],
      [w.ops, 'POST', `/v1/mdf/requests/${big.id}/reject`, {}, 400, 'validation_failed'],
      [w.ops, 'POST', `/v1/mdf/requests/mdfr_nope/approve`, {}, 404, 'mdf_request_not_found'],
      // Claim decisions: above the claim, on a request that is not claimed.
      [
        w.ops,
        'POST',
        `/v1/mdf/requests/${claimedA.id}/claim/approve`,
        { amount: '50.01' },
        400,
        'validation_failed',
      ],
      [
        w.ops,
        'POST',
        `/v1/mdf/requests/${approvedA.id}/claim/approve`,
        {},
        409,
        'invalid_mdf_transition',
      ],
      [
        w.ops,
        'POST',
        `/v1/mdf/requests/${approvedA.id}/claim/reject`,
        { note: 'no' },
        409,
        'invalid_mdf_transition',
      ],
      [w.asA, 'POST', `/v1/mdf/requests/${claimedA.id}/claim/approve`, {}, 403, 'forbidden'],
      // Pools: a second one for the same scope, unknown tiers, shrinking below commitments.
      [
        w.ops,
        'POST',
        '/v1/mdf/pools',
        { program: 'co', quarter: '2026-Q1', scope: 'program', amount: '5.00' },
        409,
        'mdf_pool_exists',
      ],
      [
        w.ops,
        'POST',
        '/v1/mdf/pools',
        { program: 'co', quarter: '2026-Q1', scope: 'tier', tier_id: 'platinum', amount: '5.00' },
        400,
        'validation_failed',
      ],
      [
        w.ops,
        'POST',
        '/v1/mdf/pools',
        { program: 'co', quarter: '2026-Q1', scope: 'tier', amount: '5.00' },
        400,
        'validation_failed',
      ],
      [
        w.ops,
        'POST',
        '/v1/mdf/pools',
        { program: 'co', quarter: '2026-Q5', scope: 'program', amount: '5.00' },
        400,
        'validation_failed',
      ],
      [
        w.ops,
        'POST',
        '/v1/mdf/pools',
        { program: 'co', quarter: '2026-Q3', scope: 'program', amount: '0' },
        400,
        'validation_failed',
      ],
      [
        w.ops,
        'POST',
        '/v1/mdf/pools',
        { program: 'nope', quarter: '2026-Q3', scope: 'program', amount: '5.00' },
        404,
        'program_not_found',
      ],
      [
        w.asA,
        'POST',
        '/v1/mdf/pools',
        { program: 'co', quarter: '2026-Q3', scope: 'program', amount: '5.00' },
        403,
        'forbidden',
      ],
      [
        w.ops,
        'PATCH',
        `/v1/mdf/pools/${p.id}`,
        { amount: '379.99' },
        409,
        'mdf_pool_below_committed',
      ],
      [w.asA, 'PATCH', `/v1/mdf/pools/${p.id}`, { amount: '5000.00' }, 403, 'forbidden'],
    ];
    const before = await counts();
    const requestsBefore = await s.t.store.db
      .selectFrom('mdf_requests')
      .selectAll()
      .orderBy('id')
      .execute();
    for (const [as, method, url, body, status, code] of cases)
      expectProblem(await as(method, url, body), status, code);
    expect(await counts()).toEqual(before);
    expect(
      await s.t.store.db.selectFrom('mdf_requests').selectAll().orderBy('id').execute(),
    ).toEqual(requestsBefore);
    expect(await ok(w.ops('GET', `/v1/mdf/pools/${p.id}`))).toMatchObject({
      amount: '1000.00',
      committed: '380.00',
      pending: '900.00',
      remaining: '620.00',
    });
  });

  /** Sets a partner's current tier in program `co`, as a tier evaluation would. */
  async function setTier(partnerId: string, tier: string | null) {
    const db = s.t.store.db;
    const v = await db
      .selectFrom('program_versions as v')
      .innerJoin('programs as p', 'p.id', 'v.program_id')
      .select(['v.id', 'v.program_id'])
      .where('p.key', '=', 'co')
      .executeTakeFirstOrThrow();
    const now = s.t.clock.now();
    await db.deleteFrom('partner_tiers').where('partner_id', '=', partnerId).execute();
    await db
      .insertInto('partner_tiers')
      .values({
        program_id: v.program_id,
        partner_id: partnerId,
        tier,
        since: now,
        below_since: null,
        evaluated_at: now,
        version_id: v.id,
        metrics: '{}',
      })
      .execute();
  }
});
