import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { programWithPartner } from '../../test/support/program-with-partner.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { deriveAll } from './derive-dirty-units.js';
import { evaluateTiers } from './evaluate-tiers.js';
import { ingestEvents } from './ingest-events.js';
import { listOutboxEvents } from './outbox.js';
import { changePartnerStatus } from './partners.js';
import { listAccruals } from './read-accruals.js';
import { readEntitlements, readPartnerTiers } from './read-tiers.js';

const at = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);

const terms = {
  currency: 'USD',
  hold_days: 0,
  rewards: [{ id: 'share', event: 'payment', percent: 10 }],
  benefits: [
    { id: 'priority-support', name: 'Priority support' },
    { id: 'support-credit', name: 'Support credit', allowance: { amount: '500.00', per: 'year' } },
  ],
  tiers: {
    grace_days: 10,
    levels: [
      {
        id: 'gold',
        name: 'Gold',
        requires: [{ metric: 'referred_revenue', window_days: 30, at_least: '1000.00' }],
        multiplier: 1.5,
        benefits: ['priority-support', 'support-credit'],
      },
      {
        id: 'platinum',
        requires: [
          { metric: 'referred_revenue', window_days: 30, at_least: '5000.00' },
          { metric: 'active_customers', window_days: 30, at_least: 3 },
        ],
        multiplier: 2,
      },
    ],
  },
};

const pay = (id: string, when: string, revenue: string, customer = 'A') => ({
  id,
  type: 'payment',
  occurred_at: when.length === 10 ? `${when}T12:00:00Z` : when,
  customer: { id: customer },
  currency: 'USD',
  revenue,
  referral_code: 'GOLDY',
});

const world = (t: TestTandem) => programWithPartner(t, terms, 'GOLDY');

/** Net accrual per event id for the partner. */
async function earned(t: TestTandem, partnerId: string) {
  const lines = (await listAccruals(t, { partnerId, limit: 500 })).data;
  const net = new Map<string, bigint>();
  for (const l of lines) {
    const ev = (l.trace as { event: { external_id: string } }).event.external_id;
    net.set(ev, (net.get(ev) ?? 0n) + BigInt(l.amount_minor));
  }
  return Object.fromEntries([...net].sort());
}

