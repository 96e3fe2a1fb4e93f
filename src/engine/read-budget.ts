import { sql } from 'kysely';
import { parsePeriodKey } from '../core/bonuses.js';
import { isCreditAsset } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { formatAmount } from '../core/money.js';
import { versionInForce } from '../core/program-version.js';
import { monthKey, toIso } from '../core/time.js';
import { toBigInt, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { loadPrograms } from './load-programs.js';
import { findProgram } from './programs.js';

export interface BudgetView {
  program_id: string;
  month: string;
  currency: string;
  budget: string | null;
  policy: string | null;
  /** Accruals of the month already past their hold (available or paid). */
  spent: string;
  /** Accruals of the month still on hold (pending). */
  committed: string;
  remaining: string | null;
  /** spent + committed projected to the end of the month at the month's run rate; capped by an enforced budget. */
  forecast: string;
  attributed_revenue: string;
  /** (spent + committed) as a percentage of attributed revenue, two decimals; null without revenue. */
  cost_share_percent: string | null;
  margin_guard: { max_percent: number; used_percent_of_ceiling: string | null } | null;
  other_currencies: { currency: string; total: string }[];
  alerts: { type: string; threshold_percent: number; at: string }[];
}

/**
 * A program's spending for one calendar month (UTC): what is spent and
 * committed against the budget, a forecast to the month's end, and the
 * ratio of incentive cost to attributed revenue (the margin guard).
 * Errors: `program_not_found`, `invalid_period`, `no_terms_in_force`.
 */
export async function readBudget(
  deps: Deps,
  programIdOrKey: string,
  month?: string,
): Promise<BudgetView> {
  const db = deps.store.db;
  const now = deps.clock.now();
  const key = month ?? monthKey(now);
  const period = parsePeriodKey(key);
  if (period?.period !== 'month')
    throw new TandemError('invalid_period', `month must look like 2026-11; got "${key}"`);
  const { id } = await findProgram(db, programIdOrKey);
  const { start, end } = period;
  const program = (await loadPrograms(db)).find((p) => p.id === id);
  const terms =
    program &&
    (versionInForce(program.versions, Math.min(end - 1, Math.max(now, start)))?.terms ??
      versionInForce(program.versions, end - 1)?.terms);
  if (!terms)
    throw new TandemError('no_terms_in_force', `program ${programIdOrKey} has no terms in ${key}`);
  const cur = terms.currency;
  const fmt = (v: bigint) => formatAmount(v, cur);

  const lines = await sql<{ currency: string; pending: unknown; released: unknown }>`
    SELECT currency,
      COALESCE(SUM(CASE WHEN available_at > ${now} THEN amount ELSE 0 END), 0) AS pending,
      COALESCE(SUM(CASE WHEN available_at <= ${now} THEN amount ELSE 0 END), 0) AS released
    FROM accrual_lines WHERE program_id = ${id} AND occurred_at >= ${start} AND occurred_at < ${end}
      AND unit NOT LIKE 'mdf:%'
    GROUP BY currency ORDER BY currency`.execute(db);
  let spent = 0n;
  let committed = 0n;
  const others: { currency: string; total: string }[] = [];
  for (const r of lines.rows) {
    const pending = toBigInt(r.pending);
    const released = toBigInt(r.released);
    if (r.currency === cur) {
      spent = released;
      committed = pending;
    } else if (!isCreditAsset(r.currency))
      // Support credits are not money: they cost the program no cash.
      others.push({
        currency: r.currency,
        total: formatAmount(pending + released, r.currency as typeof cur),
      });
  }
  const total = spent + committed;
  const rev = await sql<{ revenue: unknown }>`
    SELECT COALESCE(SUM(revenue), 0) AS revenue FROM conversions
    WHERE program_id = ${id} AND currency = ${cur} AND occurred_at >= ${start} AND occurred_at < ${end}`.execute(
    db,
  );
  const revenue = toBigInt(rev.rows[0]?.revenue ?? 0);

  // Linear run rate over the elapsed part of the month.
  let forecast = total;
  if (now < start) forecast = 0n;
  else if (now < end)
    forecast = now > start ? (total * BigInt(end - start)) / BigInt(now - start) : total;
  const budget = terms.budget;
  if (budget && budget.policy !== 'alert' && forecast > budget.monthly) forecast = budget.monthly;

  const pct = (num: bigint, den: bigint) => {
    if (den <= 0n) return null;
    const hundredths = (num * 10_000n) / den; // percent × 100, floor
    const sign = hundredths < 0n ? '-' : '';
    const abs = hundredths < 0n ? -hundredths : hundredths;
    return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
  };
  // Alerts are keyed `budget|margin:<program>:<month>:<percent>` (see raise-budget-alerts.ts).
  const alertRows = await db
    .selectFrom('outbox_events')
    .select(['type', 'dedupe_key', 'created_at'])
    .where((eb) =>
      eb.or([
        eb('dedupe_key', 'like', `budget:${id}:${key}:%`),
        eb('dedupe_key', 'like', `margin:${id}:${key}:%`),
      ]),
    )
    .orderBy('id')
    .execute();
  const alerts = alertRows.map((r) => ({
    type: r.type,
    threshold_percent: Number(String(r.dedupe_key).split(':').at(-1)),
    at: toIso(toNumber(r.created_at)),
  }));
  const guard = terms.marginGuard;
  return {
    program_id: id,
    month: key,
    currency: cur,
    budget: budget ? fmt(budget.monthly) : null,
    policy: budget?.policy ?? null,
    spent: fmt(spent),
    committed: fmt(committed),
    remaining: budget ? fmt(budget.monthly - total) : null,
    forecast: fmt(forecast),
    attributed_revenue: fmt(revenue),
    cost_share_percent: pct(total, revenue),
    margin_guard: guard
      ? {
          max_percent: Number(guard.maxBps) / 100,
          // cost share / ceiling, as a percentage: total × 10000 / (revenue × maxBps) × 100
          used_percent_of_ceiling: pct(total * 10_000n, revenue * guard.maxBps),
        }
      : null,
    other_currencies: others,
    alerts,
  };
}
