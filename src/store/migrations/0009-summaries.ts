import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Summaries the web app's first pages read instead of raw rows (issue 7),
 * kept in the same transactions as what they sum:
 * - daily_stats: per UTC day (epoch day number) and partner, counts of
 *   clicks, bot clicks and conversions by type (currency ''), attributed
 *   revenue and earnings (net of reversals) per money currency.
 * - account_balances: the balance of every partner ledger account (the
 *   ledger's "volumes"); money decisions still sum the entries themselves.
 * Both are filled from the existing rows here.
 */
export function summaries(dialect: Dialect) {
  const BIG = dialect === 'postgres' ? 'BIGINT' : 'INTEGER';
  const statements = [
    `CREATE TABLE daily_stats (
      day INTEGER NOT NULL, partner_id TEXT NOT NULL, metric TEXT NOT NULL, currency TEXT NOT NULL,
      value ${BIG} NOT NULL, PRIMARY KEY (day, partner_id, metric, currency))`,
    `CREATE INDEX daily_stats_partner ON daily_stats (partner_id, day)`,
    `CREATE TABLE account_balances (
      account TEXT NOT NULL, currency TEXT NOT NULL, balance ${BIG} NOT NULL, PRIMARY KEY (account, currency))`,
    ...summaryBackfill(),
  ];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const s of statements) await sql.raw(s).execute(db);
    },
  };
}

const METRIC_OF_TYPE = `CASE type WHEN 'signup' THEN 'signups' WHEN 'activation' THEN 'activations' WHEN 'payment' THEN 'payments' ELSE 'refunds' END`;

const DAY = 86_400_000;

/**
 * Fills daily_stats and account_balances from the rows they sum (both empty
 * first). The migration runs it once; bench/read-paths-load.ts runs it after
 * loading rows in bulk, so its summaries are the ones the engine keeps.
 */
export function summaryBackfill(): string[] {
  return [
    `INSERT INTO daily_stats (day, partner_id, metric, currency, value)
      SELECT occurred_at / ${DAY}, partner_id, CASE WHEN bot = 1 THEN 'bot_clicks' ELSE 'clicks' END, '', COUNT(*)
      FROM clicks GROUP BY occurred_at / ${DAY}, partner_id, CASE WHEN bot = 1 THEN 'bot_clicks' ELSE 'clicks' END`,
    `INSERT INTO daily_stats (day, partner_id, metric, currency, value)
      SELECT occurred_at / ${DAY}, partner_id, ${METRIC_OF_TYPE}, '', COUNT(*)
      FROM conversions GROUP BY occurred_at / ${DAY}, partner_id, ${METRIC_OF_TYPE}`,
    `INSERT INTO daily_stats (day, partner_id, metric, currency, value)
      SELECT occurred_at / ${DAY}, partner_id, 'revenue', currency, SUM(revenue)
      FROM conversions WHERE currency IS NOT NULL GROUP BY occurred_at / ${DAY}, partner_id, currency
      HAVING SUM(revenue) <> 0`,
    `INSERT INTO daily_stats (day, partner_id, metric, currency, value)
      SELECT occurred_at / ${DAY}, partner_id, 'earnings', currency, SUM(amount)
      FROM accrual_lines WHERE LENGTH(currency) = 3 GROUP BY occurred_at / ${DAY}, partner_id, currency
      HAVING SUM(amount) <> 0`,
    `INSERT INTO account_balances (account, currency, balance)
      SELECT account, currency, SUM(amount) FROM ledger_entries
      WHERE account LIKE 'program:%:partner:%' GROUP BY account, currency`,
  ];
}
