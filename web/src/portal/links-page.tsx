import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { ApiError, api, call } from '../api/client';
import { messageOf } from '../api/messages';
import { Badge } from '../ui/badge';
import { CopyButton } from '../ui/copy-button';
import { formatDate, formatNumber } from '../ui/format';
import { PageHeader } from '../ui/page-header';
import { EmptyState, ErrorNotice, Loading } from '../ui/states';
import { TableScroll } from '../ui/table-scroll';
import type { TrackingCode, TrackingLink } from './models';
import { usePartnerId } from './use-partner-id';
import { usePartnerPrograms } from './use-programs';

/** The public short address of a link: Tandem's redirect at /r/{code}. */
export function shortUrl(code: string): string {
  return `${window.location.origin}/r/${encodeURIComponent(code)}`;
}

/** Why a new link was refused, in words, and which field it concerns. */
function linkError(error: unknown): {
  field: 'destination' | 'code' | 'program' | null;
  text: string;
} {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'validation_failed':
        if (/destination/i.test(error.detail)) {
          return {
            field: 'destination',
            text: 'Enter a full web address starting with https:// (or http://), for example https://marketplace.example/sell.',
          };
        }
        if (/code/i.test(error.detail)) {
          return {
            field: 'code',
            text: 'A custom code is 3 to 64 letters, digits, dashes or underscores.',
          };
        }
        return { field: null, text: messageOf(error) };
      case 'destination_not_allowed':
        return {
          field: 'destination',
          text: 'Links may only point to the destinations your program allows. Use an address on the program’s own site.',
        };
      case 'code_taken':
        return {
          field: 'code',
          text: 'That code is already taken. Choose another or leave it empty.',
        };
      case 'program_not_found':
        return { field: 'program', text: 'You are not in this program, so you cannot link to it.' };
      case 'partner_not_approved':
        return {
          field: null,
          text: 'Your partner account is not approved, so you cannot create links yet.',
        };
    }
  }
  return { field: null, text: messageOf(error) };
}

