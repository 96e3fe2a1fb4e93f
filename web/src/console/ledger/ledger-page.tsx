import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type ReactNode, useId, useState } from 'react';
import { api, call } from '../../api/client';
import { PageHeader } from '../../ui/page-header';
import { EmptyState, ErrorNotice, Loading } from '../../ui/states';
import type { Accrual, Page, Partner } from '../models';
import { PartnerBalances } from '../partners/partner-balances';
import { Section } from '../section';
import { usePartnerNames } from '../use-partner-names';
import { AccrualTable } from './accrual-table';

/**
 * `/console/ledger`: a partner's balances, then the accrual lines behind
 * them (or a customer's), newest first, each with the arithmetic that made it.
 */
export function LedgerPage(): ReactNode {
  const id = useId();
  const [partnerId, setPartnerId] = useState('');
  const [customer, setCustomer] = useState('');
  const [asked, setAsked] = useState<{ partnerId: string; customer: string }>({
    partnerId: '',
    customer: '',
  });
  const partners = useQuery({
    queryKey: ['partners', 'names-list'],
    queryFn: () =>
      call<Page<Partner>>(api.GET('/v1/partners', { params: { query: { limit: 500 } } })).then(
        (r) => r.data,
      ),
    staleTime: 60_000,
  });
  return (
    <>
      <PageHeader
        title="Ledger"
        lead="What partners earned, line by line: accruals, reversals and adjustments with how each was computed."
      />
      <form
        className="form-row console-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked({ partnerId, customer: customer.trim() });
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-partner`}>Partner</label>
          <select
            id={`${id}-partner`}
            value={partnerId}
            onChange={(e) => setPartnerId(e.target.value)}
          >
            <option value="">All partners</option>
            {(partners.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-customer`}>Customer id (optional)</label>
          <input
            id={`${id}-customer`}
            value={customer}
            onChange={(e) => setCustomer(e.target.value)}
          />
        </div>
        <button type="submit" className="primary">
          Show entries
        </button>
      </form>
      {asked.partnerId ? <PartnerBalances partnerId={asked.partnerId} /> : null}
      <Lines partnerId={asked.partnerId} customerId={asked.customer} />
      <p className="muted small">
        The API lists accrual lines and partner balances; ledger transactions and other accounts
        (program expense, payouts clearing) have no read endpoint yet.
      </p>
    </>
  );
}

function Lines({ partnerId, customerId }: { partnerId: string; customerId: string }) {
  const partnerName = usePartnerNames();
  const lines = useInfiniteQuery({
    queryKey: ['accruals', { partnerId, customerId }],
    queryFn: ({ pageParam }) =>
      call<Page<Accrual>>(
        api.GET('/v1/accruals', {
          params: {
            query: {
              limit: 25,
              before: pageParam,
              ...(partnerId ? { partner_id: partnerId } : {}),
              ...(customerId ? { customer_id: customerId } : {}),
            },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = lines.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <Section title="Accrual lines">
      {lines.isPending ? (
        <Loading label="Loading ledger lines…" />
      ) : lines.isError && rows.length === 0 ? (
        <ErrorNotice error={lines.error} retry={() => lines.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No lines match" />
      ) : (
        <>
          <AccrualTable
            accruals={rows}
            label="Accrual lines"
            showPartner={!partnerId}
            partnerName={partnerName}
          />
          {lines.hasNextPage ? (
            <button
              type="button"
              className="console-more"
              onClick={() => lines.fetchNextPage()}
              disabled={lines.isFetchingNextPage}
            >
              {lines.isFetchingNextPage ? 'Loading…' : 'Show older lines'}
            </button>
          ) : null}
        </>
      )}
    </Section>
  );
}
