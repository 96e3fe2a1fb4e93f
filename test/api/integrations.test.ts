import { afterEach, describe, expect, it } from 'vitest';
import { prng } from '../../src/core/prng.js';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { evaluateTiers } from '../../src/engine/evaluate-tiers.js';
import { expectProblem } from '../support/expect-problem.js';
import {
  integrationTerms,
  integrationWorld,
  milestoneEvent,
  usageEvent,
} from '../support/integration-world.js';
import { rowCounts } from '../support/row-counts.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;

let redemption = 0;
/** A fresh Idempotency-Key: every redemption needs one. */
const once = () => ({ 'idempotency-key': `redeem-${++redemption}` });

const footprint = (s: Server) =>
  rowCounts(s.t.store.db, [
    'events',
    'integrations',
    'integration_completions',
    'integration_submissions',
    'credit_redemptions',
    'ledger_entries',
    'accrual_lines',
  ]);

/** The partner's accrual lines, summed by rule (what the ledger holds for each reward). */
async function byRule(s: Server, partnerId: string) {
  const rows = await s.t.store.db
    .selectFrom('accrual_lines')
    .select(['rule_id', 'currency', 'amount'])
    .where('partner_id', '=', partnerId)
    .execute();
  const out: Record<string, bigint> = {};
  for (const r of rows) out[r.rule_id] = (out[r.rule_id] ?? 0n) + BigInt(r.amount);
  return out;
}

