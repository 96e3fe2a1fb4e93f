import { useQuery } from '@tanstack/react-query';
import { ApiError, api, call } from '../../api/client';
import type { Customer } from '../../api/partners';
import { DataTable } from '../../ui/data-table';
import { formatDateTime, formatNumber } from '../../ui/format';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { PartnerLink } from '../partners/partner-link';
import { usePartnerNames } from '../use-partner-names';
import { useProgramName } from '../use-programs';

/** The customer the explorer is narrowed to: how many events, and who it is attributed to and why. */
export function CustomerSummary({ customerId }: { customerId: string }) {
  const programName = useProgramName();
  const partnerName = usePartnerNames();
  const customer = useQuery({
    queryKey: ['customer', customerId],
    retry: false,
    queryFn: async (): Promise<Customer | null> => {
      try {
        return await call<Customer>(
          api.GET('/v1/customers/{customerId}', { params: { path: { customerId } } }),
        );
      } catch (e) {
        if (e instanceof ApiError && e.code === 'customer_not_found') return null;
        throw e;
      }
    },
  });
  return (
    <Section title={`Customer ${customerId}`}>
      <QueryView query={customer} loading="Looking up the customer…">
        {(c) =>
          c === null ? (
            <EmptyState title={`No customer ${customerId}`}>
              <p>Check the id: it is the customer id the marketplace sends with its events.</p>
            </EmptyState>
          ) : (
            <>
              <p>
                {formatNumber(c.events)} {c.events === 1 ? 'event' : 'events'} in all.{' '}
                {c.attributions.length === 0 ? 'Not attributed to any partner.' : null}
              </p>
              {c.attributions.length > 0 ? (
                <DataTable label="Attributions" columns={['Program', 'Partner', 'Since', 'Why']}>
                  {c.attributions.map((a) => (
                    <tr key={a.program_id}>
                      <th scope="row">{programName(a.program_id)}</th>
                      <td>
                        <PartnerLink id={a.partner_id}>{partnerName(a.partner_id)}</PartnerLink>
                      </td>
                      <td className="console-nowrap">{formatDateTime(a.attributed_at)}</td>
                      <td>{ruleOf(a.reason)}</td>
                    </tr>
                  ))}
                </DataTable>
              ) : null}
            </>
          )
        }
      </QueryView>
    </Section>
  );
}

function ruleOf(reason: unknown): string {
  if (typeof reason === 'object' && reason !== null && 'rule' in reason) {
    const rule = (reason as { rule: unknown }).rule;
    if (typeof rule === 'string') return rule;
  }
  return '—';
}
