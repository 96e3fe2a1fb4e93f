import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import type { Payout } from '../../api/payouts';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { PayoutTable } from '../payouts/payout-table';

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
      <QueryView
        query={payouts}
        loading="Loading payouts…"
        empty={<EmptyState title="No payouts yet" />}
      >
        {(list) => <PayoutTable payouts={list} label="Payouts" showRun />}
      </QueryView>
    </Section>
  );
}
