import { useInfiniteQuery } from '@tanstack/react-query';
import type { Accrual } from '../../api/accruals';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import { PagedView } from '../../ui/paged-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { AccrualTable } from '../ledger/accrual-table';

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
  return (
    <Section title="Accruals">
      <PagedView
        query={accruals}
        loading="Loading accruals…"
        empty={<EmptyState title="No accruals yet" />}
        more="Show older accruals"
      >
        {(rows) => <AccrualTable accruals={rows} label="Accruals" />}
      </PagedView>
    </Section>
  );
}
