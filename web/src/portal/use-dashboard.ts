import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { Dashboard } from '../api/dashboards';
import { type DateRange, rangeToQuery } from '../ui/date-range-picker';

/**
 * How often the dashboard asks again while its tab is visible. Each ask is
 * one summary read (its cost does not grow with the events), so once a
 * second keeps a new conversion well inside the promised 5 seconds even
 * while the worker is busy.
 */
export const DASHBOARD_POLL_MS = 1_000;

/**
 * The partner's dashboard for a date range, asked again every second while
 * the tab is visible (never in a background tab), keeping the last answer on
 * screen while a new range loads.
 */
export function useDashboard(partnerId: string, range: DateRange) {
  const query = rangeToQuery(range);
  return useQuery({
    queryKey: ['portal', 'dashboard', partnerId, query.from, query.to],
    queryFn: () =>
      call<Dashboard>(
        api.GET('/v1/partners/{id}/dashboard', { params: { path: { id: partnerId }, query } }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: DASHBOARD_POLL_MS,
    refetchIntervalInBackground: false,
  });
}
