import { afterEach, describe, expect, it } from 'vitest';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { expectProblem } from '../support/expect-problem.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;

const terms = {
  currency: 'USD',
  hold_days: 0,
  rewards: [{ id: 'share', event: 'payment', percent: 10 }],
  benefits: [
    { id: 'priority-support', name: 'Priority support' },
    { id: 'co-marketing-slot', name: 'Co-marketing slot', allowance: { count: 2, per: 'quarter' } },
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
        requires: [{ metric: 'payments', window_days: 90, at_least: 5 }],
        multiplier: 1.25,
        benefits: ['priority-support', 'co-marketing-slot'],
      },
    ],
  },
};

describe(`tiers and entitlements over HTTP (${backend})`, () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('evaluates on demand, shows progress to a partner, and serves entitlements and the event feed', async () => {
    s = await testServer({ now: '2026-01-01T00:00:00Z' });
    const api = apiClient(s);
    expect(
      (
        await api('POST', '/v1/programs', {
          key: 'ref',
          name: 'Referrals',
          version: { effective_from: '2026-01-01', terms },
        })
      ).statusCode,
    ).toBe(201);
    const mk = async (name: string, code: string) => {
      const p = (
        await api('POST', '/v1/partners', { name, status: 'approved', programs: ['ref'] })
      ).json() as { id: string };
      expect(
        (
          await api('POST', `/v1/partners/${p.id}/codes`, {
            program: 'ref',
            kind: 'referral_code',
            code,
          })
        ).statusCode,
      ).toBe(201);
      return p.id;
    };
    const a = await mk('A', 'AAA');
    const b = await mk('B', 'BBB');
    s.t.clock.set(Date.parse('2026-03-01T00:00:00Z'));
    const events = [1, 2, 3].map((i) => ({
      id: `pay-${i}`,
      type: 'payment',
      occurred_at: `2026-02-0${i}T10:00:00Z`,
      customer: { id: `c${i}` },
      currency: 'USD',
      revenue: '10.00',
      referral_code: 'AAA',
    }));
    expect((await api('POST', '/v1/events', { events })).statusCode).toBe(200);
    await deriveAll(s.t);

    const evaluated = await api('POST', '/v1/programs/ref/tiers/evaluate', {});
    expect(evaluated.statusCode, evaluated.body).toBe(200);
    expect(evaluated.json().changes).toEqual([
      expect.objectContaining({ partner_id: a, from: null, to: 'silver', reason: 'promotion' }),
    ]);

    const created = await api('POST', '/v1/api-keys', { name: 'partner A', partner_id: a });
    expect(created.statusCode, created.body).toBe(201);
    const key = created.json() as { key: string };
    const asA = apiClient(s, key.key);
    const tiers = await asA('GET', `/v1/partners/${a}/tiers`);
    expect(tiers.statusCode, tiers.body).toBe(200);
    expect(tiers.json().data[0]).toMatchObject({
      program_key: 'ref',
      tier: { id: 'silver' },
      benefits: [{ id: 'priority-support', name: 'Priority support' }],
      next_tier: {
        id: 'gold',
        requires: [
          { metric: 'payments', current: '3', at_least: '5', missing: '2', progress_percent: 60 },
        ],
      },
    });
    const ent = await asA('GET', `/v1/partners/${a}/entitlements`);
    expect(ent.json()).toEqual({
      partner_id: a,
      as_of: expect.any(String),
      entitlements: ['priority-support'],
      data: [
        expect.objectContaining({
          id: 'priority-support',
          tier: 'silver',
          program_id: expect.any(String),
        }),
      ],
      integrations: [],
    });
    // A partner's key never reads another partner's tiers or the operator feed.
    await expectProblem(
      await asA('GET', `/v1/partners/${b}/entitlements`),
      404,
      'partner_not_found',
    );
    await expectProblem(await asA('GET', '/v1/webhook-events'), 403, 'forbidden');
    await expectProblem(await asA('POST', '/v1/programs/ref/tiers/evaluate', {}), 403, 'forbidden');

    const feed = await api('GET', '/v1/webhook-events?type=partner.tier_changed');
    expect(feed.json().data).toEqual([
      expect.objectContaining({
        type: 'partner.tier_changed',
        subject: a,
        data: expect.objectContaining({ to: 'silver', benefits: ['priority-support'] }),
      }),
    ]);
    const list = await api('GET', '/v1/programs/ref/tiers');
    expect(
      list
        .json()
        .data.map((r: { partner_id: string; tier: string | null }) => [r.partner_id, r.tier])
        .sort(),
    ).toEqual(
      [
        [a, 'silver'],
        [b, null],
      ].sort(),
    );
    await expectProblem(await api('GET', '/v1/programs/nope/tiers'), 404, 'program_not_found');
    await expectProblem(
      await api('GET', '/v1/partners/prt_nope/entitlements'),
      404,
      'partner_not_found',
    );
  });
});
