import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import { type Partner, type PartnerStatus, partnerStatuses } from '../../api/partners';
import { Badge } from '../../ui/badge';
import { DataTable } from '../../ui/data-table';
import { Field } from '../../ui/field';
import { formatDate, humanize } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { StatusNotice, type StatusResult } from '../status-notice';
import { useOperator } from '../use-operator';
import { PartnerLink } from './partner-link';
import { statusLabels, statusTones } from './partner-status';
import type { PartnersSearch } from './partners-search';
import { StatusActions } from './status-actions';

const PAGE = 50;

function listPartners(q: { status?: PartnerStatus; q?: string; after?: string; limit: number }) {
  return call<Page<Partner>>(api.GET('/v1/partners', { params: { query: q } }));
}

/** `/console/partners`: the applications to review, then every partner, searchable. */
export function PartnersPage(): ReactNode {
  const { may } = useOperator();
  const [result, setResult] = useState<StatusResult | null>(null);
  return (
    <>
      <PageHeader title="Partners" lead="Review applications and find any partner." />
      <StatusNotice result={result} />
      <ApplicationsQueue canWrite={may('partners:write')} onResult={setResult} />
      <AllPartners />
    </>
  );
}

function ApplicationsQueue({
  canWrite,
  onResult,
}: {
  canWrite: boolean;
  onResult: (result: StatusResult) => void;
}) {
  const applied = useQuery({
    queryKey: ['partners', { status: 'applied', limit: 100 }],
    queryFn: () => listPartners({ status: 'applied', limit: 100 }),
  });
  return (
    <Section title="Applications to review">
      <QueryView query={applied} loading="Loading applications…">
        {(page) =>
          page.data.length === 0 ? (
            <EmptyState title="No applications waiting">
              <p>New partner applications appear here for approval.</p>
            </EmptyState>
          ) : (
            <>
              {canWrite ? null : (
                <p className="muted small">
                  Your role can look at applications but not decide them.
                </p>
              )}
              <DataTable
                label="Applications to review"
                columns={['Partner', 'Email', 'Kinds', 'Applied', canWrite && 'Decision']}
              >
                {page.data.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">
                      <PartnerLink id={p.id}>{p.name}</PartnerLink>
                    </th>
                    <td>{p.email ?? '—'}</td>
                    <td>{p.kinds.map(humanize).join(', ')}</td>
                    <td>{formatDate(p.created_at)}</td>
                    {canWrite ? (
                      <td>
                        <StatusActions partner={p} onResult={onResult} />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </DataTable>
              {page.next_cursor ? (
                <p className="muted small">
                  Showing the first 100 applications.{' '}
                  <Link to="/console/partners" search={{ status: 'applied' }}>
                    See them all
                  </Link>
                  .
                </p>
              ) : null}
            </>
          )
        }
      </QueryView>
    </Section>
  );
}

function AllPartners() {
  const search = useSearch({ from: '/console/partners' });
  const partners = useQuery({
    queryKey: ['partners', { q: search.q, status: search.status, after: search.after }],
    queryFn: () =>
      listPartners({ q: search.q, status: search.status, after: search.after, limit: PAGE }),
    placeholderData: keepPreviousData,
  });
  const filtered = Boolean(search.q || search.status);

  return (
    <Section title="All partners">
      <PartnerFilters key={`${search.q ?? ''}|${search.status ?? ''}`} search={search} />
      <QueryView query={partners} loading="Loading partners…">
        {(page) =>
          page.data.length === 0 ? (
            <EmptyState title={filtered ? 'No partner matches' : 'No partners yet'}>
              <p>
                {filtered
                  ? 'Try another name, email or status.'
                  : 'Partners appear here when they apply or are added through the API.'}
              </p>
            </EmptyState>
          ) : (
            <>
              <DataTable
                label="Partners"
                columns={['Partner', 'Email', 'Status', 'Kinds', 'Programs', 'Since']}
              >
                {page.data.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">
                      <PartnerLink id={p.id}>{p.name}</PartnerLink>
                    </th>
                    <td>{p.email ?? '—'}</td>
                    <td>
                      <Badge tone={statusTones[p.status]}>{statusLabels[p.status]}</Badge>
                    </td>
                    <td>{p.kinds.map(humanize).join(', ')}</td>
                    <td>{p.programs.join(', ') || '—'}</td>
                    <td className="console-nowrap">{formatDate(p.created_at)}</td>
                  </tr>
                ))}
              </DataTable>
              <nav className="actions console-pager" aria-label="Partner pages">
                {search.after ? (
                  <Link
                    to="/console/partners"
                    search={{ ...search, after: undefined }}
                    className="button small"
                  >
                    First page
                  </Link>
                ) : null}
                {page.next_cursor ? (
                  <Link
                    to="/console/partners"
                    search={{ ...search, after: page.next_cursor }}
                    className="button small"
                  >
                    Next page
                  </Link>
                ) : null}
              </nav>
            </>
          )
        }
      </QueryView>
    </Section>
  );
}

/** Search and status filter; keyed by the URL's values, so a link that changes them resets it. */
function PartnerFilters({ search }: { search: PartnersSearch }) {
  const navigate = useNavigate({ from: '/console/partners' });
  const [q, setQ] = useState(search.q ?? '');
  const [status, setStatus] = useState<PartnerStatus | ''>(search.status ?? '');
  const filtered = Boolean(search.q || search.status);
  return (
    <search aria-label="Find partners">
      <form
        className="form-row console-filters"
        onSubmit={(e) => {
          e.preventDefault();
          navigate({ search: { q: q.trim() || undefined, status: status || undefined } });
        }}
      >
        <Field label="Search by name or email">
          {(control) => (
            <input {...control} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
          )}
        </Field>
        <Field label="Status">
          {(control) => (
            <select
              {...control}
              value={status}
              onChange={(e) => setStatus(e.target.value as PartnerStatus | '')}
            >
              <option value="">All statuses</option>
              {partnerStatuses.map((s) => (
                <option key={s} value={s}>
                  {statusLabels[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="primary">
          Search
        </button>
        {filtered ? (
          <button type="button" onClick={() => navigate({ search: {} })}>
            Clear
          </button>
        ) : null}
      </form>
    </search>
  );
}
