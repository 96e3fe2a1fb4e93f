import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * daily_totals: daily_stats summed over every partner, per day, metric and
 * currency, kept in the same transactions (src/engine/summaries.ts). The
 * operator overview reads it, so its cost is the number of days in the
 * range, not partners × days (measured: 430,000 summary rows for 1,000
 * partners over 120 days made the overview's 90 days take a second).
 */
export function dailyTotals(dialect: Dialect) {
  const BIG = dialect === 'postgres' ? 'BIGINT' : 'INTEGER';
  const statements = [
    `CREATE TABLE daily_totals (
      day INTEGER NOT NULL, metric TEXT NOT NULL, currency TEXT NOT NULL, value ${BIG} NOT NULL,
      PRIMARY KEY (day, metric, currency))`,
    ...totalsBackfill(),
  ];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const s of statements) await sql.raw(s).execute(db);
    },
  };
}

/** Fills daily_totals (empty) from daily_stats; bench/read-paths-load.ts runs it after a bulk load. */
export function totalsBackfill(): string[] {
  return [
    `INSERT INTO daily_totals (day, metric, currency, value)
      SELECT day, metric, currency, SUM(value) FROM daily_stats GROUP BY day, metric, currency`,
  ];
}
