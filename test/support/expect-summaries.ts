import { sql } from 'kysely';
import { expect } from 'vitest';
import { DAY_MS } from '../../src/core/time.js';
import type { Deps } from '../../src/engine/deps.js';

const rowsOf = async (deps: Deps, q: ReturnType<typeof sql>) =>
  ((await q.execute(deps.store.db)).rows as Record<string, unknown>[])
    .map((r) => Object.values(r).map(String).join('|'))
    .sort();

/**
 * Asserts that the summaries (daily_stats, daily_totals, account_balances) equal the sums
 * of the rows they summarise, recomputed from scratch.
 */
export async function expectSummariesMatch(deps: Deps): Promise<void> {
  const day = sql.lit(DAY_MS);
  const kept = await rowsOf(
    deps,
    sql`SELECT day, partner_id, metric, currency, value FROM daily_stats WHERE value <> 0`,
  );
  const recomputed = await rowsOf(
    deps,
    sql`SELECT day, partner_id, metric, currency, value FROM (
      SELECT occurred_at / ${day} AS day, partner_id, CASE WHEN bot = 1 THEN 'bot_clicks' ELSE 'clicks' END AS metric, '' AS currency, COUNT(*) AS value
        FROM clicks GROUP BY occurred_at / ${day}, partner_id, CASE WHEN bot = 1 THEN 'bot_clicks' ELSE 'clicks' END
      UNION ALL
      SELECT occurred_at / ${day}, partner_id, CASE type WHEN 'signup' THEN 'signups' WHEN 'activation' THEN 'activations' WHEN 'payment' THEN 'payments' ELSE 'refunds' END, '', COUNT(*)
        FROM conversions GROUP BY occurred_at / ${day}, partner_id, CASE type WHEN 'signup' THEN 'signups' WHEN 'activation' THEN 'activations' WHEN 'payment' THEN 'payments' ELSE 'refunds' END
      UNION ALL
      SELECT occurred_at / ${day}, partner_id, 'revenue', currency, SUM(revenue)
        FROM conversions WHERE currency IS NOT NULL GROUP BY occurred_at / ${day}, partner_id, currency
      UNION ALL
      SELECT occurred_at / ${day}, partner_id, 'earnings', currency, SUM(amount)
        FROM accrual_lines WHERE LENGTH(currency) = 3 GROUP BY occurred_at / ${day}, partner_id, currency
    ) s WHERE value <> 0`,
  );
  expect(kept.length).toBeGreaterThan(0);
  expect(kept).toEqual(recomputed);
  const totals = await rowsOf(
    deps,
    sql`SELECT day, metric, currency, value FROM daily_totals WHERE value <> 0`,
  );
  const summed = await rowsOf(
    deps,
    sql`SELECT day, metric, currency, value FROM (SELECT day, metric, currency, SUM(value) AS value
      FROM daily_stats GROUP BY day, metric, currency) s WHERE value <> 0`,
  );
  expect(totals).toEqual(summed);
  const balances = await rowsOf(
    deps,
    sql`SELECT account, currency, balance FROM account_balances WHERE balance <> 0`,
  );
  const sums = await rowsOf(
    deps,
    sql`SELECT account, currency, total FROM (SELECT account, currency, SUM(amount) AS total FROM ledger_entries
      WHERE account LIKE 'program:%:partner:%' GROUP BY account, currency) s WHERE total <> 0`,
  );
  expect(balances).toEqual(sums);
}
