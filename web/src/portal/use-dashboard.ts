import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ApiError, api, call } from '../api/client';
import { type DateRange, rangeToQuery } from '../ui/date-range-picker';
import { addDecimal } from '../ui/format';
import { getJson } from './get-json';
import type { AmountsByCurrency, Balance, Dashboard, DayStats } from './models';

/**
 * How often the dashboard asks again while its tab is visible. Each ask is
 * one summary read (its cost does not grow with the events), so once a
 * second keeps a new conversion well inside the promised 5 seconds even
 * while the worker is busy.
 */
export const DASHBOARD_POLL_MS = 1_000;

function addAmounts(into: AmountsByCurrency, add: AmountsByCurrency) {
  for (const [currency, amount] of Object.entries(add)) {
    into[currency] = addDecimal(into[currency] ?? '0', amount);
  }
}

/**
 * The same summary from the older reads (/stats and /balances), for a server
 * without the dashboard endpoint. It has no earnings per day.
 */
async function fromStatsAndBalances(
  partnerId: string,
  q: { from: string; to: string },
): Promise<Dashboard> {
  const path = { params: { path: { id: partnerId } } };
  const [stats, balances] = await Promise.all([
    call<{ data: DayStats[] }>(
      api.GET('/v1/partners/{id}/stats', { params: { path: { id: partnerId }, query: q } }),
    ),
    call<{ balances: Balance[] }>(api.GET('/v1/partners/{id}/balances', path)),
  ]);
  const totals: Dashboard['totals'] = {
    clicks: 0,
    signups: 0,
    activations: 0,
    payments: 0,
    refunds: 0,
    revenue: {},
    earnings: {},
  };
  for (const d of stats.data) {
    totals.clicks += d.clicks;
    totals.signups += d.signups;
    totals.activations += d.activations;
    totals.payments += d.payments;
    totals.refunds += d.refunds;
    addAmounts(totals.revenue, d.revenue);
  }
  return {
    partner_id: partnerId,
    from: q.from,
    to: q.to,
    totals,
    series: stats.data.map((d) => ({ ...d, earnings: {} })),
    balances: balances.balances,
    as_of: new Date().toISOString(),
    partial: true,
  };
}

/**
 * The partner's dashboard for a date range, asked again every second while
 * the tab is visible (never in a background tab), keeping the last answer on
 * screen while a new range loads.
 */
export function useDashboard(partnerId: string, range: DateRange) {
  const q = rangeToQuery(range);
  return useQuery({
    queryKey: ['portal', 'dashboard', partnerId, q.from, q.to],
    queryFn: async () => {
      try {
        return await getJson<Dashboard>(
          `/v1/partners/${encodeURIComponent(partnerId)}/dashboard`,
          q,
        );
      } catch (e) {
        if (e instanceof ApiError && e.status === 404 && e.code === 'not_found') {
          return fromStatsAndBalances(partnerId, q);
        }
        throw e;
      }
    },
    placeholderData: keepPreviousData,
    refetchInterval: DASHBOARD_POLL_MS,
    refetchIntervalInBackground: false,
  });
}
