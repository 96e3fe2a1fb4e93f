import { afterEach, describe, expect, it } from 'vitest';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { fixedClock } from './deps.js';
import { deriveAll } from './derive-dirty-units.js';
import { ingestEvents } from './ingest-events.js';
import { listOutboxEvents } from './outbox.js';
import { createPartner } from './partners.js';
import { createProgram, publishVersion } from './programs.js';
import { listAccruals } from './read-accruals.js';
import { readBudget } from './read-budget.js';
import { createCode } from './tracking.js';

const at = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);

const termsWith = (budget: Record<string, unknown>) => ({
  currency: 'USD',
  hold_days: 0,
  rewards: [{ id: 'share', event: 'payment', percent: 10 }],
  budget: { monthly: '100.00', alerts_at: [50, 100], ...budget },
  margin_guard: { max_percent: 5, alerts_at: [100] },
});

const pay = (id: string, when: string, revenue: string, code: string, customer: string) => ({
  id,
  type: 'payment',
  occurred_at: `${when}T12:00:00Z`,
  customer: { id: customer },
  currency: 'USD',
  revenue,
  referral_code: code,
});

async function world(t: TestTandem, budget: Record<string, unknown>) {
  const past = { ...t, clock: fixedClock(at('2026-01-01')) };
  await createProgram(past, {
    key: 'ref',
    name: 'Referrals',
    firstVersion: { effectiveFrom: at('2026-01-01'), terms: termsWith(budget) },
  });
  const ids: string[] = [];
  for (const code of ['AAA', 'BBB']) {
    const p = await createPartner(past, {
      name: code,
      kinds: ['referral'],
      status: 'approved',
      programs: ['ref'],
    });
    await createCode(past, { partnerId: p.id, program: 'ref', kind: 'referral_code', code });
    ids.push(p.id);
  }
  return ids as [string, string];
}

/** Net accruals per event (by the sender's event id), zero nets left out. */
async function netByEvent(t: TestTandem) {
  const lines = (await listAccruals(t, { limit: 500 })).data;
  const external = new Map(
    (await t.store.db.selectFrom('events').select(['id', 'external_id']).execute()).map((e) => [
      e.id,
      e.external_id,
    ]),
  );
  const net = new Map<string, bigint>();
  for (const l of lines) {
    const ev = external.get(l.event_id) ?? l.event_id;
    net.set(ev, (net.get(ev) ?? 0n) + BigInt(l.amount_minor));
  }
  return Object.fromEntries([...net].filter(([, v]) => v !== 0n).sort());
}

/**
 * A program whose terms change on January 15 (when `later` is given), one partner with
 * code AAA, and the clock on February 1 — for the mid-month version cases.
 */
async function januaryWith(
  t: TestTandem,
  terms: Record<string, unknown>,
  later?: Record<string, unknown>,
) {
  await createProgram(t, { key: 'ref', name: 'Referrals', firstVersion: { terms } });
  if (later)
    await publishVersion(t, { program: 'ref', effectiveFrom: at('2026-01-15'), terms: later });
  const p = await createPartner(t, {
    name: 'A',
    kinds: ['referral'],
    status: 'approved',
    programs: ['ref'],
  });
  await createCode(t, { partnerId: p.id, program: 'ref', kind: 'referral_code', code: 'AAA' });
  t.clock.set(at('2026-02-01'));
}

const total = (m: Record<string, bigint>) => Object.values(m).reduce((s, v) => s + v, 0n);

