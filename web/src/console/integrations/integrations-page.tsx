import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { api, call } from '../../api/client';
import type { Integration, Submission } from '../../api/integrations';
import type { Page } from '../../api/models';
import { Badge } from '../../ui/badge';
import { DataTable } from '../../ui/data-table';
import { formatDate, humanize } from '../../ui/format';
import { Notice } from '../../ui/notice';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { PartnerLink } from '../partners/partner-link';
import { useOperator } from '../use-operator';
import { usePartnerNames } from '../use-partner-names';
import { useProgramName } from '../use-programs';
import { SubmissionReview } from './submission-review';

/** `/console/integrations`: milestone submissions to review, past reviews, every integration. */
export function IntegrationsPage(): ReactNode {
  const { may } = useOperator();
  const [message, setMessage] = useState<string | null>(null);
  const integrations = useQuery({
    queryKey: ['integrations'],
    queryFn: () =>
      call<Page<Integration>>(api.GET('/v1/integrations', { params: { query: { limit: 500 } } })),
  });
  const names = new Map((integrations.data?.data ?? []).map((i) => [i.id, i.name]));
  return (
    <>
      <PageHeader
        title="Integrations"
        lead="Review the milestones partners submit for their integrations, and see every integration."
      />
      <div role="status" aria-live="polite">
        {message ? <Notice tone="ok">{message}</Notice> : null}
      </div>
      <Queue
        canWrite={may('integrations:write')}
        integrationName={(id) => names.get(id) ?? id}
        onReviewed={setMessage}
      />
      <Past integrationName={(id) => names.get(id) ?? id} />
      <Section title="All integrations">
        <QueryView query={integrations} loading="Loading integrations…">
          {(page) => <IntegrationTable list={page.data} />}
        </QueryView>
      </Section>
    </>
  );
}

function useSubmissions(status: 'pending' | 'approved' | 'rejected' | undefined) {
  return useQuery({
    queryKey: ['integration-submissions', status ?? 'all'],
    queryFn: () =>
      call<{ data: Submission[] }>(
        api.GET('/v1/integration-submissions', {
          params: { query: { ...(status ? { status } : {}), limit: 100 } },
        }),
      ).then((r) => r.data),
  });
}

function Queue({
  canWrite,
  integrationName,
  onReviewed,
}: {
  canWrite: boolean;
  integrationName: (id: string) => string;
  onReviewed: (message: string) => void;
}) {
  const partnerName = usePartnerNames();
  const pending = useSubmissions('pending');
  return (
    <Section title="Submissions to review">
      <QueryView
        query={pending}
        loading="Loading the review queue…"
        empty={
          <EmptyState title="Nothing to review">
            <p>Milestones partners submit for review appear here, oldest first.</p>
          </EmptyState>
        }
      >
        {(list) => (
          <div className="grid">
            {list.map((s) => (
              <SubmissionReview
                key={s.id}
                submission={s}
                integrationName={integrationName(s.integration_id)}
                partnerName={partnerName(s.partner_id)}
                canWrite={canWrite}
                onReviewed={onReviewed}
              />
            ))}
          </div>
        )}
      </QueryView>
    </Section>
  );
}

function Past({ integrationName }: { integrationName: (id: string) => string }) {
  const partnerName = usePartnerNames();
  const all = useSubmissions(undefined);
  return (
    <Section title="Past reviews">
      <QueryView query={all} loading="Loading reviews…">
        {(list) => {
          const done = list.filter((s) => s.status !== 'pending');
          return done.length === 0 ? (
            <EmptyState title="No reviews yet" />
          ) : (
            <DataTable
              label="Past reviews"
              columns={['Integration', 'Partner', 'Milestone', 'Decision', 'Comment', 'Reviewed']}
            >
              {done.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{integrationName(s.integration_id)}</th>
                  <td>{partnerName(s.partner_id)}</td>
                  <td>{humanize(s.milestone)}</td>
                  <td>
                    {s.status === 'approved' ? (
                      <Badge tone="ok">Approved</Badge>
                    ) : (
                      <Badge tone="danger">Rejected</Badge>
                    )}
                  </td>
                  <td>{s.comment ?? '—'}</td>
                  <td className="console-nowrap">{formatDate(s.reviewed_at ?? s.submitted_at)}</td>
                </tr>
              ))}
            </DataTable>
          );
        }}
      </QueryView>
    </Section>
  );
}

function IntegrationTable({ list }: { list: Integration[] }) {
  const partnerName = usePartnerNames();
  const programName = useProgramName();
  if (list.length === 0) return <EmptyState title="No integrations yet" />;
  return (
    <DataTable
      label="Integrations"
      columns={['Integration', 'Partner', 'Program', 'Category', 'Status', 'Since']}
    >
      {list.map((i) => (
        <tr key={i.id}>
          <th scope="row">
            {i.listing_url ? (
              <a href={i.listing_url} rel="noreferrer noopener" target="_blank">
                {i.name}
              </a>
            ) : (
              i.name
            )}
          </th>
          <td>
            <PartnerLink id={i.partner_id}>{partnerName(i.partner_id)}</PartnerLink>
          </td>
          <td>{programName(i.program_id)}</td>
          <td>{i.category ? humanize(i.category) : '—'}</td>
          <td>{humanize(i.status)}</td>
          <td className="console-nowrap">{formatDate(i.created_at)}</td>
        </tr>
      ))}
    </DataTable>
  );
}
