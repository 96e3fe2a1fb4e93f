/**
 * The dashboard benchmark's check that its figures are the data's: the summaries the
 * dashboards read (daily_stats, account_balances) must equal what the raw rows they
 * summarize add up to — clicks, conversions and their revenue, accrual lines' earnings per
 * partner, and every partner account's ledger entries. Not timed.
 */
import { sql } from 'kysely';
import { isCreditAsset } from '../src/core/currency.js';
import type { Deps } from '../src/engine/deps.js';
import { conversionMetric } from '../src/engine/summaries.js';

export interface SummaryCheck {
  /** Keys (partner|metric|currency, or account|currency) compared. */
  compared: number;
  differences: number;
  /** The first few differences: key, summary value, raw value. */
  first: string[];
}

function compare(summary: Map<string, bigint>, raw: Map<string, bigint>, out: SummaryCheck) {
  for (const key of new Set([...summary.keys(), ...raw.keys()])) {
    const a = summary.get(key) ?? 0n;
    const b = raw.get(key) ?? 0n;
    if (a === 0n && b === 0n) continue;
    out.compared++;
    if (a === b) continue;
    out.differences++;
    if (out.first.length < 5) out.first.push(`${key}: summary ${a}, raw ${b}`);
  }
}

const add = (m: Map<string, bigint>, key: string, v: unknown) =>
  m.set(key, (m.get(key) ?? 0n) + BigInt(String(v ?? 0)));

export async function checkSummaries(deps: Deps): Promise<SummaryCheck> {
  const db = deps.store.db;
  const out: SummaryCheck = { compared: 0, differences: 0, first: [] };

  const stats = new Map<string, bigint>();
  for (const r of (
    await sql<{ partner_id: string; metric: string; currency: string; v: unknown }>`
      SELECT partner_id, metric, currency, SUM(value) AS v FROM daily_stats
      GROUP BY partner_id, metric, currency`.execute(db)
  ).rows)
    add(stats, `${r.partner_id}|${r.metric}|${r.currency}`, r.v);

  const raw = new Map<string, bigint>();
  for (const r of (
    await sql<{
      partner_id: string;
      type: string;
      currency: string | null;
      n: unknown;
      r: unknown;
    }>`
      SELECT partner_id, type, currency, COUNT(*) AS n, SUM(revenue) AS r FROM conversions
      GROUP BY partner_id, type, currency`.execute(db)
  ).rows) {
    add(raw, `${r.partner_id}|${conversionMetric(r.type)}|`, r.n);
    if (r.currency) add(raw, `${r.partner_id}|revenue|${r.currency}`, r.r);
  }
  for (const r of (
    await sql<{ partner_id: string; bot: unknown; n: unknown }>`
      SELECT partner_id, bot, COUNT(*) AS n FROM clicks GROUP BY partner_id, bot`.execute(db)
  ).rows)
    add(raw, `${r.partner_id}|${Number(r.bot) === 1 ? 'bot_clicks' : 'clicks'}|`, r.n);
  for (const r of (
    await sql<{ partner_id: string; currency: string; a: unknown }>`
      SELECT partner_id, currency, SUM(amount) AS a FROM accrual_lines
      GROUP BY partner_id, currency`.execute(db)
  ).rows)
    if (!isCreditAsset(r.currency)) add(raw, `${r.partner_id}|earnings|${r.currency}`, r.a);
  compare(stats, raw, out);

  const balances = new Map<string, bigint>();
  for (const r of await db.selectFrom('account_balances').selectAll().execute())
    add(balances, `${r.account}|${r.currency}`, r.balance);
  const entries = new Map<string, bigint>();
  for (const r of (
    await sql<{ account: string; currency: string; a: unknown }>`
      SELECT account, currency, SUM(amount) AS a FROM ledger_entries
      WHERE account LIKE 'program:%:partner:%' GROUP BY account, currency`.execute(db)
  ).rows)
    add(entries, `${r.account}|${r.currency}`, r.a);
  compare(balances, entries, out);
  return out;
}