function NewLinkForm({ partnerId }: { partnerId: string }) {
  const id = useId();
  const queryClient = useQueryClient();
  const programs = usePartnerPrograms(partnerId);
  const [program, setProgram] = useState('');
  const [destination, setDestination] = useState('');
  const [code, setCode] = useState('');
  const chosen = program || programs.data?.[0]?.key || '';
  const create = useMutation({
    mutationFn: () =>
      call<TrackingLink>(
        api.POST('/v1/partners/{id}/links', {
          params: { path: { id: partnerId } },
          body: {
            program: chosen,
            destination: destination.trim(),
            ...(code.trim() ? { code: code.trim() } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      setDestination('');
      setCode('');
      await queryClient.invalidateQueries({ queryKey: ['portal', 'links', partnerId] });
    },
  });
  const problem = create.isError ? linkError(create.error) : null;
  const errorId = `${id}-error`;

  if (programs.isSuccess && programs.data.length === 0) {
    return (
      <p className="muted">
        You are not enrolled in a program yet, so there is nothing to link to. Your program manager
        can enroll you.
      </p>
    );
  }

  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h3>Create a link</h3>
      {problem ? (
        <p id={errorId} className="notice notice-error" role="alert">
          {problem.text}
        </p>
      ) : null}
      {create.isSuccess ? (
        <p className="notice notice-ok" role="status">
          Link created: <code>{shortUrl(create.data.code)}</code>
        </p>
      ) : null}
      <div className="form-row align-top">
        {(programs.data?.length ?? 0) > 1 ? (
          <div className="field">
            <label htmlFor={`${id}-program`}>Program</label>
            <select
              id={`${id}-program`}
              value={chosen}
              onChange={(e) => setProgram(e.target.value)}
              aria-invalid={problem?.field === 'program'}
              aria-describedby={problem?.field === 'program' ? errorId : undefined}
            >
              {programs.data?.map((p) => (
                <option key={p.id} value={p.key}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="field" style={{ flex: '2 1 18rem' }}>
          <label htmlFor={`${id}-destination`}>Destination address</label>
          <input
            id={`${id}-destination`}
            type="url"
            required
            placeholder="https://"
            value={destination}
            onChange={(e) => setDestination(e.target.value)}
            aria-invalid={problem?.field === 'destination'}
            aria-describedby={`${id}-destination-hint${problem?.field === 'destination' ? ` ${errorId}` : ''}`}
          />
          <p id={`${id}-destination-hint`} className="field-hint">
            The page visitors land on. Tracking parameters are added for you.
          </p>
        </div>
        <div className="field" style={{ flex: '1 1 10rem' }}>
          <label htmlFor={`${id}-code`}>Custom code (optional)</label>
          <input
            id={`${id}-code`}
            value={code}
            pattern="[A-Za-z0-9_\-]{3,64}"
            onChange={(e) => setCode(e.target.value)}
            aria-invalid={problem?.field === 'code'}
            aria-describedby={`${id}-code-hint${problem?.field === 'code' ? ` ${errorId}` : ''}`}
          />
          <p id={`${id}-code-hint`} className="field-hint">
            Letters, digits, - and _; empty for a random one.
          </p>
        </div>
      </div>
      <button
        type="submit"
        className="primary"
        disabled={create.isPending || !chosen}
        style={{ marginTop: 'var(--space-3)' }}
      >
        {create.isPending ? 'Creating…' : 'Create link'}
      </button>
    </form>
  );
}

function LinksTable({ links, names }: { links: TrackingLink[]; names: Record<string, string> }) {
  const withClicks = links.some((l) => typeof l.clicks === 'number');
  return (
    <TableScroll label="Your links">
      <table className="stack-table">
        <thead>
          <tr>
            <th scope="col">Short link</th>
            <th scope="col">Destination</th>
            <th scope="col">Program</th>
            {withClicks ? (
              <th scope="col" className="num">
                Clicks
              </th>
            ) : null}
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {links.map((l) => (
            <tr key={l.id}>
              <td className="short-link">
                <span className="copyable">
                  <code>{shortUrl(l.code)}</code>
                  {l.disabled_at ? (
                    <Badge tone="danger">Disabled</Badge>
                  ) : (
                    <CopyButton text={shortUrl(l.code)} label={`Copy link ${shortUrl(l.code)}`} />
                  )}
                </span>
              </td>
              <td data-label="Destination" className="wrap-anywhere">
                {l.destination}
              </td>
              <td data-label="Program">{names[l.program] ?? l.program}</td>
              {withClicks ? (
                <td data-label="Clicks" className="num">
                  {formatNumber(l.clicks ?? 0)}
                </td>
              ) : null}
              <td data-label="Created" style={{ whiteSpace: 'nowrap' }}>
                {formatDate(l.created_at)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function CodesTable({ codes, names }: { codes: TrackingCode[]; names: Record<string, string> }) {
  return (
    <TableScroll label="Your codes">
      <table className="stack-table">
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Kind</th>
            <th scope="col">Program</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {codes.map((c) => (
            <tr key={c.code}>
              <td>
                <span className="copyable">
                  <code>{c.code}</code>
                  {c.disabled_at ? (
                    <Badge tone="danger">Disabled</Badge>
                  ) : (
                    <CopyButton text={c.code} label={`Copy code ${c.code}`} />
                  )}
                </span>
              </td>
              <td data-label="Kind">
                {c.kind === 'coupon'
                  ? 'Coupon (a discount your audience enters at checkout)'
                  : 'Referral code (entered at signup)'}
              </td>
              <td data-label="Program">{names[c.program] ?? c.program}</td>
              <td data-label="Created" style={{ whiteSpace: 'nowrap' }}>
                {formatDate(c.created_at)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** /portal/links: the partner's tracking links (and a form for a new one) and its codes. */
export function LinksPage() {
  const partnerId = usePartnerId();
  const path = { params: { path: { id: partnerId } } };
  const programs = usePartnerPrograms(partnerId);
  // Links and codes name their program by key.
  const names = Object.fromEntries((programs.data ?? []).map((p) => [p.key, p.name]));
  const links = useQuery({
    queryKey: ['portal', 'links', partnerId],
    queryFn: () => call<{ data: TrackingLink[] }>(api.GET('/v1/partners/{id}/links', path)),
  });
  const codes = useQuery({
    queryKey: ['portal', 'codes', partnerId],
    queryFn: () => call<{ data: TrackingCode[] }>(api.GET('/v1/partners/{id}/codes', path)),
  });

  return (
    <>
      <PageHeader
        title="Links & codes"
        lead="Share these: every visit, signup and sale they bring is credited to you."
      />
      <section className="section" aria-labelledby="links-heading">
        <h2 id="links-heading">Tracking links</h2>
        {links.isPending ? <Loading label="Loading your links…" /> : null}
        {links.isError ? <ErrorNotice error={links.error} retry={() => links.refetch()} /> : null}
        {links.data && links.data.data.length === 0 ? (
          <EmptyState title="No links yet">
            <p>Create one below and share it wherever your audience is.</p>
          </EmptyState>
        ) : null}
        {links.data && links.data.data.length > 0 ? (
          <LinksTable links={links.data.data} names={names} />
        ) : null}
        <div className="section">
          <NewLinkForm partnerId={partnerId} />
        </div>
      </section>
      <section className="section" aria-labelledby="codes-heading">
        <h2 id="codes-heading">Referral and coupon codes</h2>
        {codes.isPending ? <Loading label="Loading your codes…" /> : null}
        {codes.isError ? <ErrorNotice error={codes.error} retry={() => codes.refetch()} /> : null}
        {codes.data && codes.data.data.length === 0 ? (
          <EmptyState title="No codes yet">
            <p>Your program manager creates referral and coupon codes for you.</p>
          </EmptyState>
        ) : null}
        {codes.data && codes.data.data.length > 0 ? (
          <CodesTable codes={codes.data.data} names={names} />
        ) : null}
      </section>
    </>
  );
}
