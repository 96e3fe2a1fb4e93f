import { sql } from 'kysely';
import { customerUnit } from '../core/accrual.js';
import { chunks, type Tx } from './transaction.js';

/**
 * Marks derivation units dirty. Sorted so that concurrent transactions lock
 * the rows in one order (no deadlocks on PostgreSQL). An already dirty unit
 * gets a newer mark, which a worker that is deriving it right now will see.
 */
export async function markDirty(tx: Tx, units: Iterable<string>, now: number): Promise<void> {
  const sorted = [...new Set(units)].sort();
  for (const part of chunks(sorted, 1000)) {
    await tx
      .insertInto('dirty_units')
      .values(part.map((unit) => ({ unit, marked_at: now })))
      .onConflict((oc) => oc.column('unit').doUpdateSet({ marked_at: now }))
      .execute();
  }
}

/** Marks every customer with an event on or after `since`; returns how many rows it touched. */
export async function markCustomersWithEventsSince(
  tx: Tx,
  since: number,
  now: number,
): Promise<number> {
  const r = await sql`
    INSERT INTO dirty_units (unit, marked_at)
    SELECT DISTINCT CAST(${'c:'} AS TEXT) || customer_id, CAST(${now} AS BIGINT) FROM events WHERE occurred_at >= ${since}
    ON CONFLICT (unit) DO UPDATE SET marked_at = excluded.marked_at`.execute(tx);
  return Number(r.numAffectedRows ?? 0n);
}

export { customerUnit };
