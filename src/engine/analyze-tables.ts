import { sql } from 'kysely';
import type { Deps } from './deps.js';

/**
 * Refreshes PostgreSQL's planner statistics of the tables (and partitions)
 * that changed by more than 1,000 rows plus 10 % since they were last
 * analyzed, at most `limit` of them, most changed first; returns their names.
 * Autovacuum does this where it is on and keeps up (then nothing is left to
 * do here); where it is off or lags behind a bulk import, a fresh partition
 * keeps "no statistics" and the planner scans it whole. Measured: at
 * 1,000,000 events a derivation round read a partition sequentially and
 * sorted the whole queue, and the backlog drained at 125 customers a second.
 * SQLite: nothing to do (its planner needs no statistics for these queries).
 */
export async function analyzeTables(deps: Deps, limit = 10): Promise<string[]> {
  if (deps.store.dialect !== 'postgres') return [];
  // reltuples is -1 before the first analyze: the threshold is then 1,000 changes.
  const stale = await sql<{ relname: string }>`
    SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
    WHERE s.schemaname = current_schema()
      AND s.n_mod_since_analyze > 1000 + 0.1 * GREATEST(c.reltuples, 0)
    ORDER BY s.n_mod_since_analyze DESC, s.relname LIMIT ${limit}`.execute(deps.store.db);
  const names = stale.rows.map((r) => r.relname);
  for (const name of names) await sql`ANALYZE ${sql.id(name)}`.execute(deps.store.db);
  return names;
}
