import { type Kysely, sql } from 'kysely';
import { appendOnlyTriggers } from '../append-only-triggers.js';
import type { Dialect } from '../database.js';

/**
 * integration_categories: each category an integration has had and since
 * when, append-only. Accelerators scoped on `integration.category` read the
 * category a month began with, so renaming a category later never re-prices
 * a month already valued.
 */
export function integrationCategories(dialect: Dialect) {
  const BIG = dialect === 'postgres' ? 'BIGINT' : 'INTEGER';
  const statements = [
    `CREATE TABLE integration_categories (
      id TEXT PRIMARY KEY, integration_id TEXT NOT NULL REFERENCES integrations(id),
      category TEXT, since ${BIG} NOT NULL)`,
    `CREATE INDEX integration_categories_integration ON integration_categories (integration_id, since)`,
    `INSERT INTO integration_categories (id, integration_id, category, since)
      SELECT 'icat_' || id, id, category, created_at FROM integrations`,
    ...appendOnlyTriggers(dialect, ['integration_categories']),
  ];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const s of statements) await sql.raw(s).execute(db);
    },
  };
}