describe(`monthly budgets (${backend})`, () => {
  let t: TestTandem;
  afterEach(async () => t?.close());

  it('stop: a budget that runs out mid-batch grants exactly what is left, and a late earlier event takes precedence', async () => {
    t = await testTandem({ now: '2026-03-01T00:00:00Z' });
    await world(t, { when_exhausted: 'stop' });
    await ingestEvents(t, [
      pay('a1', '2026-02-05', '400.00', 'AAA', 'c1'),
      pay('b1', '2026-02-10', '500.00', 'BBB', 'c2'),
      pay('a2', '2026-02-15', '300.00', 'AAA', 'c3'),
      pay('x', '2026-01-20', '300.00', 'AAA', 'c5'),
    ]);
    await deriveAll(t);
    expect(await netByEvent(t)).toEqual({ x: 30_00n, a1: 40_00n, b1: 50_00n, a2: 10_00n });
    expect(total(await netByEvent(t)) - 30_00n).toBe(100_00n);

    await ingestEvents(t, [pay('b0', '2026-02-01', '200.00', 'BBB', 'c6')]);
    await deriveAll(t);
    const after = await netByEvent(t);
    expect(after).toEqual({ x: 30_00n, b0: 20_00n, a1: 40_00n, b1: 40_00n });
    expect(after.a2).toBeUndefined();

    const view = await readBudget(t, 'ref', '2026-02');
    expect(view).toMatchObject({
      budget: '100.00',
      policy: 'stop',
      spent: '100.00',
      committed: '0.00',
      remaining: '0.00',
      forecast: '100.00',
      attributed_revenue: '1400.00',
      cost_share_percent: '7.14',
      margin_guard: { max_percent: 5, used_percent_of_ceiling: '142.85' },
    });
    // Each threshold once, however often the month is re-derived.
    await deriveAll(t);
    const alerts = (await listOutboxEvents(t, { limit: 50 })).data.map((e) => [
      e.type,
      (e.data as { month: string }).month,
      (e.data as { threshold_percent: number }).threshold_percent,
    ]);
    expect(alerts.sort()).toEqual(
      [
        ['budget.threshold_reached', '2026-02', 50],
        ['budget.threshold_reached', '2026-02', 100],
        ['margin.threshold_reached', '2026-01', 100],
        ['margin.threshold_reached', '2026-02', 100],
      ].sort(),
    );
    expect(view.alerts.map((a) => a.threshold_percent).sort()).toEqual([100, 100, 50]);
  });

  it('prorate: every accrual of the month is scaled so the month sums to the budget exactly', async () => {
    t = await testTandem({ now: '2026-03-01T00:00:00Z' });
    await world(t, { when_exhausted: 'prorate' });
    await ingestEvents(t, [
      pay('a1', '2026-02-05', '400.00', 'AAA', 'c1'),
      pay('b1', '2026-02-10', '500.00', 'BBB', 'c2'),
      pay('a2', '2026-02-15', '300.00', 'AAA', 'c3'),
    ]);
    await deriveAll(t);
    // 40 + 50 + 30 = 120 → × 100/120: 33.333, 41.666, 25 → largest remainder gets the cent.
    expect(await netByEvent(t)).toEqual({ a1: 33_33n, b1: 41_67n, a2: 25_00n });
    // A refund does not give budget back: the month's accruals were 120 before it.
    await ingestEvents(t, [
      {
        id: 'r1',
        type: 'refund',
        occurred_at: '2026-02-20T12:00:00Z',
        customer: { id: 'c2' },
        currency: 'USD',
        revenue: '500.00',
        payment_id: 'b1',
      },
    ]);
    await deriveAll(t);
    expect(await netByEvent(t)).toEqual({ a1: 33_33n, b1: 41_67n, r1: -41_67n, a2: 25_00n });
  });

  it('alert: accrues everything and raises the alerts', async () => {
    t = await testTandem({ now: '2026-03-01T00:00:00Z' });
    await world(t, { when_exhausted: 'alert' });
    await ingestEvents(t, [
      pay('a1', '2026-02-05', '400.00', 'AAA', 'c1'),
      pay('b1', '2026-02-10', '800.00', 'BBB', 'c2'),
    ]);
    await deriveAll(t);
    expect(total(await netByEvent(t))).toBe(120_00n);
    const view = await readBudget(t, 'ref', '2026-02');
    expect(view.remaining).toBe('-20.00');
    expect(view.alerts.filter((a) => a.type === 'budget.threshold_reached')).toHaveLength(2);
  });

  it('a version with a budget from mid-month: the month is settled in one unit, so the partner cap applies once', async () => {
    t = await testTandem({ now: '2026-01-01T00:00:00Z' });
    const v1 = {
      currency: 'USD',
      hold_days: 0,
      rewards: [{ id: 'share', event: 'payment', percent: 10 }],
      caps: { per_partner_per_month: '100.00' },
    };
    await januaryWith(t, v1, { ...v1, budget: { monthly: '10000.00' } });
    await ingestEvents(t, [
      pay('p1', '2026-01-05', '1000.00', 'AAA', 'c1'),
      pay('p2', '2026-01-10', '1000.00', 'AAA', 'c2'),
      pay('p3', '2026-01-20', '1000.00', 'AAA', 'c3'),
      pay('p4', '2026-01-25', '1000.00', 'AAA', 'c4'),
    ]);
    await deriveAll(t);
    expect(total(await netByEvent(t))).toBe(100_00n);
  });

  it('an alert budget never limits; an enforced budget limits only its own terms but counts everything spent', async () => {
    t = await testTandem({ now: '2026-01-01T00:00:00Z' });
    const v1 = {
      currency: 'USD',
      hold_days: 0,
      rewards: [{ id: 'share', event: 'payment', percent: 10 }],
      budget: { monthly: '100.00', when_exhausted: 'stop' },
    };
    await januaryWith(t, v1, { ...v1, budget: { monthly: '50.00', when_exhausted: 'alert' } });
    await ingestEvents(t, [
      pay('p1', '2026-01-05', '1000.00', 'AAA', 'c1'),
      pay('p2', '2026-01-10', '1000.00', 'AAA', 'c2'),
      pay('p3', '2026-01-20', '10.00', 'AAA', 'c3'),
    ]);
    await deriveAll(t);
    // Version 1 stops at 100.00; version 2's accrual is under an alert-only budget.
    expect(await netByEvent(t)).toEqual({ p1: 100_00n, p3: 1_00n });
  });

  it('a budget published for mid-month never reduces what the earlier terms earned that month', async () => {
    t = await testTandem({ now: '2026-01-01T00:00:00Z' });
    const v1 = {
      currency: 'USD',
      hold_days: 0,
      rewards: [{ id: 'share', event: 'payment', percent: 10 }],
    };
    await januaryWith(t, v1, { ...v1, budget: { monthly: '150.00', when_exhausted: 'prorate' } });
    await ingestEvents(t, [
      pay('p1', '2026-01-05', '1000.00', 'AAA', 'c1'),
      pay('p2', '2026-01-20', '600.00', 'AAA', 'c2'),
      pay('p3', '2026-01-25', '400.00', 'AAA', 'c3'),
    ]);
    await deriveAll(t);
    // 100.00 earned before the budget; the 60.00 + 40.00 after it share the 50.00 left.
    expect(await netByEvent(t)).toEqual({ p1: 100_00n, p2: 30_00n, p3: 20_00n });
  });

  it('the margin guard re-checks when revenue changes, even by a refund of a payment that earned nothing', async () => {
    t = await testTandem({ now: '2026-01-01T00:00:00Z' });
    await januaryWith(t, {
      currency: 'USD',
      hold_days: 0,
      rewards: [{ id: 'bounty', event: 'activation', flat: '10.00' }],
      margin_guard: { max_percent: 10, alerts_at: [80, 100] },
    });
    await ingestEvents(t, [
      {
        id: 'a1',
        type: 'activation',
        occurred_at: '2026-01-05T12:00:00Z',
        customer: { id: 'c1' },
        referral_code: 'AAA',
      },
      pay('p1', '2026-01-06', '200.00', 'AAA', 'c1'),
    ]);
    await deriveAll(t);
    const margin = async () =>
      (await listOutboxEvents(t, { limit: 50, type: 'margin.threshold_reached' })).data.map(
        (e) => (e.data as { threshold_percent: number }).threshold_percent,
      );
    expect(await margin()).toEqual([]); // 10.00 of 200.00: 5 %, half the ceiling
    await ingestEvents(t, [
      {
        id: 'r1',
        type: 'refund',
        occurred_at: '2026-01-07T12:00:00Z',
        customer: { id: 'c1' },
        currency: 'USD',
        revenue: '100.00',
        payment_id: 'p1',
      },
    ]);
    await deriveAll(t);
    expect((await margin()).sort()).toEqual([100, 80]); // 10.00 of 100.00: the ceiling
  });
});
