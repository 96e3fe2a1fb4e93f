import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { EmptyState, ErrorNotice, Loading } from '../../ui/states';
import { AccrualTable } from '../ledger/accrual-table';
import type { Accrual, Page } from '../models';
import { Section } from '../section';

/** The partner's accrual lines, newest event first, 10 at a time. */
export function PartnerAccruals({ partnerId }: { partnerId: string }) {
  const accruals = useInfiniteQuery({
    queryKey: ['partner', partnerId, 'accruals'],
    queryFn: ({ pageParam }) =>
      call<Page<Accrual>>(
        api.GET('/v1/partners/{id}/accruals', {
          params: { path: { id: partnerId }, query: { limit: 10, before: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = accruals.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <Section title="Accruals">
      {accruals.isPending ? (
        <Loading label="Loading accruals…" />
      ) : accruals.isError && rows.length === 0 ? (
        <ErrorNotice error={accruals.error} retry={() => accruals.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No accruals yet" />
      ) : (
        <>
          <AccrualTable accruals={rows} label="Accruals" />
          {accruals.hasNextPage ? (
            <button
              type="button"
              className="console-more"
              onClick={() => accruals.fetchNextPage()}
              disabled={accruals.isFetchingNextPage}
            >
              {accruals.isFetchingNextPage ? 'Loading…' : 'Show older accruals'}
            </button>
          ) : null}
        </>
      )}
    </Section>
  );
}
