import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { ApiError, api, call } from '../api/client';
import { messageOf } from '../api/messages';
import type { TrackingCode, TrackingLink } from '../api/tracking';
import { Badge } from '../ui/badge';
import { CopyButton } from '../ui/copy-button';
import { DataTable } from '../ui/data-table';
import { Field } from '../ui/field';
import { FormCard } from '../ui/form-card';
import { formatDate, formatNumber } from '../ui/format';
import { PageHeader } from '../ui/page-header';
import { QueryView } from '../ui/query-view';
import { Section } from '../ui/section';
import { EmptyState } from '../ui/states';
import { usePartnerId } from './use-partner-id';
import { usePartnerPrograms } from './use-programs';

/** The public short address of a link: Tandem's redirect at /r/{code}. */
export function shortUrl(code: string): string {
  return `${window.location.origin}/r/${encodeURIComponent(code)}`;
}

type LinkField = 'destination' | 'code' | 'program';

/** Why a new link was refused, in words, and which field it concerns. */
function linkError(error: unknown): { field: LinkField | null; text: string } {
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
        break;
      case 'destination_not_allowed':
        return { field: 'destination', text: messageOf(error) };
      case 'code_taken':
        return { field: 'code', text: messageOf(error) };
      // Said for this form: the partner asked for a program it is not in.
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
  // The refusal is said once, above the fields; the field it concerns points to it.
  const about = (field: LinkField) =>
    problem?.field === field ? { invalid: true, describedBy: errorId } : {};

  if (programs.isSuccess && programs.data.length === 0) {
    return (
      <p className="muted">
        You are not enrolled in a program yet, so there is nothing to link to. Your program manager
        can enroll you.
      </p>
    );
  }

  return (
    <FormCard
      title="Create a link"
      onSubmit={() => {
        create.mutate();
      }}
    >
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
          <Field label="Program" {...about('program')}>
            {(control) => (
              <select {...control} value={chosen} onChange={(e) => setProgram(e.target.value)}>
                {programs.data?.map((p) => (
                  <option key={p.id} value={p.key}>
                    {p.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <Field
          label="Destination address"
          hint="The page visitors land on. Tracking parameters are added for you."
          style={{ flex: '2 1 18rem' }}
          {...about('destination')}
        >
          {(control) => (
            <input
              {...control}
              type="url"
              required
              placeholder="https://"
              value={destination}
              onChange={(e) => setDestination(e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Custom code (optional)"
          hint="Letters, digits, - and _; empty for a random one."
          style={{ flex: '1 1 10rem' }}
          {...about('code')}
        >
          {(control) => (
            <input
              {...control}
              value={code}
              pattern="[A-Za-z0-9_\-]{3,64}"
              onChange={(e) => setCode(e.target.value)}
            />
          )}
        </Field>
      </div>
      <button
        type="submit"
        className="primary"
        disabled={create.isPending || !chosen}
        style={{ marginTop: 'var(--space-3)' }}
      >
        {create.isPending ? 'Creating…' : 'Create link'}
      </button>
    </FormCard>
  );
}

/** A link or code to share, with a Copy button (or why it no longer works). */
function Copyable({ text, what, disabled }: { text: string; what: string; disabled: boolean }) {
  return (
    <span className="copyable">
      <code>{text}</code>
      {disabled ? (
        <Badge tone="danger">Disabled</Badge>
      ) : (
        <CopyButton text={text} label={`Copy ${what} ${text}`} />
      )}
    </span>
  );
}

function LinksTable({ links, names }: { links: TrackingLink[]; names: Record<string, string> }) {
  const withClicks = links.some((l) => typeof l.clicks === 'number');
  return (
    <DataTable
      label="Your links"
      className="stack-table"
      columns={[
        'Short link',
        'Destination',
        'Program',
        withClicks && { label: 'Clicks', numeric: true },
        'Created',
      ]}
    >
      {links.map((l) => (
        <tr key={l.id}>
          <td className="short-link">
            <Copyable text={shortUrl(l.code)} what="link" disabled={l.disabled_at !== null} />
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
    </DataTable>
  );
}

function CodesTable({ codes, names }: { codes: TrackingCode[]; names: Record<string, string> }) {
  return (
    <DataTable
      label="Your codes"
      className="stack-table"
      columns={['Code', 'Kind', 'Program', 'Created']}
    >
      {codes.map((c) => (
        <tr key={c.code}>
          <td>
            <Copyable text={c.code} what="code" disabled={c.disabled_at !== null} />
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
    </DataTable>
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
    queryFn: () =>
      call<{ data: TrackingLink[] }>(api.GET('/v1/partners/{id}/links', path)).then((r) => r.data),
  });
  const codes = useQuery({
    queryKey: ['portal', 'codes', partnerId],
    queryFn: () =>
      call<{ data: TrackingCode[] }>(api.GET('/v1/partners/{id}/codes', path)).then((r) => r.data),
  });

  return (
    <>
      <PageHeader
        title="Links & codes"
        lead="Share these: every visit, signup and sale they bring is credited to you."
      />
      <Section title="Tracking links">
        <QueryView
          query={links}
          loading="Loading your links…"
          empty={
            <EmptyState title="No links yet">
              <p>Create one below and share it wherever your audience is.</p>
            </EmptyState>
          }
        >
          {(list) => <LinksTable links={list} names={names} />}
        </QueryView>
        <div className="section">
          <NewLinkForm partnerId={partnerId} />
        </div>
      </Section>
      <Section title="Referral and coupon codes">
        <QueryView
          query={codes}
          loading="Loading your codes…"
          empty={
            <EmptyState title="No codes yet">
              <p>Your program manager creates referral and coupon codes for you.</p>
            </EmptyState>
          }
        >
          {(list) => <CodesTable codes={list} names={names} />}
        </QueryView>
      </Section>
    </>
  );
}
