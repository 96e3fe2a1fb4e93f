import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { analyzeTables } from './analyze-tables.js';
import { markDirty } from './dirty-units.js';
import { inTransaction } from './transaction.js';

describe(`planner statistics kept fresh (${backend})`, () => {
  let t: TestTandem | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('analyzes a table that changed by more than 1,000 rows and 10 %, then leaves it alone', async () => {
    t = await testTandem();
    const tt = t;
    const units = Array.from({ length: 1500 }, (_, i) => `c:cus_${i}`);
    await inTransaction(tt, (tx) => markDirty(tx, units, 1));
    if (backend !== 'postgres') {
      expect(await analyzeTables(tt)).toEqual([]);
      return;
    }
    // The statistics collector reports changes shortly after commit.
    await sql`SELECT pg_stat_force_next_flush()`.execute(tt.store.db).catch(() => undefined);
    let analyzed: string[] = [];
    for (let i = 0; i < 50 && !analyzed.includes('dirty_marks'); i++) {
      analyzed = await analyzeTables(tt);
      if (!analyzed.includes('dirty_marks')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(analyzed).toContain('dirty_marks');
    const stats = await sql<{ n: string }>`
      SELECT reltuples AS n FROM pg_class WHERE relname = 'dirty_marks'
        AND relnamespace = to_regnamespace(current_schema())`.execute(tt.store.db);
    expect(Number(stats.rows[0]?.n)).toBe(1500);
    // Nothing changed since: nothing to do.
    expect(await analyzeTables(tt)).not.toContain('dirty_marks');
  });
});
