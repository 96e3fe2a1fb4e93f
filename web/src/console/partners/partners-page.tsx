import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { type ReactNode, useId, useState } from 'react';
import { api, call } from '../../api/client';
import { Badge } from '../../ui/badge';
import { formatDate, humanize } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { EmptyState, ErrorNotice, Loading } from '../../ui/states';
import { TableScroll } from '../../ui/table-scroll';
import { type Page, type Partner, type PartnerStatus, partnerStatuses } from '../models';
import { StatusNotice, type StatusResult } from '../status-notice';
import { useOperator } from '../use-operator';
import { statusLabels, statusTones } from './partner-status';
import { StatusActions } from './status-actions';

// A type, not an interface: the router needs it assignable to Record<string, unknown>.
export type PartnersSearch = {
  q?: string;
  status?: PartnerStatus;
  after?: string;
};

export function validatePartnersSearch(s: Record<string, unknown>): PartnersSearch {
  return {
    q: typeof s.q === 'string' && s.q ? s.q.slice(0, 200) : undefined,
    status: partnerStatuses.includes(s.status as PartnerStatus)
      ? (s.status as PartnerStatus)
      : undefined,
    after: typeof s.after === 'string' && s.after ? s.after : undefined,
  };
}

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
  const id = useId();
  const applied = useQuery({
    queryKey: ['partners', { status: 'applied', limit: 100 }],
    queryFn: () => listPartners({ status: 'applied', limit: 100 }),
  });
  return (
    <section className="section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Applications to review</h2>
      {applied.isPending ? (
        <Loading label="Loading applications…" />
      ) : applied.isError ? (
        <ErrorNotice error={applied.error} retry={() => applied.refetch()} />
      ) : applied.data.data.length === 0 ? (
        <EmptyState title="No applications waiting">
          <p>New partner applications appear here for approval.</p>
        </EmptyState>
      ) : (
        <>
          {canWrite ? null : (
            <p className="muted small">Your role can look at applications but not decide them.</p>
          )}
          <TableScroll label="Applications to review">
            <table>
              <thead>
                <tr>
                  <th scope="col">Partner</th>
                  <th scope="col">Email</th>
                  <th scope="col">Kinds</th>
                  <th scope="col">Applied</th>
                  {canWrite ? <th scope="col">Decision</th> : null}
                </tr>
              </thead>
              <tbody>
                {applied.data.data.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">
                      <Link to="/console/partners/$partnerId" params={{ partnerId: p.id }}>
                        {p.name}
                      </Link>
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
              </tbody>
            </table>
          </TableScroll>
          {applied.data.next_cursor ? (
            <p className="muted small">
              Showing the first 100 applications.{' '}
              <Link to="/console/partners" search={{ status: 'applied' }}>
                See them all
              </Link>
              .
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

function AllPartners() {
  const id = useId();
  const search = useSearch({ from: '/console/partners' });
  const partners = useQuery({
    queryKey: ['partners', { q: search.q, status: search.status, after: search.after }],
    queryFn: () =>
      listPartners({ q: search.q, status: search.status, after: search.after, limit: PAGE }),
    placeholderData: keepPreviousData,
  });
  const filtered = Boolean(search.q || search.status);

  return (
    <section className="section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>All partners</h2>
      <PartnerFilters key={`${search.q ?? ''}|${search.status ?? ''}`} search={search} />
      {partners.isPending ? (
        <Loading label="Loading partners…" />
      ) : partners.isError ? (
        <ErrorNotice error={partners.error} retry={() => partners.refetch()} />
      ) : partners.data.data.length === 0 ? (
        <EmptyState title={filtered ? 'No partner matches' : 'No partners yet'}>
          <p>
            {filtered
              ? 'Try another name, email or status.'
              : 'Partners appear here when they apply or are added through the API.'}
          </p>
        </EmptyState>
      ) : (
        <>
          <TableScroll label="Partners">
            <table>
              <thead>
                <tr>
                  <th scope="col">Partner</th>
                  <th scope="col">Email</th>
                  <th scope="col">Status</th>
                  <th scope="col">Kinds</th>
                  <th scope="col">Programs</th>
                  <th scope="col">Since</th>
                </tr>
              </thead>
              <tbody>
                {partners.data.data.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">
                      <Link to="/console/partners/$partnerId" params={{ partnerId: p.id }}>
                        {p.name}
                      </Link>
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
              </tbody>
            </table>
          </TableScroll>
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
            {partners.data.next_cursor ? (
              <Link
                to="/console/partners"
                search={{ ...search, after: partners.data.next_cursor }}
                className="button small"
              >
                Next page
              </Link>
            ) : null}
          </nav>
        </>
      )}
    </section>
  );
}

/** Search and status filter; keyed by the URL's values, so a link that changes them resets it. */
function PartnerFilters({ search }: { search: PartnersSearch }) {
  const id = useId();
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
        <div className="field">
          <label htmlFor={`${id}-q`}>Search by name or email</label>
          <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select
            id={`${id}-status`}
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
        </div>
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
