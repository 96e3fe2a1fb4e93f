import { Link } from '@tanstack/react-router';
import { formatDate } from '../ui/format';
import { Money } from '../ui/money';
import { EmptyState, ErrorNotice, Loading } from '../ui/states';
import { TableScroll } from '../ui/table-scroll';
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

  if (accruals.isPending) return <Loading label="Loading your latest earnings…" />;
  if (accruals.isError) {
    return <ErrorNotice error={accruals.error} retry={() => accruals.refetch()} />;
  }
  if (accruals.data.data.length === 0) {
    return (
      <EmptyState title="No earnings yet">
        <p>
          Share your links and codes: each signup, activation or payment they bring earns you a
          reward, listed here within seconds.
        </p>
      </EmptyState>
    );
  }
  return (
    <>
      <TableScroll label="Latest earnings">
        <table className="stack-table">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Why</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {accruals.data.data.map((a) => {
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
          </tbody>
        </table>
      </TableScroll>
      <p style={{ marginTop: 'var(--space-2)' }}>
        <Link to="/portal/earnings">See all earnings</Link>
      </p>
    </>
  );
}
