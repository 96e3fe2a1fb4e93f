import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import type { CalendarItem, Campaign, MdfPool } from '../../api/campaigns';
import { api, call } from '../../api/client';
import { Badge, type Tone } from '../../ui/badge';
import { DataTable } from '../../ui/data-table';
import { formatDate, formatDateTime, formatMoney, humanize } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { PartnerLink } from '../partners/partner-link';
import { StatusNotice, type StatusResult } from '../status-notice';
import { useOperator } from '../use-operator';
import { usePartnerNames } from '../use-partner-names';
import { useProgramName } from '../use-programs';
import { CampaignActions } from './campaign-actions';
import { CampaignReportPanel } from './campaign-report';
import { MdfRequests } from './mdf-requests';

const campaignTones: Record<string, Tone> = {
  proposed: 'info',
  approved: 'info',
  live: 'ok',
  completed: 'neutral',
  reported: 'neutral',
  rejected: 'danger',
  cancelled: 'neutral',
};

/** `/console/campaigns`: co-marketing campaigns, MDF pools and requests, the calendar. */
export function CampaignsPage(): ReactNode {
  return (
    <>
      <PageHeader
        title="Campaigns & MDF"
        lead="Co-marketing campaigns, market development funds to decide and reimburse, and what is coming up."
      />
      <MdfRequests />
      <Campaigns />
      <Reports />
      <Pools />
      <Calendar />
    </>
  );
}

function Campaigns() {
  const partnerName = usePartnerNames();
  const { may } = useOperator();
  const [result, setResult] = useState<StatusResult | null>(null);
  const campaigns = useQuery({
    queryKey: ['campaigns'],
    queryFn: () => call<{ data: Campaign[] }>(api.GET('/v1/campaigns')).then((r) => r.data),
  });
  return (
    <Section title="Campaigns">
      <StatusNotice result={result} />
      <QueryView
        query={campaigns}
        loading="Loading campaigns…"
        empty={<EmptyState title="No campaigns yet" />}
      >
        {(list) => (
          <DataTable
            label="Campaigns"
            columns={[
              'Campaign',
              'Status',
              'Runs',
              'Partners',
              { label: 'Cost', numeric: true },
              may('campaigns:write') && 'Next step',
            ]}
          >
            {list.map((c) => (
              <tr key={c.id}>
                <th scope="row">
                  {c.name} <span className="muted small mono">{c.code}</span>
                </th>
                <td>
                  <Badge tone={campaignTones[c.status] ?? 'neutral'}>{humanize(c.status)}</Badge>
                </td>
                <td className="console-nowrap">
                  {formatDate(c.starts_at)} – {formatDate(c.ends_at)}
                </td>
                <td>
                  {c.partners.map((p, i) => (
                    <span key={p.partner_id}>
                      {i > 0 ? ', ' : ''}
                      <PartnerLink id={p.partner_id}>{partnerName(p.partner_id)}</PartnerLink>
                      {p.role === 'lead' ? ' (lead)' : ''}
                    </span>
                  ))}
                </td>
                <td className="num">{c.cost ? formatMoney(c.cost, c.currency) : '—'}</td>
                {may('campaigns:write') ? (
                  <td>
                    <CampaignActions campaign={c} onResult={setResult} />
                  </td>
                ) : null}
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
    </Section>
  );
}

/** Each campaign that has run, with its report in a disclosure. */
function Reports() {
  const campaigns = useQuery({
    queryKey: ['campaigns'],
    queryFn: () => call<{ data: Campaign[] }>(api.GET('/v1/campaigns')).then((r) => r.data),
  });
  return (
    <Section title="Campaign reports">
      <QueryView
        query={campaigns}
        loading="Loading campaigns…"
        empty={<EmptyState title="No campaigns yet" />}
      >
        {(list) => {
          const ran = list.filter((c) => ['live', 'completed', 'reported'].includes(c.status));
          if (ran.length === 0)
            return <p className="muted">Reports appear here once a campaign goes live.</p>;
          return ran.map((c) => (
            <details key={c.id} className="card">
              <summary>Report of {c.name}</summary>
              <CampaignReportPanel campaign={c} />
            </details>
          ));
        }}
      </QueryView>
    </Section>
  );
}

function Pools() {
  const programName = useProgramName();
  const pools = useQuery({
    queryKey: ['mdf-pools'],
    queryFn: () => call<{ data: MdfPool[] }>(api.GET('/v1/mdf/pools')).then((r) => r.data),
  });
  return (
    <Section title="MDF pools">
      <QueryView query={pools} loading="Loading pools…" empty={<EmptyState title="No MDF pools" />}>
        {(list) => (
          <DataTable
            label="MDF pools"
            columns={[
              'Quarter',
              'Program',
              'For',
              { label: 'Budget', numeric: true },
              { label: 'Committed', numeric: true },
              { label: 'Reimbursed', numeric: true },
              { label: 'Remaining', numeric: true },
            ]}
          >
            {list.map((p) => (
              <tr key={p.id}>
                <th scope="row">{p.quarter}</th>
                <td>{programName(p.program_id)}</td>
                <td>
                  {p.scope === 'program'
                    ? 'Every partner'
                    : p.tier_id
                      ? `Tier ${p.tier_id}`
                      : (p.partner_id ?? humanize(p.scope))}
                </td>
                <td className="num">{formatMoney(p.amount, p.currency)}</td>
                <td className="num">{formatMoney(p.committed, p.currency)}</td>
                <td className="num">{formatMoney(p.reimbursed, p.currency)}</td>
                <td className="num">{formatMoney(p.remaining, p.currency)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
    </Section>
  );
}

function Calendar() {
  const calendar = useQuery({
    queryKey: ['calendar'],
    queryFn: () => call<{ data: CalendarItem[] }>(api.GET('/v1/calendar')).then((r) => r.data),
  });
  return (
    <Section title="Coming up">
      <QueryView query={calendar} loading="Loading the calendar…">
        {(list) => {
          const soon = list
            .filter((i) => Date.parse(i.ends_at ?? i.starts_at) >= Date.now())
            .slice(0, 12);
          return soon.length === 0 ? (
            <EmptyState title="Nothing scheduled" />
          ) : (
            <ul className="console-calendar">
              {soon.map((i) => (
                <li key={i.id}>
                  <span className="console-nowrap">
                    {i.all_day ? formatDate(i.starts_at) : formatDateTime(i.starts_at)}
                  </span>{' '}
                  <Badge>{humanize(i.kind)}</Badge> {i.title}
                </li>
              ))}
            </ul>
          );
        }}
      </QueryView>
    </Section>
  );
}
