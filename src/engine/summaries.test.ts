import { afterEach, describe, expect, it } from 'vitest';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { DAY_MS } from '../core/time.js';
import { addDailyStats, type StatDelta } from './summaries.js';
import { inTransaction } from './transaction.js';

const AT = Date.parse('2026-01-02T10:00:00Z');
const DAY = Math.floor(AT / DAY_MS);
const signup: StatDelta = {
  at: AT,
  partnerId: 'prt_a',
  metric: 'signups',
  currency: '',
  value: 1n,
};

describe(`daily totals kept with daily_stats (${backend})`, () => {
  let t: TestTandem | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const sums = async (tt: TestTandem) => {
    const totals = await tt.store.db.selectFrom('daily_totals').selectAll().execute();
    const stats = await tt.store.db.selectFrom('daily_stats').select('value').execute();
    return {
      totals: totals.map((r) => [Number(r.day), r.metric, r.currency, Number(r.value)]),
      stats: stats.reduce((n, r) => n + Number(r.value), 0),
    };
  };

  it('are written once, just before commit; at once outside inTransaction; never by a failed attempt', async () => {
    t = await testTandem();
    const tt = t;
    await inTransaction(tt, async (tx) => {
      await addDailyStats(tx, [signup, { ...signup, partnerId: 'prt_b' }]);
      // Deferred: the shared row is not touched until the transaction is about to commit.
      expect(await tx.selectFrom('daily_totals').selectAll().execute()).toEqual([]);
      await addDailyStats(tx, [{ ...signup, value: 2n }]);
    });
    expect(await sums(tt)).toEqual({ totals: [[DAY, 'signups', '', 4]], stats: 4 });

    // A transaction not opened by inTransaction writes the totals with the stats.
    await tt.store.db.transaction().execute(async (tx) => {
      await addDailyStats(tx, [signup]);
      const now = await tx.selectFrom('daily_totals').select('value').execute();
      expect(now.map((r) => Number(r.value))).toEqual([5]);
    });

    // A failed transaction writes neither; a retried one writes its deltas once.
    await expect(
      inTransaction(tt, async (tx) => {
        await addDailyStats(tx, [signup]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    let attempts = 0;
    await inTransaction(tt, async (tx) => {
      await addDailyStats(tx, [signup]);
      if (++attempts === 1) throw Object.assign(new Error('serialization'), { code: '40001' });
    });
    expect(attempts).toBe(2);
    expect(await sums(tt)).toEqual({ totals: [[DAY, 'signups', '', 6]], stats: 6 });
  });
});
