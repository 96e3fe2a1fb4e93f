import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { api, call } from '../../api/client';
import { Badge } from '../../ui/badge';
import { formatDate, humanize } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { EmptyState } from '../../ui/states';
import { TableScroll } from '../../ui/table-scroll';
import type { Integration, Page, Submission } from '../models';
import { QueryView } from '../query-view';
import { Section } from '../section';
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
        {message ? (
          <div className="notice notice-ok">
            <p>{message}</p>
          </div>
        ) : null}
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
      <QueryView query={pending} loading="Loading the review queue…">
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="Nothing to review">
              <p>Milestones partners submit for review appear here, oldest first.</p>
            </EmptyState>
          ) : (
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
          )
        }
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
            <TableScroll label="Past reviews">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Integration</th>
                    <th scope="col">Partner</th>
                    <th scope="col">Milestone</th>
                    <th scope="col">Decision</th>
                    <th scope="col">Comment</th>
                    <th scope="col">Reviewed</th>
                  </tr>
                </thead>
                <tbody>
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
                      <td className="console-nowrap">
                        {formatDate(s.reviewed_at ?? s.submitted_at)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
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
    <TableScroll label="Integrations">
      <table>
        <thead>
          <tr>
            <th scope="col">Integration</th>
            <th scope="col">Partner</th>
            <th scope="col">Program</th>
            <th scope="col">Category</th>
            <th scope="col">Status</th>
            <th scope="col">Since</th>
          </tr>
        </thead>
        <tbody>
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
                <Link to="/console/partners/$partnerId" params={{ partnerId: i.partner_id }}>
                  {partnerName(i.partner_id)}
                </Link>
              </td>
              <td>{programName(i.program_id)}</td>
              <td>{i.category ? humanize(i.category) : '—'}</td>
              <td>{humanize(i.status)}</td>
              <td className="console-nowrap">{formatDate(i.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
