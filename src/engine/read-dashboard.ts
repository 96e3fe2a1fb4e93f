import { sql } from 'kysely';
import { isCreditAsset } from '../core/currency.js';
import { formatBasisPoints } from '../core/factor.js';
import { parsePartnerAccount } from '../core/ledger.js';
import { divideHalfEven } from '../core/rounding.js';
import { DAY_MS, toIso } from '../core/time.js';
import { toBigInt, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { type BalanceView, readBalances } from './read-balances.js';
import {
  type Amounts,
  amounts,
  type DaySummary,
  summarizeDays,
  type Totals,
} from './read-stats.js';

export interface PartnerDashboard {
  partner_id: string;
  from: string;
  to: string;
  totals: Totals;
  series: DaySummary[];
  balances: BalanceView[];
  as_of: string;
}

/**
 * A partner's dashboard in one read: clicks, conversions, attributed
 * revenue and earnings per day and in total over [from, to), and balances,
 * all from summaries kept with every write (daily_stats,
 * account_balances), so it costs the same with a thousand events or a
 * billion. Errors: `partner_not_found`.
 */
export async function readPartnerDashboard(
  deps: Deps,
  q: { partnerId: string; from: number; to: number },
): Promise<PartnerDashboard> {
  const asOf = deps.clock.now();
  const [balances, summed] = await Promise.all([
    readBalances(deps, q.partnerId, 'summary'),
    summarizeDays(deps, q),
  ]);
  return {
    partner_id: q.partnerId,
    from: toIso(q.from),
    to: toIso(q.to),
    totals: summed.totals,
    series: summed.series,
    balances,
    as_of: toIso(asOf),
  };
}

export interface Overview {
  from: string;
  to: string;
  attributed_revenue: Amounts;
  incentive_cost: Amounts;
  /** Incentive cost as a percent of attributed revenue, per currency ("12.5"). */
  cost_share: Record<string, string>;
  /** Partners with a click or a conversion in the range. */
  active_partners: number;
  partners_by_status: Record<string, number>;
  conversions: { signups: number; activations: number; payments: number; refunds: number };
  clicks: number;
  /** What partners are owed (pending, available, in payment), what they owe back, and what was paid. */
  liabilities: {
    pending: Amounts;
    available: Amounts;
    processing: Amounts;
    negative: Amounts;
    paid: Amounts;
  };
  series: {
    date: string;
    revenue: Amounts;
    cost: Amounts;
    signups: number;
    activations: number;
    clicks: number;
  }[];
  as_of: string;
}

/**
 * The operator's overview of the marketplace over [from, to), from the
 * same summaries as the partner dashboard plus the partner accounts'
 * balances (one row per account) and partner counts.
 */
export async function readOverview(deps: Deps, q: { from: number; to: number }): Promise<Overview> {
  const asOf = deps.clock.now();
  const first = Math.floor(q.from / DAY_MS);
  const last = Math.ceil(q.to / DAY_MS);
  const [summed, active, statuses, balances] = await Promise.all([
    summarizeDays(deps, q),
    // One probe of the (partner, day) index per partner rather than a scan of
    // every partner's days in the range.
    sql<{ n: unknown }>`
      SELECT COUNT(*) AS n FROM partners p WHERE EXISTS (
        SELECT 1 FROM daily_stats d WHERE d.partner_id = p.id AND d.day >= ${first} AND d.day < ${last}
        AND d.metric IN ('clicks', 'signups', 'activations', 'payments'))`.execute(deps.store.db),
    deps.store.db
      .selectFrom('partners')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute(),
    // One row per partner account: few next to events, classified here.
    deps.store.db
      .selectFrom('account_balances')
      .select(['account', 'currency', 'balance'])
      .execute(),
  ]);
  const liabilities = {
    pending: new Map(),
    available: new Map(),
    processing: new Map(),
    negative: new Map(),
    paid: new Map(),
  } as Record<keyof Overview['liabilities'], Map<string, bigint>>;
  for (const r of balances) {
    const a = parsePartnerAccount(r.account);
    if (!a || isCreditAsset(r.currency)) continue;
    const v = toBigInt(r.balance);
    // A debt (available below zero) is owed back, not owed.
    const [kind, amount] =
      a.kind === 'available' && v < 0n ? (['negative', -v] as const) : [a.kind, v];
    const m = liabilities[kind];
    m.set(r.currency, (m.get(r.currency) ?? 0n) + amount);
  }
  const costShare: Record<string, string> = {};
  for (const [currency, revenue] of summed.minor.revenue) {
    const cost = summed.minor.earnings.get(currency) ?? 0n;
    if (revenue > 0n)
      costShare[currency] = formatBasisPoints(divideHalfEven(cost * 10_000n, revenue));
  }
  const t = summed.totals;
  return {
    from: toIso(q.from),
    to: toIso(q.to),
    attributed_revenue: t.revenue,
    incentive_cost: t.earnings,
    cost_share: costShare,
    active_partners: toNumber(active.rows[0]?.n ?? 0),
    partners_by_status: Object.fromEntries(statuses.map((s) => [s.status, toNumber(s.n)])),
    conversions: {
      signups: t.signups,
      activations: t.activations,
      payments: t.payments,
      refunds: t.refunds,
    },
    clicks: t.clicks,
    liabilities: {
      pending: amounts(liabilities.pending),
      available: amounts(liabilities.available),
      processing: amounts(liabilities.processing),
      negative: amounts(liabilities.negative),
      paid: amounts(liabilities.paid),
    },
    series: summed.series.map((d) => ({
      date: d.date,
      revenue: d.revenue,
      cost: d.earnings,
      signups: d.signups,
      activations: d.activations,
      clicks: d.clicks,
    })),
    as_of: toIso(asOf),
  };
}