describe(`integrations over HTTP (${backend})`, () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  async function world() {
    s = await testServer({ now: '2026-03-01T00:00:00Z' });
    const w = await integrationWorld(s);
    const reg = await w.asA('POST', '/v1/integrations', {
      program: 'int',
      name: 'Acme Sync',
      category: 'crm',
      listing_url: 'https://apps.example.com/acme-sync',
    });
    expect(reg.statusCode, reg.body).toBe(201);
    return { ...w, s, int: reg.json().id as string };
  }

  it('walks the default path from registration to certification, with evidence review; grants post once though the completing event arrives three times', async () => {
    const w = await world();
    const { s } = w;
    const detail0 = (await w.asA('GET', `/v1/integrations/${w.int}`)).json();
    expect(detail0.milestones.map((m: { id: string; status: string }) => [m.id, m.status])).toEqual(
      [
        ['authentication', 'available'],
        ['data_mapping', 'locked'],
        ['automated_testing', 'locked'],
        ['certification', 'locked'],
      ],
    );

    // Authentication by an event from the marketplace's CI, delivered three times.
    const auth = milestoneEvent(w.int, 'authentication', '2026-03-01T00:00:00Z', 'ci-auth-1');
    const first = await w.ops('POST', '/v1/events', auth);
    expect(first.statusCode, first.body).toBe(201);
    for (let i = 0; i < 2; i++) {
      const again = await w.ops('POST', '/v1/events', auth);
      expect(again.statusCode).toBe(200);
      expect(again.json().status).toBe('duplicate');
    }
    await deriveAll(s.t);
    await deriveAll(s.t);
    expect(await byRule(s, w.a)).toEqual({ 'auth-grant': 10000n });

    // Data mapping by evidence the partner submits and a reviewer rejects, then approves.
    const sub = await w.asA('POST', `/v1/integrations/${w.int}/submissions`, {
      milestone: 'data_mapping',
      evidence: { links: ['https://docs.example.com/acme/mapping'], notes: 'fields mapped' },
    });
    expect(sub.statusCode, sub.body).toBe(201);
    expectProblem(
      await w.asA('POST', `/v1/integrations/${w.int}/submissions`, {
        milestone: 'data_mapping',
        evidence: { notes: 'again' },
      }),
      409,
      'submission_pending',
    );
    const rejected = await w.ops('POST', `/v1/integration-submissions/${sub.json().id}/reject`, {
      comment: 'the invoice object is not mapped',
    });
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      comment: 'the invoice object is not mapped',
    });
    const partnerSees = (await w.asA('GET', `/v1/integrations/${w.int}/submissions`)).json().data;
    expect(partnerSees[0]).toMatchObject({
      status: 'rejected',
      comment: 'the invoice object is not mapped',
    });
    const sub2 = await w.asA('POST', `/v1/integrations/${w.int}/submissions`, {
      milestone: 'data_mapping',
      evidence: { links: ['https://docs.example.com/acme/mapping-v2'] },
    });
    const queue = (await w.ops('GET', '/v1/integration-submissions?status=pending')).json().data;
    expect(queue.map((q: { id: string }) => q.id)).toEqual([sub2.json().id]);
    s.t.clock.set(Date.parse('2026-03-02T00:00:00Z'));
    const approved = await w.ops(
      'POST',
      `/v1/integration-submissions/${sub2.json().id}/approve`,
      {},
    );
    expect(approved.statusCode, approved.body).toBe(200);
    expectProblem(
      await w.ops('POST', `/v1/integration-submissions/${sub2.json().id}/approve`, {}),
      409,
      'submission_not_pending',
    );

    // Automated testing by event, certification by review.
    s.t.clock.set(Date.parse('2026-03-03T00:00:00Z'));
    expect(
      (
        await w.ops(
          'POST',
          '/v1/events',
          milestoneEvent(w.int, 'automated_testing', '2026-03-03T00:00:00Z'),
        )
      ).statusCode,
    ).toBe(201);
    s.t.clock.set(Date.parse('2026-03-04T00:00:00Z'));
    const cert = await w.asA('POST', `/v1/integrations/${w.int}/submissions`, {
      milestone: 'certification',
      evidence: { test_run_id: 'cert-suite-77' },
    });
    await w.ops('POST', `/v1/integration-submissions/${cert.json().id}/approve`, { comment: 'ok' });
    await deriveAll(s.t);
    await deriveAll(s.t);

    expect(await byRule(s, w.a)).toEqual({
      'auth-grant': 10000n,
      'starter-credits': 20n,
      'path-grant': 100000n,
    });
    const detail = (await w.asA('GET', `/v1/integrations/${w.int}`)).json();
    expect(detail.path_completed).toBe(true);
    expect(detail.milestones[0].ref).toBe(first.json().event_id);
    expect(detail.milestones[3].ref).toBe(cert.json().id);
    expect(detail.milestones.map((m: { source: string }) => m.source)).toEqual([
      'event',
      'review',
      'event',
      'review',
    ]);
    expect(detail.certification).toMatchObject({
      level: 'certified',
      expires_at: '2026-04-03T00:00:00.000Z',
      entitlements: ['listing_standard'],
    });
    // Money is in the partner's balance; credits are not money.
    const balances = (await w.asA('GET', `/v1/partners/${w.a}/balances`)).json();
    expect(JSON.stringify(balances)).not.toContain('SUPPORT_CREDIT');
    const credits = (await w.asA('GET', `/v1/partners/${w.a}/credits`)).json().data;
    expect(credits).toMatchObject([
      { asset: 'SUPPORT_CREDIT', balance: '20', granted: '20', redeemed: '0' },
    ]);
    // The feed announces each completion.
    const feed = await s.t.store.db
      .selectFrom('outbox_events')
      .select('type')
      .where('type', 'like', 'integration.milestone%')
      .execute();
    expect(feed.map((f) => f.type)).toEqual(Array(4).fill('integration.milestone_completed'));
  });

  it('refuses bad input with a code and changes nothing', async () => {
    const w = await world();
    const { s } = w;
    const regB = await w.asB('POST', '/v1/integrations', { program: 'int', name: 'Bolt' });
    const intB = regB.json().id as string;
    const before = await footprint(s);

    // A partner cannot register an integration in another partner's name.
    expectProblem(
      await w.asA('POST', '/v1/integrations', {
        program: 'int',
        name: 'Not mine',
        partner_id: w.b,
      }),
      403,
      'forbidden',
    );

    // A milestone out of order (no authentication yet), as an event and as evidence.
    expectProblem(
      await w.ops(
        'POST',
        '/v1/events',
        milestoneEvent(w.int, 'data_mapping', '2026-03-01T00:00:00Z'),
      ),
      409,
      'milestone_out_of_order',
    );
    expectProblem(
      await w.asA('POST', `/v1/integrations/${w.int}/submissions`, {
        milestone: 'certification',
        evidence: { notes: 'please' },
      }),
      409,
      'milestone_out_of_order',
    );
    // Not on the path.
    expectProblem(
      await w.ops(
        'POST',
        '/v1/events',
        milestoneEvent(w.int, 'launch_party', '2026-03-01T00:00:00Z'),
      ),
      422,
      'unknown_milestone',
    );
    // Evidence on another partner's integration: not found, not forbidden (ids cannot be probed).
    expectProblem(
      await w.asA('POST', `/v1/integrations/${intB}/submissions`, {
        milestone: 'authentication',
        evidence: { notes: 'mine now' },
      }),
      404,
      'integration_not_found',
    );
    expectProblem(await w.asA('GET', `/v1/integrations/${intB}`), 404, 'integration_not_found');
    // Usage for an unknown integration; usage without an install.
    expectProblem(
      await w.ops(
        'POST',
        '/v1/events',
        usageEvent('int_nope', 'cus_1', 'api_calls', 5, '2026-03-01T00:00:00Z'),
      ),
      404,
      'integration_not_found',
    );
    expectProblem(
      await w.ops('POST', '/v1/events', {
        id: 'u-x',
        type: 'usage',
        occurred_at: '2026-03-01T00:00:00Z',
        integration_id: w.int,
        quantity: 3,
      }),
      400,
      'validation_failed',
    );
    // Redeeming credits never granted, in an unknown program, and with a partner's own key.
    expectProblem(
      await w.ops(
        'POST',
        `/v1/partners/${w.a}/credits/redemptions`,
        {
          asset: 'SUPPORT_CREDIT',
          amount: 1,
          program_id: (await w.ops('GET', '/v1/programs/int')).json().id,
        },
        once(),
      ),
      422,
      'unknown_credit_asset',
    );
    expectProblem(
      await w.ops(
        'POST',
        `/v1/partners/${w.a}/credits/redemptions`,
        {
          asset: 'SUPPORT_CREDIT',
          amount: 1,
          program_id: 'prg_nope',
        },
        once(),
      ),
      404,
      'program_not_found',
    );
    expectProblem(
      await w.asA(
        'POST',
        `/v1/partners/${w.a}/credits/redemptions`,
        {
          asset: 'SUPPORT_CREDIT',
          amount: 1,
        },
        once(),
      ),
      403,
      'forbidden',
    );
    // A partner cannot review.
    expectProblem(
      await w.asA('POST', '/v1/integration-submissions/sub_nope/approve', {}),
      403,
      'forbidden',
    );
    // A batch: the bad item is refused, its good neighbour stored.
    const batch = await w.ops('POST', '/v1/events', {
      events: [
        milestoneEvent(w.int, 'automated_testing', '2026-03-01T00:00:00Z', 'bad-1'),
        milestoneEvent(w.int, 'authentication', '2026-03-01T00:00:00Z', 'good-1'),
      ],
    });
    expect(batch.json().results.map((r: { status: string }) => r.status)).toEqual([
      'rejected',
      'accepted',
    ]);
    expect(batch.json().results[0].error.code).toBe('milestone_out_of_order');
    const after = await footprint(s);
    expect({
      ...after,
      events: Number(after.events) - 1,
      integration_completions: Number(after.integration_completions) - 1,
    }).toEqual(before);
  });

  it('prices a month of usage exactly at band boundaries, and a late event for a closed month adjusts it by the difference', async () => {
    const w = await world();
    const { s } = w;
    s.t.clock.set(Date.parse('2026-03-25T00:00:00Z'));
    // March: api_calls 1000 exactly (the top of the first band), syncs 100 exactly (volume band 1).
    const march = [
      usageEvent(w.int, 'cus_1', 'api_calls', 600, '2026-03-05T00:00:00Z'),
      usageEvent(w.int, 'cus_2', 'api_calls', 400, '2026-03-20T00:00:00Z'),
      usageEvent(w.int, 'cus_1', 'syncs', 100, '2026-03-21T00:00:00Z'),
    ];
    const r = await w.ops('POST', '/v1/events', { events: march });
    expect(r.json().accepted, r.body).toBe(3);
    await deriveAll(s.t);
    expect(await byRule(s, w.a)).toEqual({}); // the month is still running
    const running = (await w.asA('GET', `/v1/integrations/${w.int}/usage?months=1`)).json()
      .months[0];
    expect(running).toMatchObject({ month: '2026-03', closed: false, active_installs: 2 });
    expect(
      running.estimate.map((e: { rule_id: string; amount: string }) => [e.rule_id, e.amount]),
    ).toEqual([
      ['calls', '10.00'],
      ['syncs', '10.00'],
      ['installs', '4.00'],
    ]);

    s.t.clock.set(Date.parse('2026-04-01T00:00:00Z'));
    await deriveAll(s.t);
    // 1000 × 0.01 = 10.00; 100 syncs × 0.10 = 10.00 (volume, band includes 100); 2 installs × 2.00.
    expect(await byRule(s, w.a)).toEqual({ calls: 1000n, syncs: 1000n, installs: 400n });

    // Late March events cross the boundaries: call 1001 is at 0.005, 5001 onward at 0.0001;
    // syncs 101 puts every sync at 0.05.
    s.t.clock.set(Date.parse('2026-04-03T00:00:00Z'));
    const late = await w.ops('POST', '/v1/events', {
      events: [
        usageEvent(w.int, 'cus_3', 'api_calls', 4000 + 10000, '2026-03-30T00:00:00Z'),
        usageEvent(w.int, 'cus_1', 'syncs', 1, '2026-03-31T23:59:59Z'),
      ],
    });
    expect(late.json().accepted).toBe(2);
    await deriveAll(s.t);
    // calls: 1000×0.01 + 4000×0.005 + 10000×0.0001 = 10 + 20 + 1 = 31.00
    // syncs: 101 × 0.05 = 5.05 (down from 10.00); installs: 3 × 2.00 = 6.00
    expect(await byRule(s, w.a)).toEqual({ calls: 3100n, syncs: 505n, installs: 600n });
    const lines = await s.t.store.db
      .selectFrom('accrual_lines')
      .select(['rule_id', 'kind', 'amount'])
      .where('unit', '=', `iu:${w.int}:2026-03`)
      .orderBy('created_at')
      .orderBy('rule_id')
      .execute();
    // Each rule: the month's first value, then one adjustment by the difference.
    expect(lines.map((l) => [l.rule_id, l.kind, BigInt(l.amount)])).toEqual([
      ['calls', 'accrual', 1000n],
      ['installs', 'accrual', 400n],
      ['syncs', 'accrual', 1000n],
      ['calls', 'adjustment', 2100n],
      ['installs', 'adjustment', 200n],
      ['syncs', 'adjustment', -495n],
    ]);
    // Re-deriving with nothing new posts nothing.
    const count = (await footprint(s)).accrual_lines;
    await s.t.store.db
      .insertInto('dirty_units')
      .values({ unit: `iu:${w.int}:2026-03`, marked_at: 0 })
      .execute();
    await deriveAll(s.t);
    expect((await footprint(s)).accrual_lines).toBe(count);
  });

  it('redeems credits atomically: 50 parallel redemptions against a balance that covers 20, exactly 20 succeed', async () => {
    const w = await world();
    const { s } = w;
    await w.ops('POST', '/v1/events', {
      events: [
        milestoneEvent(w.int, 'authentication', '2026-03-01T00:00:00Z'),
        milestoneEvent(w.int, 'data_mapping', '2026-03-01T00:00:00Z'),
      ],
    });
    await deriveAll(s.t);
    // Without an Idempotency-Key: refused (a retry could spend twice); with one, replayed.
    const before0 = await footprint(s);
    expectProblem(
      await w.ops('POST', `/v1/partners/${w.a}/credits/redemptions`, {
        asset: 'SUPPORT_CREDIT',
        amount: 1,
      }),
      400,
      'validation_failed',
    );
    expect(await footprint(s)).toEqual(before0);
    // More than held: refused, nothing spent.
    const before = await footprint(s);
    expectProblem(
      await w.ops(
        'POST',
        `/v1/partners/${w.a}/credits/redemptions`,
        {
          asset: 'SUPPORT_CREDIT',
          amount: 21,
        },
        once(),
      ),
      409,
      'insufficient_credits',
    );
    expect(await footprint(s)).toEqual(before);
    const firstKey = redemption + 1;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        w.ops(
          'POST',
          `/v1/partners/${w.a}/credits/redemptions`,
          {
            asset: 'SUPPORT_CREDIT',
            amount: 1,
            reference: `ticket-${i}`,
          },
          once(),
        ),
      ),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(20);
    expect(codes.filter((c) => c === 409)).toHaveLength(30);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.json().code).toBe('insufficient_credits');
    const credits = (await w.asA('GET', `/v1/partners/${w.a}/credits`)).json().data;
    expect(credits).toMatchObject([{ balance: '0', granted: '20', redeemed: '20' }]);
    expect(
      (await w.asA('GET', `/v1/partners/${w.a}/credits/redemptions`)).json().data,
    ).toHaveLength(20);
    // The same Idempotency-Key replays the first answer instead of spending again.
    const first = results.find((r) => r.statusCode === 201);
    const replay = await w.ops(
      'POST',
      `/v1/partners/${w.a}/credits/redemptions`,
      {
        asset: 'SUPPORT_CREDIT',
        amount: 1,
        reference: `ticket-${results.indexOf(first as never)}`,
      },
      { 'idempotency-key': `redeem-${firstKey + results.indexOf(first as never)}` },
    );
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(first?.json().id);
    expect((await w.asA('GET', `/v1/partners/${w.a}/credits`)).json().data[0].balance).toBe('0');
    // A correction withdraws the credit grant after the credits were spent: a credit debt,
    // shown as such, and nothing more can be redeemed.
    const { grants: _g, ...rest } = integrationTerms.integrations;
    const corrected = await w.api('POST', '/v1/programs/int/versions', {
      effective_from: '2026-01-01T00:00:00Z',
      correction: true,
      reason: 'credits were granted by mistake',
      terms: { ...integrationTerms, integrations: { ...rest, grants: [] } },
    });
    expect(corrected.statusCode, corrected.body).toBe(201);
    await deriveAll(s.t);
    expect((await w.asA('GET', `/v1/partners/${w.a}/credits`)).json().data).toMatchObject([
      { asset: 'SUPPORT_CREDIT', granted: '0', redeemed: '20', balance: '-20' },
    ]);
    expectProblem(
      await w.ops(
        'POST',
        `/v1/partners/${w.a}/credits/redemptions`,
        { asset: 'SUPPORT_CREDIT', amount: 1 },
        once(),
      ),
      409,
      'insufficient_credits',
    );
  });

  it('demotes an expired certification on schedule, and the entitlement API reflects it; renewal restores it', async () => {
    const w = await world();
    const { s } = w;
    s.t.clock.set(Date.parse('2026-03-01T04:00:00Z'));
    for (const [m, at] of [
      ['authentication', '2026-03-01T00:00:00Z'],
      ['data_mapping', '2026-03-01T01:00:00Z'],
      ['automated_testing', '2026-03-01T02:00:00Z'],
      ['certification', '2026-03-01T03:00:00Z'],
    ] as const)
      expect((await w.ops('POST', '/v1/events', milestoneEvent(w.int, m, at))).statusCode).toBe(
        201,
      );
    // Premier needs 2 active installs last month and uptime ≥ 99.9%.
    s.t.clock.set(Date.parse('2026-03-02T00:00:00Z'));
    await w.ops('POST', '/v1/events', {
      events: [
        usageEvent(w.int, 'cus_1', 'api_calls', 1, '2026-03-02T00:00:00Z'),
        usageEvent(w.int, 'cus_2', 'api_calls', 1, '2026-03-02T00:00:00Z'),
        {
          id: 'q-1',
          type: 'integration.quality',
          occurred_at: '2026-03-02T00:00:00Z',
          integration_id: w.int,
          quality: { uptime: 99.95, error_rate: 0.2 },
        },
      ],
    });
    const ent = async () => (await w.asA('GET', `/v1/partners/${w.a}/entitlements`)).json();
    expect((await ent()).entitlements).toEqual(['listing_standard']); // no closed month of installs yet
    expect((await ent()).integrations[0]).toMatchObject({
      level: 'certified',
      expires_at: '2026-03-31T03:00:00.000Z',
    });
    s.t.clock.set(Date.parse('2026-03-15T00:00:00Z'));
    // Still March: installs count from the last closed month.
    expect((await ent()).integrations[0].level).toBe('certified');

    s.t.clock.set(Date.parse('2026-03-31T02:59:59Z'));
    // Not April yet; valid until 2026-03-31T03:00.
    expect((await ent()).integrations[0]).toMatchObject({
      level: 'certified',
      expires_at: '2026-03-31T03:00:00.000Z',
    });
    s.t.clock.set(Date.parse('2026-03-31T03:00:00Z'));
    expect(await ent()).toMatchObject({ entitlements: [], integrations: [{ level: null }] });
    const detail = (await w.asA('GET', `/v1/integrations/${w.int}`)).json();
    expect(detail.certification.levels[0].missing).toEqual([
      'renewal (expired 2026-03-31T03:00:00.000Z)',
    ]);

    // Re-certification in April: premier now (2 installs in March, uptime 99.95%).
    s.t.clock.set(Date.parse('2026-04-02T00:00:00Z'));
    const renew = milestoneEvent(w.int, 'certification', '2026-04-02T00:00:00Z');
    expect((await w.ops('POST', '/v1/events', renew)).statusCode).toBe(201);
    expect(await ent()).toMatchObject({
      entitlements: ['co_marketing', 'listing_featured'],
      integrations: [{ level: 'premier', expires_at: '2026-05-02T00:00:00.000Z' }],
    });
    // A poor quality report demotes to certified at once.
    await w.ops('POST', '/v1/events', {
      id: 'q-2',
      type: 'integration.quality',
      occurred_at: '2026-04-02T00:00:00Z',
      integration_id: w.int,
      quality: { uptime: 99.5 },
    });
    s.t.clock.set(Date.parse('2026-04-02T00:00:01Z'));
    expect((await ent()).integrations[0].level).toBe('certified');
    // Archived, it no longer counts; another partner cannot touch it.
    expectProblem(
      await w.asB('PATCH', `/v1/integrations/${w.int}`, { status: 'archived' }),
      404,
      'integration_not_found',
    );
    const archived = await w.asA('PATCH', `/v1/integrations/${w.int}`, {
      status: 'archived',
      listing_url: null,
    });
    expect(archived.json()).toMatchObject({ status: 'archived', listing_url: null });
    expect(await ent()).toMatchObject({ entitlements: [], integrations: [] });
    // Grants were posted once: renewal is not a second completion.
    await deriveAll(s.t);
    expect((await byRule(s, w.a))['path-grant']).toBe(100000n);
  });

  it('feeds tier qualification: a certified integration qualifies its partner, and expiry demotes it', async () => {
    s = await testServer({ now: '2026-03-01T04:00:00Z' });
    const w = await integrationWorld(s, {
      ...integrationTerms,
      benefits: [{ id: 'featured', name: 'Featured listing' }],
      tiers: {
        grace_days: 0,
        levels: [
          {
            id: 'technology-partner',
            requires: [{ metric: 'certified_integrations', at_least: 1 }],
            benefits: ['featured'],
          },
        ],
      },
    });
    const server = s;
    const int = (await w.asA('POST', '/v1/integrations', { program: 'int', name: 'Acme' })).json()
      .id;
    for (const [m, at] of [
      ['authentication', '2026-03-01T00:00:00Z'],
      ['data_mapping', '2026-03-01T01:00:00Z'],
      ['automated_testing', '2026-03-01T02:00:00Z'],
      ['certification', '2026-03-01T03:00:00Z'],
    ] as const)
      await w.ops('POST', '/v1/events', milestoneEvent(int, m, at));
    await evaluateTiers(server.t);
    const tiers = async () => (await w.asA('GET', `/v1/partners/${w.a}/tiers`)).json().data[0];
    expect((await tiers()).tier).toMatchObject({ id: 'technology-partner' });
    const ent = (await w.asA('GET', `/v1/partners/${w.a}/entitlements`)).json();
    expect(ent.entitlements).toEqual(['featured', 'listing_standard']);
    // Partner B has no certified integration.
    expect((await w.asB('GET', `/v1/partners/${w.b}/tiers`)).json().data[0].tier).toBeNull();
    server.t.clock.set(Date.parse('2026-03-31T03:00:00Z'));
    await evaluateTiers(server.t);
    expect((await tiers()).tier).toBeNull();
    expect((await w.asA('GET', `/v1/partners/${w.a}/entitlements`)).json().entitlements).toEqual(
      [],
    );
  });

  it('converges: usage shuffled and delivered twice, milestones retried until accepted, give the ledger of one in-order delivery', async () => {
    const events = (int: string) => {
      const out: Record<string, unknown>[] = [
        milestoneEvent(int, 'authentication', '2026-03-01T00:00:00Z', 'c-auth'),
        milestoneEvent(int, 'data_mapping', '2026-03-02T00:00:00Z', 'c-map'),
        milestoneEvent(int, 'automated_testing', '2026-03-03T00:00:00Z', 'c-test'),
        milestoneEvent(int, 'certification', '2026-03-04T00:00:00Z', 'c-cert'),
      ];
      for (let i = 0; i < 100; i++)
        out.push(
          usageEvent(
            int,
            `cus_${i % 17}`,
            i % 3 === 0 ? 'syncs' : 'api_calls',
            (i * 37) % 900,
            new Date(Date.parse('2026-03-01T00:00:00Z') + i * 13 * 3_600_000).toISOString(),
            `c-use-${i}`,
          ),
        );
      return out;
    };
    const run = async (order: 'in-order' | 'shuffled') => {
      const server = await testServer({ now: '2026-05-02T00:00:00Z' });
      try {
        const w = await integrationWorld(server);
        // Same integration id in both runs, so the sender's events are identical.
        const int = (
          await w.asA('POST', '/v1/integrations', { program: 'int', name: 'Acme' })
        ).json().id;
        let pending = events(int);
        if (order === 'shuffled') {
          const rand = prng(7);
          pending = [...pending, ...pending]
            .map((e) => ({ e, k: rand() }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.e);
        }
        // A sender retries what was refused until everything is accepted or a duplicate.
        for (let round = 0; pending.length && round < 10; round++) {
          const refused: Record<string, unknown>[] = [];
          for (let k = 0; k < pending.length; k += 25) {
            const batch = pending.slice(k, k + 25);
            const r = (await w.ops('POST', '/v1/events', { events: batch })).json();
            r.results.forEach((x: { status: string }, j: number) => {
              if (x.status === 'rejected') refused.push(batch[j] as Record<string, unknown>);
            });
            await deriveAll(server.t);
          }
          pending = refused;
        }
        expect(pending).toEqual([]);
        await deriveAll(server.t);
        const lines = await server.t.store.db
          .selectFrom('accrual_lines')
          .select(['rule_id', 'unit', 'currency'])
          .select((eb) => eb.fn.sum('amount').as('amount'))
          .groupBy(['rule_id', 'unit', 'currency'])
          .execute();
        return lines
          .map(
            (l) => `${l.rule_id} ${l.unit.replace(int, 'INT')} ${l.currency} ${BigInt(l.amount)}`,
          )
          .sort();
      } finally {
        await server.close();
      }
    };
    const inOrder = await run('in-order');
    expect(inOrder.length).toBeGreaterThan(6);
    expect(await run('shuffled')).toEqual(inOrder);
  });

  it("lets a partner's sandbox key report only its own integrations' events, in test mode only", async () => {
    const w = await world();
    const { s } = w;
    const key = (await w.asA('POST', `/v1/partners/${w.a}/sandbox-keys`, { name: 'laptop' })).json()
      .key;
    const keyB = (await w.asB('POST', `/v1/partners/${w.b}/sandbox-keys`, {})).json().key;
    const asTestA = apiClient(s, key);
    const asTestB = apiClient(s, keyB);
    const int = (
      await asTestA('POST', '/v1/integrations', { program: 'int', name: 'Sandbox Sync' })
    ).json().id;
    const auth = milestoneEvent(int, 'authentication', '2026-03-01T00:00:00Z');
    const r = await asTestA('POST', '/v1/events', auth);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.headers['tandem-mode']).toBe('test');
    // Another partner's integration, a customer event, and the same with a live partner key.
    expectProblem(
      await asTestB(
        'POST',
        '/v1/events',
        milestoneEvent(int, 'data_mapping', '2026-03-01T00:00:00Z'),
      ),
      404,
      'integration_not_found',
    );
    expectProblem(
      await asTestA('POST', '/v1/events', {
        id: 's-1',
        type: 'signup',
        occurred_at: '2026-03-01T00:00:00Z',
        customer: { id: 'c' },
      }),
      403,
      'forbidden',
    );
    expectProblem(await w.asA('POST', '/v1/events', auth), 403, 'forbidden');
    // Live knows nothing of it.
    expectProblem(await w.asA('GET', `/v1/integrations/${int}`), 404, 'integration_not_found');
    expect(
      (await w.ops('GET', '/v1/integrations')).json().data.map((i: { id: string }) => i.id),
    ).toEqual([w.int]);
  });

  it('values months counted from first usage the same whatever order the usage arrives in', async () => {
    const terms = {
      ...integrationTerms,
      integrations: {
        usage: [
          {
            id: 'intro',
            per: 'active_install',
            flat: '10.00',
            duration: { months: 1, from: 'first_usage' },
          },
        ],
      },
    };
    const jan = usageEvent('INT', 'shop-1', 'api_calls', 1, '2026-01-10T00:00:00Z', 'u-jan');
    const mar = usageEvent('INT', 'shop-2', 'api_calls', 1, '2026-03-10T00:00:00Z', 'u-mar');
    const run = async (order: Record<string, unknown>[][]) => {
      const server = await testServer({ now: '2026-04-02T00:00:00Z' });
      try {
        const w = await integrationWorld(server, terms);
        const int = (await w.asA('POST', '/v1/integrations', { program: 'int', name: 'A' })).json()
          .id;
        for (const batch of order) {
          const events = batch.map((e) => ({ ...e, integration_id: int }));
          expect((await w.ops('POST', '/v1/events', { events })).json().accepted).toBe(
            events.length,
          );
          await deriveAll(server.t);
        }
        return await byRule(server, w.a);
      } finally {
        await server.close();
      }
    };
    // Only January's install falls in the month after the first usage.
    expect(await run([[jan], [mar]])).toEqual({ intro: 1000n });
    expect(await run([[mar], [jan]])).toEqual({ intro: 1000n });
  });
});
