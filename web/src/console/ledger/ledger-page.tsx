import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import type { Accrual } from '../../api/accruals';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import type { Partner } from '../../api/partners';
import { Field } from '../../ui/field';
import { PageHeader } from '../../ui/page-header';
import { PagedView } from '../../ui/paged-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { PartnerBalances } from '../partners/partner-balances';
import { usePartnerNames } from '../use-partner-names';
import { AccrualTable } from './accrual-table';

/**
 * `/console/ledger`: a partner's balances, then the accrual lines behind
 * them (or a customer's), newest first, each with the arithmetic that made it.
 */
export function LedgerPage(): ReactNode {
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
        <Field label="Partner">
          {(control) => (
            <select {...control} value={partnerId} onChange={(e) => setPartnerId(e.target.value)}>
              <option value="">All partners</option>
              {(partners.data ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Customer id (optional)">
          {(control) => (
            <input {...control} value={customer} onChange={(e) => setCustomer(e.target.value)} />
          )}
        </Field>
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
  return (
    <Section title="Accrual lines">
      <PagedView
        query={lines}
        loading="Loading ledger lines…"
        empty={<EmptyState title="No lines match" />}
        more="Show older lines"
      >
        {(rows) => (
          <AccrualTable
            accruals={rows}
            label="Accrual lines"
            showPartner={!partnerId}
            partnerName={partnerName}
          />
        )}
      </PagedView>
    </Section>
  );
}
