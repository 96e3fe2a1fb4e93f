import { Link } from '@tanstack/react-router';
import { DataTable } from '../ui/data-table';
import { formatDate } from '../ui/format';
import { Money } from '../ui/money';
import { QueryView } from '../ui/query-view';
import { EmptyState } from '../ui/states';
import { AccrualStatus } from './accrual-status';
import { explainAccrual } from './explain-accrual';
import { useAccruals } from './use-accruals';
import { DASHBOARD_POLL_MS } from './use-dashboard';
import { programNames, usePartnerPrograms } from './use-programs';

/** The partner's latest ledger lines, each with its reason, kept live like the dashboard. */
export function RecentEarnings({ partnerId }: { partnerId: string }) {
  const accruals = useAccruals(partnerId, { limit: 8, pollMs: DASHBOARD_POLL_MS });
  const programs = usePartnerPrograms(partnerId);
  const names = programNames(programs.data);

  return (
    <QueryView query={accruals} loading="Loading your latest earnings…">
      {(page) =>
        page.data.length === 0 ? (
          <EmptyState title="No earnings yet">
            <p>
              Share your links and codes: each signup, activation or payment they bring earns you a
              reward, listed here within seconds.
            </p>
          </EmptyState>
        ) : (
          <>
            <DataTable
              label="Latest earnings"
              className="stack-table"
              columns={['Date', 'Why', { label: 'Amount', numeric: true }, 'Status']}
            >
              {page.data.map((a) => {
                const e = explainAccrual(a, names);
                return (
                  <tr key={a.id}>
                    <td data-label="Date" style={{ whiteSpace: 'nowrap' }}>
                      {formatDate(a.occurred_at)}
                    </td>
                    <td>
                      <strong>{e.label}</strong>: {e.sentence}
                    </td>
                    <td className="num" data-label="Amount">
                      <Money amount={a.amount} currency={a.currency} />
                    </td>
                    <td data-label="Status">
                      <AccrualStatus accrual={a} />
                    </td>
                  </tr>
                );
              })}
            </DataTable>
            <p style={{ marginTop: 'var(--space-2)' }}>
              <Link to="/portal/earnings">See all earnings</Link>
            </p>
          </>
        )
      }
    </QueryView>
  );
}
