import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Sandbox / test mode (issue 5).
 * - api_keys.mode: a `test` key works against the sandbox store (a second
 *   database with this same schema), a `live` key against this one. Keys
 *   always live here: authentication reads only the live database.
 */
export function sandbox(_dialect: Dialect) {
  const statements = [
    `ALTER TABLE api_keys ADD COLUMN mode TEXT NOT NULL DEFAULT 'live' CHECK (mode IN ('live', 'test'))`,
  ];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const s of statements) await sql.raw(s).execute(db);
    },
  };
}
