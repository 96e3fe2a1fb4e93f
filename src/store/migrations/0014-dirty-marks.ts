import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * dirty_marks: the inbox of derivation marks. Ingestion and the use cases
 * append here (no key, so an insert never waits for anyone); the worker
 * moves the marks into dirty_units before each round (src/engine/dirty-units.ts).
 * Measured before: on PostgreSQL the upsert into dirty_units waited for the
 * worker's row locks and took 74 % of all SQL time during ingestion.
 */
export function dirtyMarks(dialect: Dialect) {
  const BIG = dialect === 'postgres' ? 'BIGINT' : 'INTEGER';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql
        .raw(`CREATE TABLE dirty_marks (unit TEXT NOT NULL, marked_at ${BIG} NOT NULL)`)
        .execute(db);
    },
  };
}
