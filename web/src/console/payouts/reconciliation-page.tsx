import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type ReactNode, useId, useState } from 'react';
import { api, call } from '../../api/client';
import type { Reconciliation } from '../../api/payouts';
import { DataTable } from '../../ui/data-table';
import { formatDateTime, formatMoney, humanize } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { useProgramName } from '../use-programs';

/**
 * `/console/payout-runs/reconciliation`: the ledger, the payout records and
 * (on request) the rails' confirmations tied together, every difference listed.
 */
export function ReconciliationPage(): ReactNode {
  const id = useId();
  const programName = useProgramName();
  const [checkRail, setCheckRail] = useState(false);
  const report = useQuery({
    queryKey: ['reconciliation', checkRail],
    queryFn: () =>
      call<Reconciliation>(
        api.GET('/v1/payouts/reconciliation', {
          params: { query: { check_rail: checkRail ? 'true' : 'false' } },
        }),
      ),
  });
  return (
    <>
      <p className="console-breadcrumb">
        <Link to="/console/payout-runs">Payout runs</Link>
      </p>
      <PageHeader
        title="Reconciliation"
        lead="What the ledger holds against what the payout records say, per program and currency."
        actions={
          <button type="button" onClick={() => report.refetch()} disabled={report.isFetching}>
            {report.isFetching ? 'Checking…' : 'Check again'}
          </button>
        }
      />
      <label className="console-check" htmlFor={`${id}-rail`}>
        <input
          id={`${id}-rail`}
          type="checkbox"
          checked={checkRail}
          onChange={(e) => setCheckRail(e.target.checked)}
        />{' '}
        Also ask Stripe about each payout it made (slower)
      </label>
      <QueryView query={report} loading="Reconciling…">
        {(r) => (
          <>
            <div
              className={r.differences.length === 0 ? 'notice notice-ok' : 'notice notice-error'}
              role="status"
            >
              <p>
                {r.differences.length === 0
                  ? 'No differences: the ledger and the payout records agree.'
                  : `${r.differences.length} ${r.differences.length === 1 ? 'difference' : 'differences'} to look into.`}{' '}
                Checked {r.checked.payouts} payouts, {r.checked.accounts} accounts
                {r.checked.rail_lookups ? ` and ${r.checked.rail_lookups} rail lookups` : ''} at{' '}
                {formatDateTime(r.generated_at)}.
              </p>
            </div>
            <Section title="Totals">
              <DataTable
                label="Reconciliation totals"
                columns={[
                  'Program',
                  'Currency',
                  { label: 'In payment (ledger)', numeric: true },
                  { label: 'In payment (payouts)', numeric: true },
                  { label: 'Paid (ledger)', numeric: true },
                  { label: 'Paid (payouts)', numeric: true },
                ]}
              >
                {r.totals.map((t) => (
                  <tr key={`${t.program_id}-${t.currency}`}>
                    <th scope="row">{programName(t.program_id)}</th>
                    <td>{t.currency}</td>
                    <td className="num">{formatMoney(t.processing_ledger, t.currency)}</td>
                    <td className="num">{formatMoney(t.processing_payouts, t.currency)}</td>
                    <td className="num">{formatMoney(t.paid_ledger, t.currency)}</td>
                    <td className="num">{formatMoney(t.paid_payouts, t.currency)}</td>
                  </tr>
                ))}
              </DataTable>
            </Section>
            {r.differences.length > 0 ? (
              <Section title="Differences">
                <DataTable
                  label="Differences"
                  columns={['Kind', 'What', 'Expected', 'Found', 'Payout or partner']}
                >
                  {r.differences.map((d, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: differences have no id of their own
                    <tr key={i}>
                      <th scope="row">{humanize(d.kind)}</th>
                      <td>{d.detail}</td>
                      <td>{d.expected ?? '—'}</td>
                      <td>{d.actual ?? '—'}</td>
                      <td className="mono">{d.payout_id ?? d.partner_id ?? '—'}</td>
                    </tr>
                  ))}
                </DataTable>
              </Section>
            ) : null}
          </>
        )}
      </QueryView>
    </>
  );
}
