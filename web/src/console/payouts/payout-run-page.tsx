import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import type { Payout, PayoutHold, PayoutRun } from '../../api/payouts';
import { DataTable } from '../../ui/data-table';
import { formatDateTime, humanize } from '../../ui/format';
import { Money } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { PagedView } from '../../ui/paged-view';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { PartnerLink } from '../partners/partner-link';
import { useOperator } from '../use-operator';
import { usePartnerNames } from '../use-partner-names';
import { useProgramName } from '../use-programs';
import { PayoutOutcomeForm } from './payout-outcome-form';
import { PayoutStatusBadge } from './payout-status';
import { PayoutTable } from './payout-table';
import { ResultsImport } from './results-import';
import { RunActions } from './run-actions';
import { RunFiles } from './run-files';

/** `/console/payout-runs/$runId`: review a run, approve, send, download, record results. */
export function PayoutRunPage(): ReactNode {
  const { runId } = useParams({ from: '/console/payout-runs/$runId' });
  const run = useQuery({
    queryKey: ['payout-run', runId],
    queryFn: () =>
      call<PayoutRun>(api.GET('/v1/payout-runs/{id}', { params: { path: { id: runId } } })),
  });
  return (
    <>
      <p className="console-breadcrumb">
        <Link to="/console/payout-runs">Payout runs</Link>
      </p>
      <QueryView query={run} loading="Loading the run…">
        {(r) => <RunBody run={r} />}
      </QueryView>
    </>
  );
}

function RunBody({ run }: { run: PayoutRun }) {
  const { may } = useOperator();
  const programName = useProgramName();
  const sent = run.status === 'sent' || run.status === 'settled' || run.status === 'sending';
  return (
    <>
      <PageHeader
        title={`Payout run ${run.period}`}
        lead={
          <>
            {programName(run.program_id)} · <PayoutStatusBadge status={run.status} />
          </>
        }
      />
      <div className="grid">
        <div className="card">
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <PayoutStatusBadge status={run.status} />
            </dd>
            <dt>Approval</dt>
            <dd>
              {run.requires_approval ? 'Two people (four eyes)' : 'Approved when created'}
              {run.approved_by ? `; approved by ${run.approved_by}` : ''}
            </dd>
            <dt>Created</dt>
            <dd>
              {formatDateTime(run.created_at)} by {run.created_by}
            </dd>
            <dt>Payouts</dt>
            <dd>
              {run.payouts}
              {Object.keys(run.statuses).length
                ? ` (${Object.entries(run.statuses)
                    .map(([s, n]) => `${n} ${humanize(s).toLowerCase()}`)
                    .join(', ')})`
                : ''}
            </dd>
            <dt>Run id</dt>
            <dd className="mono">{run.id}</dd>
          </dl>
        </div>
        <RunActions run={run} />
      </div>
      <Section title="Totals">
        {run.totals.length === 0 ? (
          <EmptyState title="This run pays nobody" />
        ) : (
          <DataTable
            label="Totals per currency"
            columns={[
              'Currency',
              { label: 'Payouts', numeric: true },
              { label: 'Amount', numeric: true },
            ]}
          >
            {run.totals.map((t) => (
              <tr key={t.currency}>
                <th scope="row">{t.currency}</th>
                <td className="num">{t.count}</td>
                <td className="num">
                  <Money amount={t.amount} currency={t.currency} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>
      <RunPayouts runId={run.id} />
      <RunHolds runId={run.id} />
      {sent && may('payouts:write') ? (
        <>
          <RunFiles runId={run.id} />
          <ResultsImport runId={run.id} />
          <PayoutOutcomeForm runId={run.id} />
        </>
      ) : null}
    </>
  );
}

function RunPayouts({ runId }: { runId: string }) {
  const partnerName = usePartnerNames();
  const payouts = useInfiniteQuery({
    queryKey: ['payout-run', runId, 'payouts'],
    queryFn: ({ pageParam }) =>
      call<Page<Payout>>(
        api.GET('/v1/payouts', {
          params: { query: { run_id: runId, limit: 100, after: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  return (
    <Section title="Payouts">
      <PagedView
        query={payouts}
        loading="Loading payouts…"
        empty={<EmptyState title="No payouts in this run" />}
        more="Show more payouts"
      >
        {(rows) => (
          <PayoutTable payouts={rows} label="Payouts of this run" partnerName={partnerName} />
        )}
      </PagedView>
    </Section>
  );
}

function RunHolds({ runId }: { runId: string }) {
  const partnerName = usePartnerNames();
  const holds = useQuery({
    queryKey: ['payout-run', runId, 'holds'],
    queryFn: () =>
      call<{ data: PayoutHold[] }>(
        api.GET('/v1/payout-runs/{id}/holds', { params: { path: { id: runId } } }),
      ).then((r) => r.data),
  });
  return (
    <Section title="Held back">
      <p className="muted small">
        These partners have a balance this run did not pay; it carries forward to the next run.
      </p>
      <QueryView
        query={holds}
        loading="Loading holds…"
        empty={<EmptyState title="Nobody was held back" />}
      >
        {(list) => (
          <DataTable label="Partners held back" columns={['Partner', 'Reason', 'Detail']}>
            {list.map((h) => (
              <tr key={h.partner_id}>
                <th scope="row">
                  <PartnerLink id={h.partner_id}>{partnerName(h.partner_id)}</PartnerLink>
                </th>
                <td>{humanize(h.reason)}</td>
                <td>{h.detail ?? '—'}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
    </Section>
  );
}
