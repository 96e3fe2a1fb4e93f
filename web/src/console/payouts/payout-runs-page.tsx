import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { api, call } from '../../api/client';
import { formatDateTime, humanize } from '../../ui/format';
import { MoneyByCurrency } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { EmptyState } from '../../ui/states';
import { TableScroll } from '../../ui/table-scroll';
import type { PayoutRun } from '../models';
import { QueryView } from '../query-view';
import { Section } from '../section';
import { useOperator } from '../use-operator';
import { useProgramName, usePrograms } from '../use-programs';
import { CreateRunForm } from './create-run-form';
import { PayoutStatusBadge } from './payout-status';

function totalsOf(run: PayoutRun): Record<string, string> {
  return Object.fromEntries(run.totals.map((t) => [t.currency, t.amount]));
}

/** `/console/payout-runs`: create a run, and every run with its state. */
export function PayoutRunsPage(): ReactNode {
  const { may } = useOperator();
  const programs = usePrograms();
  const programName = useProgramName();
  const runs = useQuery({
    queryKey: ['payout-runs'],
    queryFn: () =>
      call<{ data: PayoutRun[] }>(
        api.GET('/v1/payout-runs', { params: { query: { limit: 100 } } }),
      ).then((r) => r.data),
  });
  return (
    <>
      <PageHeader
        title="Payout runs"
        lead="A run pays each partner's available balance for a period: create, approve, send, then record the results."
        actions={
          <Link to="/console/payout-runs/reconciliation" className="button">
            Reconciliation
          </Link>
        }
      />
      {may('payouts:write') && programs.data && programs.data.length > 0 ? (
        <CreateRunForm programs={programs.data} />
      ) : null}
      <Section title="All runs">
        <QueryView query={runs} loading="Loading payout runs…">
          {(list) =>
            list.length === 0 ? (
              <EmptyState title="No payout runs yet">
                <p>Create the first run once a period has ended.</p>
              </EmptyState>
            ) : (
              <TableScroll label="Payout runs">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Run</th>
                      <th scope="col">Program</th>
                      <th scope="col">Period</th>
                      <th scope="col">Status</th>
                      <th scope="col" className="num">
                        Payouts
                      </th>
                      <th scope="col">Total</th>
                      <th scope="col">Held back</th>
                      <th scope="col">Created</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((r) => (
                      <tr key={r.id}>
                        <th scope="row" className="console-nowrap">
                          <Link to="/console/payout-runs/$runId" params={{ runId: r.id }}>
                            {r.period} run
                          </Link>
                        </th>
                        <td>{programName(r.program_id)}</td>
                        <td className="console-nowrap">{r.period}</td>
                        <td>
                          <PayoutStatusBadge status={r.status} />
                        </td>
                        <td className="num">{r.payouts}</td>
                        <td>
                          <MoneyByCurrency amounts={totalsOf(r)} />
                        </td>
                        <td className="console-wrap">
                          {Object.entries(r.held)
                            .map(([reason, n]) => `${n} ${humanize(reason).toLowerCase()}`)
                            .join(', ') || '—'}
                        </td>
                        <td>{formatDateTime(r.created_at)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )
          }
        </QueryView>
      </Section>
    </>
  );
}
