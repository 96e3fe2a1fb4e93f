import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Accrual } from '../api/accruals';
import { api, call } from '../api/client';
import type { Page } from '../api/models';

/**
 * One page of the partner's ledger lines (rewards, reversals, recalculations),
 * newest first; `before` is the cursor of the page before. `pollMs` keeps a
 * live list fresh while the tab is visible.
 */
export function useAccruals(
  partnerId: string,
  opts: { limit: number; before?: string; pollMs?: number },
) {
  return useQuery({
    queryKey: ['portal', 'accruals', partnerId, opts.limit, opts.before ?? null],
    queryFn: () =>
      call<Page<Accrual>>(
        api.GET('/v1/partners/{id}/accruals', {
          params: {
            path: { id: partnerId },
            query: { limit: opts.limit, ...(opts.before ? { before: opts.before } : {}) },
          },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: opts.pollMs ?? false,
    refetchIntervalInBackground: false,
  });
}
