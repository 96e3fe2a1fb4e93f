import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { api, call } from '../../api/client';
import { Badge, type Tone } from '../../ui/badge';
import { formatDate, formatDateTime, formatMoney, humanize } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { EmptyState } from '../../ui/states';
import { TableScroll } from '../../ui/table-scroll';
import type { CalendarItem, Campaign, MdfPool } from '../models';
import { QueryView } from '../query-view';
import { Section } from '../section';
import { StatusNotice, type StatusResult } from '../status-notice';
import { useOperator } from '../use-operator';
import { usePartnerNames } from '../use-partner-names';
import { useProgramName } from '../use-programs';
import { CampaignActions } from './campaign-actions';
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
    queryFn: () => call<{ data: Campaign[] }>(api.GET('/v1/campaigns')),
  });
  return (
    <Section title="Campaigns">
      <StatusNotice result={result} />
      <QueryView query={campaigns} loading="Loading campaigns…">
        {(page) =>
          page.data.length === 0 ? (
            <EmptyState title="No campaigns yet" />
          ) : (
            <TableScroll label="Campaigns">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Campaign</th>
                    <th scope="col">Status</th>
                    <th scope="col">Runs</th>
                    <th scope="col">Partners</th>
                    <th scope="col" className="num">
                      Cost
                    </th>
                    {may('campaigns:write') ? <th scope="col">Next step</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((c) => (
                    <tr key={c.id}>
                      <th scope="row">
                        {c.name} <span className="muted small mono">{c.code}</span>
                      </th>
                      <td>
                        <Badge tone={campaignTones[c.status] ?? 'neutral'}>
                          {humanize(c.status)}
                        </Badge>
                      </td>
                      <td className="console-nowrap">
                        {formatDate(c.starts_at)} – {formatDate(c.ends_at)}
                      </td>
                      <td>
                        {c.partners.map((p, i) => (
                          <span key={p.partner_id}>
                            {i > 0 ? ', ' : ''}
                            <Link
                              to="/console/partners/$partnerId"
                              params={{ partnerId: p.partner_id }}
                            >
                              {partnerName(p.partner_id)}
                            </Link>
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
                </tbody>
              </table>
            </TableScroll>
          )
        }
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
      <QueryView query={pools} loading="Loading pools…">
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No MDF pools" />
          ) : (
            <TableScroll label="MDF pools">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Quarter</th>
                    <th scope="col">Program</th>
                    <th scope="col">For</th>
                    <th scope="col" className="num">
                      Budget
                    </th>
                    <th scope="col" className="num">
                      Committed
                    </th>
                    <th scope="col" className="num">
                      Reimbursed
                    </th>
                    <th scope="col" className="num">
                      Remaining
                    </th>
                  </tr>
                </thead>
                <tbody>
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
                </tbody>
              </table>
            </TableScroll>
          )
        }
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
