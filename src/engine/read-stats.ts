import { sql } from 'kysely';
import type { Currency } from '../core/currency.js';
import { formatAmount } from '../core/money.js';
import { DAY_MS, isoDay } from '../core/time.js';
import { toBigInt, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { getPartner } from './partners.js';

/** Amounts per currency, as decimal strings. */
export type Amounts = Record<string, string>;

export interface DaySummary {
  date: string;
  clicks: number;
  bot_clicks: number;
  signups: number;
  activations: number;
  payments: number;
  refunds: number;
  revenue: Amounts;
  earnings: Amounts;
}

export type Totals = Omit<DaySummary, 'date'>;

const COUNTS = ['clicks', 'bot_clicks', 'signups', 'activations', 'payments', 'refunds'] as const;
type Count = (typeof COUNTS)[number];

/** The longest range a summary covers (ten years of days). */
export const MAX_SUMMARY_DAYS = 3660;

type Row = { day: unknown; metric: string; currency: string; value: unknown };

/**
 * The summary's rows for a range that starts or ends inside a day, counted
 * from the rows themselves, so a partial day holds only what happened in
 * the range (a rare request: the app and the defaults ask for whole days).
 */
function exactRows(from: number, to: number, partner: ReturnType<typeof sql>) {
  // A literal: PostgreSQL must see the same expression in SELECT and GROUP BY.
  const day = sql.lit(DAY_MS);
  const inRange = sql`occurred_at >= ${from} AND occurred_at < ${to} ${partner}`;
  return sql<Row>`
    SELECT occurred_at / ${day} AS day, CASE WHEN bot = 1 THEN 'bot_clicks' ELSE 'clicks' END AS metric,
      '' AS currency, COUNT(*) AS value
    FROM clicks WHERE ${inRange} GROUP BY 1, 2
    UNION ALL
    SELECT occurred_at / ${day}, CASE type WHEN 'signup' THEN 'signups' WHEN 'activation' THEN 'activations'
      WHEN 'payment' THEN 'payments' ELSE 'refunds' END, '', COUNT(*)
    FROM conversions WHERE ${inRange} GROUP BY 1, 2
    UNION ALL
    SELECT occurred_at / ${day}, 'revenue', currency, SUM(revenue)
    FROM conversions WHERE ${inRange} AND currency IS NOT NULL GROUP BY 1, 3
    UNION ALL
    SELECT occurred_at / ${day}, 'earnings', currency, SUM(amount)
    FROM accrual_lines WHERE ${inRange} AND LENGTH(currency) = 3 GROUP BY 1, 3`;
}

export interface Summed {
  totals: Totals;
  series: DaySummary[];
  minor: { revenue: Map<string, bigint>; earnings: Map<string, bigint> };
}

/**
 * Sums daily_stats over the UTC days of [from, to), for one partner (or
 * reads daily_totals, for all): one indexed read of at most (days × metrics) rows, never the clicks,
 * conversions or ledger rows themselves — unless the range cuts a day.
 */
export async function summarizeDays(
  deps: Deps,
  q: { partnerId?: string | undefined; from: number; to: number },
): Promise<Summed> {
  const first = Math.floor(q.from / DAY_MS);
  const last = Math.ceil(q.to / DAY_MS);
  const partner = q.partnerId ? sql`AND partner_id = ${q.partnerId}` : sql``;
  const aligned = q.from % DAY_MS === 0 && q.to % DAY_MS === 0;
  // All partners: the per-day totals, so the cost is days, not partners × days.
  const rows = await (!aligned
    ? exactRows(q.from, q.to, partner)
    : q.partnerId
      ? sql<Row>`
        SELECT day, metric, currency, SUM(value) AS value FROM daily_stats
        WHERE day >= ${first} AND day < ${last} ${partner}
        GROUP BY day, metric, currency`
      : sql<Row>`
        SELECT day, metric, currency, value FROM daily_totals
        WHERE day >= ${first} AND day < ${last}`
  ).execute(deps.store.db);
  const days = new Map<
    number,
    { counts: Record<Count, number>; revenue: Map<string, bigint>; earnings: Map<string, bigint> }
  >();
  for (let d = first; d < last && days.size < MAX_SUMMARY_DAYS; d++)
    days.set(d, {
      counts: { clicks: 0, bot_clicks: 0, signups: 0, activations: 0, payments: 0, refunds: 0 },
      revenue: new Map(),
      earnings: new Map(),
    });
  const totals = {
    counts: {
      clicks: 0,
      bot_clicks: 0,
      signups: 0,
      activations: 0,
      payments: 0,
      refunds: 0,
    } as Record<Count, number>,
    revenue: new Map<string, bigint>(),
    earnings: new Map<string, bigint>(),
  };
  for (const r of rows.rows) {
    const day = days.get(toNumber(r.day));
    if (!day) continue;
    if (r.metric === 'revenue' || r.metric === 'earnings') {
      const v = toBigInt(r.value);
      for (const m of [day[r.metric], totals[r.metric]])
        m.set(r.currency, (m.get(r.currency) ?? 0n) + v);
    } else if ((COUNTS as readonly string[]).includes(r.metric)) {
      const n = toNumber(r.value);
      day.counts[r.metric as Count] += n;
      totals.counts[r.metric as Count] += n;
    }
  }
  return {
    totals: {
      ...totals.counts,
      revenue: amounts(totals.revenue),
      earnings: amounts(totals.earnings),
    },
    series: [...days.entries()].map(([d, s]) => ({
      date: isoDay(d * DAY_MS),
      ...s.counts,
      revenue: amounts(s.revenue),
      earnings: amounts(s.earnings),
    })),
    minor: { revenue: totals.revenue, earnings: totals.earnings },
  };
}

export const amounts = (m: Map<string, bigint>): Amounts =>
  Object.fromEntries(
    [...m.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([c, v]) => [c, formatAmount(v, c as Currency)]),
  );

export type DayStats = Omit<DaySummary, 'earnings'>;

/**
 * Clicks and attributed conversions per UTC day in [from, to), for one
 * partner or for the whole marketplace. Days without activity are included
 * with zeros so charts need no gap filling.
 */
export async function readDailyStats(
  deps: Deps,
  q: { partnerId?: string | undefined; from: number; to: number },
): Promise<DayStats[]> {
  if (q.partnerId) await getPartner(deps, q.partnerId);
  const { series } = await summarizeDays(deps, q);
  return series.map(({ earnings: _earnings, ...day }) => day);
}
