import { afterEach, describe, expect, it } from 'vitest';
import { programWithPartner } from '../../test/support/program-with-partner.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { closeBonusPeriods } from './bonus-periods.js';
import { deriveAll } from './derive-dirty-units.js';
import { ingestEvents } from './ingest-events.js';
import { publishVersion } from './programs.js';
import { listAccruals } from './read-accruals.js';

const at = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);

const terms = {
  currency: 'USD',
  hold_days: 10,
  rewards: [],
  bonuses: [
    {
      id: 'monthly-activations',
      name: 'Activation target',
      metric: 'activations',
      period: 'month',
      steps: [
        { at_least: 3, pays: '50.00' },
        { at_least: 5, pays: '120.00' },
      ],
    },
    {
      id: 'quarterly-revenue',
      metric: 'referred_revenue',
      period: 'quarter',
      steps: [{ at_least: '1000.00', pays: '300.00' }],
    },
  ],
};

const activation = (n: number, day: string) => ({
  id: `act-${n}`,
  type: 'activation',
  occurred_at: `${day}T09:00:00Z`,
  customer: { id: `cust-${n}` },
  referral_code: 'BONUS',
});

const world = (t: TestTandem) => programWithPartner(t, terms, 'BONUS');

async function bonusLines(t: TestTandem, partnerId: string) {
  const lines = (await listAccruals(t, { partnerId, limit: 100 })).data;
  return lines
    .map((l) => ({ rule: l.rule_id, kind: l.kind, amount: l.amount, available_at: l.available_at }))
    .sort((a, b) => (a.amount < b.amount ? -1 : 1));
}

describe(`performance bonuses (${backend})`, () => {
  let t: TestTandem;
  afterEach(async () => t?.close());

  it('pays once when the month closes, even if evaluation runs twice, and posts the difference for a late activation', async () => {
    t = await testTandem({ now: '2026-02-20T00:00:00Z' });
    const partner = await world(t);
    await ingestEvents(
      t,
      [1, 2, 3, 4].map((n) => activation(n, `2026-02-1${n}`)),
    );
    await deriveAll(t);
    // January has closed (nothing in it); February is still running.
    expect((await closeBonusPeriods(t)).closed).toEqual([expect.stringMatching(/:2026-01$/)]);
    await deriveAll(t);
    expect(await bonusLines(t, partner)).toEqual([]);

    t.clock.set(at('2026-03-01'));
    expect((await closeBonusPeriods(t)).closed).toEqual([expect.stringMatching(/:2026-02$/)]);
    await deriveAll(t);
    const once = await bonusLines(t, partner);
    expect(once).toEqual([
      {
        rule: 'monthly-activations',
        kind: 'accrual',
        amount: '50.00',
        available_at: '2026-03-11T00:00:00.000Z',
      },
    ]);
    // The job runs again (another node, a restart): nothing new.
    expect((await closeBonusPeriods(t)).closed).toEqual([]);
    await deriveAll(t);
    expect(await bonusLines(t, partner)).toEqual(once);

    // A late activation for February reaches the next step: +70.00, not another 120.00.
    t.clock.set(at('2026-03-03'));
    await ingestEvents(t, [activation(5, '2026-02-27'), activation(6, '2026-03-02')]);
    await deriveAll(t);
    const after = await bonusLines(t, partner);
    expect(after.map((l) => [l.kind, l.amount])).toEqual([
      ['accrual', '50.00'],
      ['adjustment', '70.00'],
    ]);
    const trace = (await listAccruals(t, { partnerId: partner, limit: 10 })).data.find(
      (l) => l.kind === 'adjustment',
    )?.trace as { steps: string[]; program: { version: number } };
    expect(trace.steps[0]).toBe('activations in 2026-02: 5 ≥ 5 (step 2 of 2) → 120.00 USD');
    expect(trace.program.version).toBe(1);
  });

  it('a quarterly revenue bonus is evaluated at the quarter end, and refunds count against it', async () => {
    t = await testTandem({ now: '2026-03-15T00:00:00Z' });
    const partner = await world(t);
    await ingestEvents(t, [
      {
        id: 'p1',
        type: 'payment',
        occurred_at: '2026-01-10T00:00:00Z',
        customer: { id: 'c1' },
        currency: 'USD',
        revenue: '700.00',
        referral_code: 'BONUS',
      },
      {
        id: 'p2',
        type: 'payment',
        occurred_at: '2026-03-10T00:00:00Z',
        customer: { id: 'c2' },
        currency: 'USD',
        revenue: '400.00',
        referral_code: 'BONUS',
      },
    ]);
    await deriveAll(t);
    await closeBonusPeriods(t);
    await deriveAll(t);
    expect(await bonusLines(t, partner)).toEqual([]);
    t.clock.set(at('2026-04-01'));
    await closeBonusPeriods(t);
    await deriveAll(t);
    expect((await bonusLines(t, partner)).map((l) => [l.rule, l.amount])).toEqual([
      ['quarterly-revenue', '300.00'],
    ]);
    // A refund in Q1 that takes revenue under the target takes the bonus back.
    await ingestEvents(t, [
      {
        id: 'r1',
        type: 'refund',
        occurred_at: '2026-03-20T00:00:00Z',
        customer: { id: 'c2' },
        currency: 'USD',
        revenue: '200.00',
        payment_id: 'p2',
      },
    ]);
    await deriveAll(t);
    expect((await bonusLines(t, partner)).map((l) => [l.kind, l.amount])).toEqual([
      ['adjustment', '-300.00'],
      ['accrual', '300.00'],
    ]);
  });

  it('a correction that changes a closed period re-evaluates its bonus', async () => {
    t = await testTandem({ now: '2026-02-20T00:00:00Z' });
    const partner = await world(t);
    await ingestEvents(
      t,
      [1, 2, 3].map((n) => activation(n, `2026-02-1${n}`)),
    );
    t.clock.set(at('2026-03-02'));
    await deriveAll(t);
    await closeBonusPeriods(t);
    await deriveAll(t);
    expect((await bonusLines(t, partner)).map((l) => l.amount)).toEqual(['50.00']);
    await publishVersion(t, {
      program: 'ref',
      effectiveFrom: at('2026-02-01'),
      correction: true,
      reason: 'the February bonus was announced at 80.00',
      terms: {
        ...terms,
        bonuses: [
          { ...terms.bonuses[0], steps: [{ at_least: 3, pays: '80.00' }] },
          terms.bonuses[1],
        ],
      },
    });
    await deriveAll(t);
    const lines = await bonusLines(t, partner);
    expect(lines.map((l) => [l.kind, l.amount])).toEqual([
      ['adjustment', '30.00'],
      ['accrual', '50.00'],
    ]);
  });
});
