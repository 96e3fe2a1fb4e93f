import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MetricConversion, measure, metricNames } from './metrics.js';
import { currency } from './money.js';
import { simulateTiers } from './simulate-tiers.js';
import { decideTier, highestQualified, type Requirement, type TierState } from './tiers.js';
import { DAY_MS } from './time.js';

const USD = currency('USD');
const START = Date.parse('2026-03-01T00:00:00Z');

/** The definition: measure every requirement from scratch at every instant. */
function bruteForce(
  levels: { id: string; requires: Requirement[] }[],
  graceDays: number,
  conversions: MetricConversion[],
  initial: string | null,
  days: number,
) {
  let state: TierState = { tier: initial, since: START, belowSince: null };
  const changes: { at: number; tier: string | null }[] = [];
  for (let d = 0; d < days; d++) {
    const t = START + d * DAY_MS;
    const q = highestQualified(levels, (r) =>
      measure(r.metric, conversions, { from: t - r.windowDays * DAY_MS, to: t, currency: USD }),
    );
    const decision = decideTier(levels, graceDays, state, q, t);
    state = decision.state;
    if (decision.change) changes.push({ at: t, tier: decision.change.to });
  }
  return changes;
}

describe('simulateTiers', () => {
  it('decides exactly what daily evaluations measuring from scratch would', () => {
    const conversion = fc.record({
      customerId: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      type: fc.constantFrom('signup', 'activation', 'payment', 'refund'),
      occurredAt: fc.integer({ min: START - 60 * DAY_MS, max: START + 60 * DAY_MS }),
      currency: fc.constantFrom('USD', 'EUR'),
      revenue: fc.bigInt({ min: -5_000n, max: 20_000n }),
    });
    const requirement = fc.record({
      metric: fc.constantFrom(...metricNames),
      windowDays: fc.integer({ min: 1, max: 40 }),
      atLeast: fc.bigInt({ min: 0n, max: 30_000n }),
    });
    fc.assert(
      fc.property(
        fc.array(conversion, { maxLength: 80 }),
        fc.array(fc.array(requirement, { maxLength: 3 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom(null, 'l0', 'l1', 'gone'),
        (conversions, reqs, grace, initial) => {
          const levels = reqs.map((requires, i) => ({ id: `l${i}`, requires }));
          const got = simulateTiers({
            levels,
            graceDays: grace,
            currency: USD,
            conversions: new Map([['prt_P', conversions]]),
            initial: new Map([['prt_P', initial]]),
            start: START,
            end: START + 45 * DAY_MS,
          });
          expect(got.get('prt_P') ?? []).toEqual(
            bruteForce(levels, grace, conversions, initial, 45),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('promotes on the day the window reaches the threshold and demotes after the grace period', () => {
    const pay = (day: number, revenue: bigint): MetricConversion => ({
      customerId: `c${day}`,
      type: 'payment',
      occurredAt: START + day * DAY_MS + 3_600_000,
      currency: 'USD',
      revenue,
    });
    const got = simulateTiers({
      levels: [
        {
          id: 'gold',
          requires: [{ metric: 'referred_revenue', windowDays: 10, atLeast: 100_00n }],
        },
      ],
      graceDays: 5,
      currency: USD,
      conversions: new Map([['prt_P', [pay(2, 60_00n), pay(4, 50_00n)]]]),
      initial: new Map(),
      start: START,
      end: START + 30 * DAY_MS,
    });
    // In the window from day 5 (the payment of day 4 at 01:00 counts from day 5 00:00);
    // the day-2 payment leaves it on day 13, below from then; demoted 5 days later.
    expect(got.get('prt_P')).toEqual([
      { at: START + 5 * DAY_MS, tier: 'gold' },
      { at: START + 18 * DAY_MS, tier: null },
    ]);
  });
});
