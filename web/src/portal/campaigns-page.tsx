import { useQuery } from '@tanstack/react-query';
import type { CalendarItem, Campaign, MdfRequest } from '../api/campaigns';
import { api, call } from '../api/client';
import { Badge, type Tone } from '../ui/badge';
import { DataTable } from '../ui/data-table';
import { formatDate, humanize } from '../ui/format';
import { Money } from '../ui/money';
import { PageHeader } from '../ui/page-header';
import { QueryFallback } from '../ui/query-view';
import { Section } from '../ui/section';
import { EmptyState } from '../ui/states';
import { CampaignResults } from './campaign-results';
import { ClaimFundsForm, RequestFundsForm } from './mdf-forms';
import { ProposeCampaignForm } from './propose-campaign-form';

const kindWords: Record<string, string> = {
  campaign: 'Campaign',
  accelerator: 'Accelerator',
  program_version: 'New terms',
  payout: 'Payout',
};

const kindTone: Record<string, Tone> = {
  campaign: 'info',
  accelerator: 'ok',
  program_version: 'warn',
  payout: 'neutral',
};

function dateSpan(item: { starts_at: string; ends_at: string; all_day?: boolean }): string {
  const start = formatDate(item.starts_at);
  // An all-day item ends at the start of the next day: it is one day long.
  const days = (Date.parse(item.ends_at) - Date.parse(item.starts_at)) / 86_400_000;
  if (item.all_day && days <= 1) return start;
  const end = formatDate(item.ends_at);
  return start === end ? start : `${start} – ${end}`;
}

function Calendar() {
  const calendar = useQuery({
    queryKey: ['portal', 'calendar'],
    queryFn: () => call<{ data: CalendarItem[] }>(api.GET('/v1/calendar')).then((r) => r.data),
  });
  if (!calendar.isSuccess) {
    return <QueryFallback query={calendar} loading="Loading the calendar…" />;
  }
  const now = Date.now();
  const items = calendar.data
    .filter((i) => Date.parse(i.ends_at) >= now)
    .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
  if (items.length === 0) {
    return (
      <EmptyState title="Nothing scheduled">Nothing is planned for the coming months.</EmptyState>
    );
  }
  return (
    <ul className="calendar-list">
      {items.map((i) => (
        <li key={`${i.kind}-${i.id}`}>
          <span className="calendar-date">{dateSpan(i)}</span>
          <span>
            <Badge tone={kindTone[i.kind] ?? 'neutral'}>
              {kindWords[i.kind] ?? humanize(i.kind)}
            </Badge>{' '}
            {i.title}
            {i.status !== 'confirmed' ? (
              <span className="muted"> ({humanize(i.status)})</span>
            ) : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

function Campaigns() {
  const campaigns = useQuery({
    queryKey: ['portal', 'campaigns'],
    queryFn: () => call<{ data: Campaign[] }>(api.GET('/v1/campaigns')).then((r) => r.data),
  });
  if (!campaigns.isSuccess) {
    return <QueryFallback query={campaigns} loading="Loading your campaigns…" />;
  }
  if (campaigns.data.length === 0) {
    return (
      <EmptyState title="No campaigns yet">
        <p>Co-marketing campaigns you run with the marketplace appear here.</p>
      </EmptyState>
    );
  }
  return (
    <DataTable
      label="Your campaigns"
      className="stack-table"
      columns={['Campaign', 'When', 'Status', 'Assets']}
    >
      {campaigns.data.map((c) => (
        <tr key={c.id}>
          <td>
            <strong>{c.name}</strong>
            {c.goal ? <div className="small muted">{c.goal}</div> : null}
          </td>
          <td data-label="When" style={{ whiteSpace: 'nowrap' }}>
            {dateSpan(c)}
          </td>
          <td data-label="Status">
            <Badge>{humanize(c.status)}</Badge>
          </td>
          <td data-label="Assets">
            {c.assets.length === 0
              ? '—'
              : c.assets.map((a) => (
                  <div key={a.url}>
                    <a href={a.url} target="_blank" rel="noopener noreferrer">
                      {a.label}
                    </a>
                  </div>
                ))}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function MdfRequests() {
  const requests = useQuery({
    queryKey: ['portal', 'mdf-requests'],
    queryFn: () => call<{ data: MdfRequest[] }>(api.GET('/v1/mdf/requests')).then((r) => r.data),
  });
  if (!requests.isSuccess) {
    return <QueryFallback query={requests} loading="Loading your fund requests…" />;
  }
  if (requests.data.length === 0) {
    return (
      <EmptyState title="No fund requests">
        <p>Requests for market development funds for your campaigns appear here.</p>
      </EmptyState>
    );
  }
  return (
    <DataTable
      label="Market development fund requests"
      className="stack-table"
      columns={[
        'Request',
        { label: 'Requested', numeric: true },
        { label: 'Approved', numeric: true },
        { label: 'Reimbursed', numeric: true },
        'Status',
      ]}
    >
      {requests.data.map((r) => (
        <tr key={r.id}>
          <td>
            {r.description}
            {r.claim_deadline ? (
              <div className="small muted">Claim by {formatDate(r.claim_deadline)}</div>
            ) : null}
            {r.decision_note ? <div className="small muted">{r.decision_note}</div> : null}
          </td>
          <td data-label="Requested" className="num">
            <Money amount={r.requested} currency={r.currency} />
          </td>
          <td data-label="Approved" className="num">
            {r.approved ? <Money amount={r.approved} currency={r.currency} /> : '—'}
          </td>
          <td data-label="Reimbursed" className="num">
            {r.reimbursed ? <Money amount={r.reimbursed} currency={r.currency} /> : '—'}
          </td>
          <td data-label="Status">
            <Badge>{humanize(r.status)}</Badge>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function ResultsOfMine() {
  const campaigns = useQuery({
    queryKey: ['portal', 'campaigns'],
    queryFn: () => call<{ data: Campaign[] }>(api.GET('/v1/campaigns')).then((r) => r.data),
  });
  if (!campaigns.isSuccess)
    return <QueryFallback query={campaigns} loading="Loading your campaigns…" />;
  return <CampaignResults campaigns={campaigns.data} />;
}

/** Asking for funds for a campaign, and claiming the ones approved with proof. */
function FundForms() {
  const campaigns = useQuery({
    queryKey: ['portal', 'campaigns'],
    queryFn: () => call<{ data: Campaign[] }>(api.GET('/v1/campaigns')).then((r) => r.data),
  });
  const requests = useQuery({
    queryKey: ['portal', 'mdf-requests'],
    queryFn: () => call<{ data: MdfRequest[] }>(api.GET('/v1/mdf/requests')).then((r) => r.data),
  });
  return (
    <>
      {(requests.data ?? [])
        .filter((r) => r.status === 'approved')
        .map((r) => (
          <ClaimFundsForm key={r.id} request={r} />
        ))}
      {campaigns.isSuccess ? <RequestFundsForm campaigns={campaigns.data} /> : null}
    </>
  );
}

/** /portal/campaigns: the shared calendar, the partner's campaigns and its fund requests. */
export function CampaignsPage() {
  return (
    <>
      <PageHeader
        title="Campaigns"
        lead="What is coming up: campaigns, accelerators, new terms and payout dates."
      />
      <Section title="Calendar">
        <Calendar />
      </Section>
      <Section title="Your campaigns">
        <Campaigns />
        <ProposeCampaignForm />
      </Section>
      <Section title="Results">
        <ResultsOfMine />
      </Section>
      <Section title="Market development funds">
        <MdfRequests />
        <FundForms />
      </Section>
    </>
  );
}