describe(`tier evaluation (${backend})`, () => {
  let t: TestTandem;
  afterEach(async () => t?.close());

  it('promotes at once, raises the rate only from the promotion on, and demotes after the grace period', async () => {
    t = await testTandem({ now: '2026-02-21T00:00:00Z' });
    const partner = await world(t);
    await ingestEvents(t, [pay('p1', '2026-02-01', '600.00'), pay('p2', '2026-02-20', '600.00')]);
    await deriveAll(t);

    t.clock.set(at('2026-03-01'));
    const first = await evaluateTiers(t);
    expect(first.changes).toEqual([
      expect.objectContaining({ partner_id: partner, from: null, to: 'gold', reason: 'promotion' }),
    ]);
    // Idempotent at the same instant.
    expect((await evaluateTiers(t)).changes).toEqual([]);

    // After the promotion: 1.5 × 10%; a late payment from before it keeps the base rate.
    t.clock.set(at('2026-03-03'));
    await ingestEvents(t, [pay('p3', '2026-03-02', '100.00'), pay('late', '2026-02-25', '100.00')]);
    await deriveAll(t);
    expect(await earned(t, partner)).toEqual({
      late: 10_00n,
      p1: 60_00n,
      p2: 60_00n,
      p3: 15_00n,
    });

    expect(await readEntitlements(t, partner)).toEqual([
      expect.objectContaining({
        id: 'priority-support',
        tier: 'gold',
        since: '2026-03-01T00:00:00.000Z',
      }),
      expect.objectContaining({
        id: 'support-credit',
        allowance: { per: 'year', amount: '500.00', currency: 'USD' },
      }),
    ]);
    const [view] = await readPartnerTiers(t, partner);
    expect(view?.tier).toEqual({ id: 'gold', name: 'Gold', since: '2026-03-01T00:00:00.000Z' });
    expect(view?.next_tier?.id).toBe('platinum');
    // In the 30 days before March 3 (from Feb 1 00:00): 600 + 600 + 100 + 100, one active customer.
    expect(view?.next_tier?.requires).toEqual([
      expect.objectContaining({
        metric: 'referred_revenue',
        current: '1400.00',
        missing: '3600.00',
        progress_percent: 28,
      }),
      expect.objectContaining({
        metric: 'active_customers',
        current: '1',
        missing: '2',
        progress_percent: 33,
      }),
    ]);

    // Below the tier from April 5 on: kept through the 10-day grace period, then demoted.
    t.clock.set(at('2026-04-05'));
    expect((await evaluateTiers(t)).changes).toEqual([]);
    const [grace] = await readPartnerTiers(t, partner);
    expect(grace?.grace).toEqual({
      below_since: '2026-04-05T00:00:00.000Z',
      demotion_due_at: '2026-04-15T00:00:00.000Z',
    });
    t.clock.set(at('2026-04-14T23:59:59Z'));
    expect((await evaluateTiers(t)).changes).toEqual([]);
    t.clock.set(at('2026-04-15'));
    expect((await evaluateTiers(t)).changes).toEqual([
      expect.objectContaining({ from: 'gold', to: null, reason: 'demotion' }),
    ]);
    t.clock.set(at('2026-04-17'));
    await ingestEvents(t, [pay('p4', '2026-04-16', '100.00')]);
    await deriveAll(t);
    expect((await earned(t, partner)).p4).toBe(10_00n);
    expect(await readEntitlements(t, partner)).toEqual([]);

    const events = (await listOutboxEvents(t, { limit: 10, type: 'partner.tier_changed' })).data;
    expect(events.map((e) => (e.data as { to: string | null }).to)).toEqual(['gold', null]);
    expect(events[0]?.data).toMatchObject({
      partner_id: partner,
      benefits: ['priority-support', 'support-credit'],
      metrics: { 'referred_revenue/30': '1200.00' },
    });
  });

  it('recovering during the grace period resets it', async () => {
    t = await testTandem({ now: '2026-02-21T00:00:00Z' });
    const partner = await world(t);
    await ingestEvents(t, [pay('p1', '2026-02-20', '1200.00')]);
    await deriveAll(t);
    t.clock.set(at('2026-03-01'));
    await evaluateTiers(t);
    t.clock.set(at('2026-03-25')); // Feb 20 has left the 30-day window
    await evaluateTiers(t);
    expect((await readPartnerTiers(t, partner))[0]?.grace).not.toBeNull();
    t.clock.set(at('2026-03-27'));
    await ingestEvents(t, [pay('p2', '2026-03-26', '1500.00', 'B')]);
    await deriveAll(t);
    expect((await evaluateTiers(t)).changes).toEqual([]);
    expect((await readPartnerTiers(t, partner))[0]?.grace).toBeNull();
    t.clock.set(at('2026-04-10'));
    expect((await evaluateTiers(t)).changes).toEqual([]);
    expect((await readPartnerTiers(t, partner))[0]?.tier?.id).toBe('gold');
  });

  it('a suspended partner keeps its tier record but has no entitlements', async () => {
    t = await testTandem({ now: '2026-02-21T00:00:00Z' });
    const partner = await world(t);
    await ingestEvents(t, [pay('p1', '2026-02-20', '1200.00')]);
    await deriveAll(t);
    t.clock.set(at('2026-03-01'));
    await evaluateTiers(t);
    expect(await readEntitlements(t, partner)).toHaveLength(2);
    await changePartnerStatus(t, { partnerId: partner, status: 'suspended', reason: 'review' });
    expect(await readEntitlements(t, partner)).toEqual([]);
  });

  it('tier history is append-only in the database', async () => {
    t = await testTandem({ now: '2026-02-21T00:00:00Z' });
    await world(t);
    await ingestEvents(t, [pay('p1', '2026-02-20', '1200.00')]);
    await deriveAll(t);
    t.clock.set(at('2026-03-01'));
    await evaluateTiers(t);
    await expect(
      sql`UPDATE partner_tier_history SET tier = 'platinum'`.execute(t.store.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM partner_tier_history`.execute(t.store.db)).rejects.toThrow(
      /append-only/,
    );
    const rows = await t.store.db.selectFrom('partner_tier_history').select('tier').execute();
    expect(rows).toEqual([{ tier: 'gold' }]);
  });
});
