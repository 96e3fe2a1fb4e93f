import { sql } from 'kysely';
import type { Currency } from '../core/currency.js';
import { formatAmount } from '../core/money.js';
import { DAY_MS, isoDay } from '../core/time.js';
import { toBigInt, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { getPartner } from './partners.js';

export interface DayStats {
  date: string;
  clicks: number;
  bot_clicks: number;
  signups: number;
  activations: number;
  payments: number;
  refunds: number;
  revenue: Record<string, string>;
}

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
  const db = deps.store.db;
  const partner = q.partnerId ? sql`AND partner_id = ${q.partnerId}` : sql``;
  // A literal, not a parameter: PostgreSQL must see the same expression in SELECT and GROUP BY.
  const day = sql.lit(DAY_MS);
  const [clicks, conversions] = await Promise.all([
    sql<{ day: unknown; bot: unknown; n: unknown }>`
      SELECT occurred_at / ${day} AS day, bot, COUNT(*) AS n FROM clicks
      WHERE occurred_at >= ${q.from} AND occurred_at < ${q.to} ${partner}
      GROUP BY occurred_at / ${day}, bot`.execute(db),
    sql<{ day: unknown; type: string; currency: string | null; n: unknown; revenue: unknown }>`
      SELECT occurred_at / ${day} AS day, type, currency, COUNT(*) AS n, SUM(revenue) AS revenue FROM conversions
      WHERE occurred_at >= ${q.from} AND occurred_at < ${q.to} ${partner}
      GROUP BY occurred_at / ${day}, type, currency`.execute(db),
  ]);
  const days = new Map<number, DayStats & { minor: Map<string, bigint> }>();
  const first = Math.floor(q.from / DAY_MS);
  const last = Math.ceil(q.to / DAY_MS);
  for (let d = first; d < last && days.size < 3660; d++) {
    days.set(d, {
      date: isoDay(d * DAY_MS),
      clicks: 0,
      bot_clicks: 0,
      signups: 0,
      activations: 0,
      payments: 0,
      refunds: 0,
      revenue: {},
      minor: new Map(),
    });
  }
  for (const r of clicks.rows) {
    const day = days.get(toNumber(r.day));
    if (!day) continue;
    if (toNumber(r.bot) === 1) day.bot_clicks += toNumber(r.n);
    else day.clicks += toNumber(r.n);
  }
  for (const r of conversions.rows) {
    const day = days.get(toNumber(r.day));
    if (!day) continue;
    const n = toNumber(r.n);
    if (r.type === 'signup') day.signups += n;
    else if (r.type === 'activation') day.activations += n;
    else if (r.type === 'payment') day.payments += n;
    else day.refunds += n;
    if (r.currency)
      day.minor.set(r.currency, (day.minor.get(r.currency) ?? 0n) + toBigInt(r.revenue));
  }
  return [...days.values()].map(({ minor, ...d }) => ({
    ...d,
    revenue: Object.fromEntries([...minor].map(([c, v]) => [c, formatAmount(v, c as Currency)])),
  }));
}
