import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { api, call } from '../../api/client';
import type { PayoutRun } from '../../api/payouts';
import { DataTable } from '../../ui/data-table';
import { formatDateTime, humanize } from '../../ui/format';
import { MoneyByCurrency } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
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
        <QueryView
          query={runs}
          loading="Loading payout runs…"
          empty={
            <EmptyState title="No payout runs yet">
              <p>Create the first run once a period has ended.</p>
            </EmptyState>
          }
        >
          {(list) => (
            <DataTable
              label="Payout runs"
              columns={[
                'Run',
                'Program',
                'Period',
                'Status',
                { label: 'Payouts', numeric: true },
                'Total',
                'Held back',
                'Created',
              ]}
            >
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
            </DataTable>
          )}
        </QueryView>
      </Section>
    </>
  );
}
