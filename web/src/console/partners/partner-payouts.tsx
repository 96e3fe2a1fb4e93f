import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { EmptyState } from '../../ui/states';
import type { Page, Payout } from '../models';
import { PayoutTable } from '../payouts/payout-table';
import { QueryView } from '../query-view';
import { Section } from '../section';

/** The partner's payouts (the API lists them oldest first; the newest are shown first). */
export function PartnerPayouts({ partnerId }: { partnerId: string }) {
  const payouts = useQuery({
    queryKey: ['partner', partnerId, 'payouts'],
    queryFn: () =>
      call<Page<Payout>>(
        api.GET('/v1/partners/{id}/payouts', {
          params: { path: { id: partnerId }, query: { limit: 1000 } },
        }),
      ).then((r) => [...r.data].reverse()),
  });
  return (
    <Section title="Payouts">
      <QueryView query={payouts} loading="Loading payouts…">
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No payouts yet" />
          ) : (
            <PayoutTable payouts={list} label="Payouts" showRun />
          )
        }
      </QueryView>
    </Section>
  );
}
