import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { markCustomersIn, markDirty, moveMarks } from './dirty-units.js';
import { inTransaction } from './transaction.js';

describe(`derivation marks: the inbox and the move (${backend})`, () => {
  let t: TestTandem | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const units = async (tt: TestTandem) =>
    (await tt.store.db.selectFrom('dirty_units').selectAll().orderBy('unit').execute()).map((r) => [
      r.unit,
      Number(r.marked_at),
    ]);
  const inbox = async (tt: TestTandem) =>
    Number(
      (
        await tt.store.db
          .selectFrom('dirty_marks')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('a unit keeps its first mark, a parked unit stays parked, and the inbox is emptied', async () => {
    t = await testTandem();
    const tt = t;
    await tt.store.db
      .insertInto('dirty_units')
      .values({ unit: 'iu:int_parked:2026-02', marked_at: 9_000 })
      .execute();
    await inTransaction(tt, (tx) => markDirty(tx, ['c:b', 'c:a', 'c:a'], 200));
    await inTransaction(tt, (tx) => markDirty(tx, ['c:a', 'iu:int_parked:2026-02'], 100));
    await inTransaction(tt, (tx) =>
      markCustomersIn(tx, sql`SELECT 'b' AS customer_id UNION SELECT 'c'`, 300),
    );
    // Nothing is dirty until the move: the marks wait in the inbox.
    expect(await units(tt)).toEqual([['iu:int_parked:2026-02', 9_000]]);
    expect(await moveMarks(tt)).toBe(6);
    expect(await inbox(tt)).toBe(0);
    expect(await units(tt)).toEqual([
      ['c:a', 100],
      ['c:b', 200],
      ['c:c', 300],
      ['iu:int_parked:2026-02', 9_000],
    ]);
    // Already dirty: a later mark does not move the unit back in the queue.
    await inTransaction(tt, (tx) => markDirty(tx, ['c:a'], 500));
    expect(await moveMarks(tt)).toBe(1);
    expect(await units(tt)).toContainEqual(['c:a', 100]);
    expect(await moveMarks(tt)).toBe(0);
  });

  it.runIf(backend === 'postgres')(
    'a mark never waits for a worker holding the unit, and one made mid-derivation is not lost',
    async () => {
      t = await testTandem();
      const tt = t;
      await inTransaction(tt, (tx) => markDirty(tx, ['c:x'], 100));
      await moveMarks(tt);
      // A worker claims c:x and holds its row while deriving, as deriveDirtyUnits does.
      let release: () => void = () => {};
      const released = new Promise<void>((r) => {
        release = r;
      });
      let claimed: () => void = () => {};
      const isClaimed = new Promise<void>((r) => {
        claimed = r;
      });
      const worker = tt.store.db.transaction().execute(async (tx) => {
        await sql`SELECT unit FROM dirty_units WHERE unit = 'c:x' FOR UPDATE SKIP LOCKED`.execute(
          tx,
        );
        claimed();
        await released;
        await tx.deleteFrom('dirty_units').where('unit', '=', 'c:x').execute();
      });
      await isClaimed;
      // Ingestion marks c:x again meanwhile: it completes while the row is held.
      await inTransaction(tt, (tx) => markDirty(tx, ['c:x'], 200));
      // A move on another node waits for the worker, then re-inserts the mark.
      let moved = false;
      const move = moveMarks(tt).then((n) => {
        moved = true;
        return n;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(moved).toBe(false);
      release();
      await worker;
      expect(await move).toBe(1);
      expect(await units(tt)).toEqual([['c:x', 200]]);
    },
  );
});
