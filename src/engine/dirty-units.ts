import { type RawBuilder, sql } from 'kysely';
import { campaignUnit, customerUnit } from '../core/accrual.js';
import type { Deps } from './deps.js';
import { chunks, inTransaction, type Tx } from './transaction.js';

/**
 * For units parked until a date (a campaign until its window closes): the
 * earlier mark wins, so a unit parked for a date that moved earlier comes
 * due at the new one. Written to dirty_units directly: only campaign
 * changes and derivation write it, never the ingestion path.
 */
export const EARLIER_MARK_WINS = sql`ON CONFLICT (unit) DO UPDATE SET marked_at = CASE
  WHEN excluded.marked_at < dirty_units.marked_at THEN excluded.marked_at
  ELSE dirty_units.marked_at END`;

/**
 * Marks derivation units dirty: appends to the dirty_marks inbox, which has
 * no key, so the insert takes no lock anyone else holds. (An upsert into
 * dirty_units waited on PostgreSQL for the worker holding the unit's row
 * while deriving it: 74 % of all SQL time during ingestion.) The worker
 * moves marks into dirty_units with moveMarks before each round.
 */
export async function markDirty(tx: Tx, units: Iterable<string>, now: number): Promise<void> {
  const unique = [...new Set(units)];
  for (const part of chunks(unique, 1000)) {
    await sql`INSERT INTO dirty_marks (unit, marked_at)
      VALUES ${sql.join(part.map((unit) => sql`(${unit}, ${now})`))}`.execute(tx);
  }
}

/**
 * SQL for how much is waiting to be derived: units plus marks not yet moved
 * (a unit can be in both; zero means nothing is waiting). For monitors.
 */
export const WAITING_SQL =
  '(SELECT COUNT(*) FROM dirty_units) + (SELECT COUNT(*) FROM dirty_marks)';

// An already dirty unit keeps its first mark time: the worker drains units in
// mark order, and a partner-month unit that customers keep re-marking must
// still come due (a unit parked until a date stays parked). The upsert, not
// DO NOTHING, matters on PostgreSQL: when another worker holds the unit's row
// while deriving it, the move waits, and re-inserts the mark once that
// worker deleted the row, so no change is missed.
const KEEP_FIRST_MARK = sql`ON CONFLICT (unit) DO UPDATE SET marked_at = dirty_units.marked_at`;

/**
 * Moves every mark in the inbox into dirty_units (one row per unit, its
 * earliest mark), in its own short transaction; returns how many marks it
 * moved. PostgreSQL: one statement deletes what it sees and inserts exactly
 * that, so a mark committed meanwhile stays for the next move (a DELETE after
 * a separate INSERT … SELECT could delete it unmoved). SQLite: transactions
 * take turns on one connection, so nothing lands between the two statements.
 * Units are inserted in key order: two nodes moving at once lock rows in one
 * order.
 */
export async function moveMarks(deps: Deps): Promise<number> {
  return inTransaction(deps, async (tx) => {
    if (deps.store.dialect === 'postgres') {
      const r = await sql<{ n: string }>`
        WITH moved AS (DELETE FROM dirty_marks RETURNING unit, marked_at),
        upserted AS (
          INSERT INTO dirty_units (unit, marked_at)
          SELECT unit, MIN(marked_at) FROM moved GROUP BY unit ORDER BY unit
          ${KEEP_FIRST_MARK})
        SELECT COUNT(*) AS n FROM moved`.execute(tx);
      return Number(r.rows[0]?.n ?? 0);
    }
    await sql`INSERT INTO dirty_units (unit, marked_at)
      SELECT unit, MIN(marked_at) FROM dirty_marks WHERE true GROUP BY unit ORDER BY unit
      ${KEEP_FIRST_MARK}`.execute(tx);
    const r = await sql`DELETE FROM dirty_marks`.execute(tx);
    return Number(r.numAffectedRows ?? 0n);
  });
}

/**
 * Marks the customers a query returns (a `customer_id` column) for
 * re-derivation, in one set-based statement; returns how many it marked.
 */
export async function markCustomersIn(
  tx: Tx,
  customers: RawBuilder<unknown>,
  now: number,
): Promise<number> {
  const r = await sql`
    INSERT INTO dirty_marks (unit, marked_at)
    SELECT DISTINCT CAST(${'c:'} AS TEXT) || q.customer_id, CAST(${now} AS BIGINT) FROM (${customers}) q`.execute(
    tx,
  );
  return Number(r.numAffectedRows ?? 0n);
}

/** Marks every customer with an event on or after `since`. */
export function markCustomersWithEventsSince(tx: Tx, since: number, now: number): Promise<number> {
  return markCustomersIn(
    tx,
    sql`SELECT customer_id FROM events WHERE occurred_at >= ${since}`,
    now,
  );
}

/**
 * Marks campaigns for re-derivation after their plan or status changed: the
 * campaign unit (its bonuses) and every customer it touched (whose credit
 * can change).
 */
export async function markCampaignUnits(
  tx: Tx,
  campaignIds: readonly string[],
  now: number,
): Promise<void> {
  if (campaignIds.length === 0) return;
  // The earlier mark wins: a campaign unit parked until its old end must come
  // due now when its window was shortened.
  const units = [...new Set(campaignIds.map(campaignUnit))].sort();
  await sql`INSERT INTO dirty_units (unit, marked_at)
    VALUES ${sql.join(units.map((unit) => sql`(${unit}, ${now})`))} ${EARLIER_MARK_WINS}`.execute(
    tx,
  );
  await markCustomersIn(
    tx,
    sql`SELECT customer_id FROM events WHERE campaign_id IN (${sql.join([...campaignIds])})
      UNION SELECT e.customer_id FROM events e JOIN clicks k ON k.id = e.click_id
      JOIN links l ON l.id = k.link_id WHERE l.campaign_id IN (${sql.join([...campaignIds])})`,
    now,
  );
}

export { customerUnit };
