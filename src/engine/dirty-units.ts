import { type RawBuilder, sql } from 'kysely';
import { campaignUnit, customerUnit } from '../core/accrual.js';
import { chunks, type Tx } from './transaction.js';

// An already dirty unit keeps its first mark time: the worker drains units in
// mark order, and a partner-month unit that customers keep re-marking must
// still come due. The upsert (not DO NOTHING) matters on PostgreSQL: it waits
// for a worker that holds the row locked while deriving, and re-inserts the
// mark once that worker deleted it, so no change is missed.
const KEEP_FIRST_MARK = sql`ON CONFLICT (unit) DO UPDATE SET marked_at = dirty_units.marked_at`;
/**
 * For units parked until a date (a campaign until its window closes): the
 * earlier mark wins, so a unit parked for a date that moved earlier comes
 * due at the new one.
 */
export const EARLIER_MARK_WINS = sql`ON CONFLICT (unit) DO UPDATE SET marked_at = CASE
  WHEN excluded.marked_at < dirty_units.marked_at THEN excluded.marked_at
  ELSE dirty_units.marked_at END`;

/**
 * Marks derivation units dirty. Sorted so that concurrent transactions lock
 * the rows in one order (no deadlocks on PostgreSQL).
 */
export async function markDirty(tx: Tx, units: Iterable<string>, now: number): Promise<void> {
  const sorted = [...new Set(units)].sort();
  for (const part of chunks(sorted, 1000)) {
    await sql`INSERT INTO dirty_units (unit, marked_at)
      VALUES ${sql.join(part.map((unit) => sql`(${unit}, ${now})`))} ${KEEP_FIRST_MARK}`.execute(
      tx,
    );
  }
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
    INSERT INTO dirty_units (unit, marked_at)
    SELECT DISTINCT CAST(${'c:'} AS TEXT) || q.customer_id, CAST(${now} AS BIGINT) FROM (${customers}) q
    WHERE true ${KEEP_FIRST_MARK}`.execute(tx);
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
