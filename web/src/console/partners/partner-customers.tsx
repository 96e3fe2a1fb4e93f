import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Attribution } from '../../api/partners';
import { DataTable } from '../../ui/data-table';
import { formatDateTime } from '../../ui/format';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { useProgramName } from '../use-programs';

/** Why a customer is this partner's, in the engine's words ("latest click within 90 days wins"). */
function reasonText(reason: unknown): string {
  if (typeof reason !== 'object' || reason === null) return '—';
  const r = reason as { rule?: unknown; credit?: { your_percent?: unknown; split?: unknown } };
  const parts: string[] = [];
  if (typeof r.rule === 'string') parts.push(r.rule);
  if (r.credit && typeof r.credit.your_percent === 'string')
    parts.push(`shares credit: ${r.credit.your_percent} (${String(r.credit.split)})`);
  return parts.join('; ') || '—';
}

/** Customers attributed to the partner (the latest 50) and why. */
export function PartnerCustomers({ partnerId }: { partnerId: string }) {
  const programName = useProgramName();
  const [all, setAll] = useState(false);
  const customers = useQuery({
    queryKey: ['partner', partnerId, 'customers'],
    queryFn: () =>
      call<{ data: Attribution[] }>(
        api.GET('/v1/partners/{id}/customers', {
          params: { path: { id: partnerId }, query: { limit: 50 } },
        }),
      ).then((r) => r.data),
  });
  return (
    <Section title="Customers">
      <QueryView
        query={customers}
        loading="Loading customers…"
        empty={<EmptyState title="No customers attributed yet" />}
      >
        {(list) => (
          <>
            <DataTable
              label="Attributed customers"
              columns={['Customer', 'Program', 'Attributed', 'Why']}
            >
              {(all ? list : list.slice(0, 10)).map((c) => (
                <tr key={`${c.program_id}-${c.customer_id}`}>
                  <th scope="row" className="mono">
                    {c.customer_id}
                  </th>
                  <td>{programName(c.program_id)}</td>
                  <td>{formatDateTime(c.attributed_at)}</td>
                  <td>{reasonText(c.reason)}</td>
                </tr>
              ))}
            </DataTable>
            {!all && list.length > 10 ? (
              <button type="button" className="more-button" onClick={() => setAll(true)}>
                Show {list.length === 50 ? 'the 50 most recent' : `all ${list.length}`} customers
              </button>
            ) : null}
            {all && list.length === 50 ? (
              <p className="muted small">The 50 most recent customers are shown.</p>
            ) : null}
          </>
        )}
      </QueryView>
    </Section>
  );
}
