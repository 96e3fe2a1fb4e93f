import { type Kysely, sql } from 'kysely';
import type { Schema } from '../../src/store/schema.js';

/**
 * Row counts of the given tables, by name: what a test compares before and
 * after a request that must change nothing.
 */
export async function rowCounts(
  db: Kysely<Schema>,
  tables: readonly string[],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) {
    const r = await sql<{ n: unknown }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(db);
    out[table] = Number(r.rows[0]?.n);
  }
  return out;
}
