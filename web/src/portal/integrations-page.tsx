import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { Badge } from '../ui/badge';
import { formatDate, formatMoney, formatNumber, humanize } from '../ui/format';
import { MoneyByCurrency } from '../ui/money';
import { PageHeader } from '../ui/page-header';
import { EmptyState, ErrorNotice, Loading } from '../ui/states';
import { TableScroll } from '../ui/table-scroll';
import type { CreditBalance, Integration, IntegrationDetail, UsageMonth } from './models';
import { usePartnerId } from './use-partner-id';
import { programNames, usePartnerPrograms } from './use-programs';

const milestoneWords: Record<string, string> = {
  completed: 'Done',
  available: 'To do',
  locked: 'Locked',
};

function Milestones({ detail }: { detail: IntegrationDetail }) {
  const names = new Map(detail.milestones.map((m) => [m.id, m.name]));
  return (
    <ol className="checklist">
      {detail.milestones.map((m) => (
        <li key={m.id} data-status={m.status}>
          <Badge
            tone={m.status === 'completed' ? 'ok' : m.status === 'locked' ? 'neutral' : 'info'}
          >
            {milestoneWords[m.status] ?? humanize(m.status)}
          </Badge>{' '}
          <strong>{m.name}</strong>
          {m.completed_at ? (
            <span className="muted"> on {formatDate(m.completed_at)}</span>
          ) : m.status === 'locked' && m.requires.length > 0 ? (
            <span className="muted">
              {' '}
              after {m.requires.map((r) => names.get(r) ?? humanize(r)).join(', ')}
            </span>
          ) : m.completed_by === 'review' ? (
            <span className="muted"> (submit it for review)</span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function Usage({ integrationId }: { integrationId: string }) {
  const usage = useQuery({
    queryKey: ['portal', 'integration-usage', integrationId],
    queryFn: () =>
      call<{ months: UsageMonth[] }>(
        api.GET('/v1/integrations/{id}/usage', {
          params: { path: { id: integrationId }, query: { months: 3 } },
        }),
      ),
  });
  if (usage.isPending) return <Loading label="Loading usage…" />;
  if (usage.isError) return <ErrorNotice error={usage.error} />;
  return (
    <TableScroll label="Usage and rewards per month">
      <table>
        <thead>
          <tr>
            <th scope="col">Month</th>
            <th scope="col" className="num">
              Active installs
            </th>
            <th scope="col">Usage</th>
            <th scope="col" className="num">
              Revenue
            </th>
            <th scope="col" className="num">
              Rewards
            </th>
          </tr>
        </thead>
        <tbody>
          {usage.data.months.map((m) => {
            const lines = m.closed ? m.rewards : m.estimate;
            return (
              <tr key={m.month}>
                <th scope="row">
                  {m.month}
                  {m.closed ? null : <span className="muted small"> (so far)</span>}
                </th>
                <td className="num">{formatNumber(m.active_installs)}</td>
                <td>
                  {Object.entries(m.units).length === 0
                    ? '—'
                    : Object.entries(m.units)
                        .map(
                          ([unit, n]) =>
                            `${formatNumber(Number(n))} ${humanize(unit).toLowerCase()}`,
                        )
                        .join(', ')}
                </td>
                <td className="num">
                  <MoneyByCurrency amounts={m.revenue} />
                </td>
                <td className="num">
                  {lines.length === 0
                    ? '—'
                    : lines.map((l) => (
                        <div key={l.rule_id}>
                          {formatMoney(l.amount, l.currency)}{' '}
                          <span className="muted small">{humanize(l.rule_id)}</span>
                        </div>
                      ))}
                  {!m.closed && lines.length > 0 ? (
                    <div className="muted small">estimate until the month closes</div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

function IntegrationCard({ integration, program }: { integration: Integration; program: string }) {
  const detail = useQuery({
    queryKey: ['portal', 'integration', integration.id],
    queryFn: () =>
      call<IntegrationDetail>(
        api.GET('/v1/integrations/{id}', { params: { path: { id: integration.id } } }),
      ),
  });
  const headingId = `integration-${integration.id}`;
  const cert = detail.data?.certification;
  return (
    <section className="card section" aria-labelledby={headingId}>
      <h2 id={headingId}>{integration.name}</h2>
      <p className="muted">
        {program}
        {integration.category ? ` · ${humanize(integration.category)}` : ''} ·{' '}
        {humanize(integration.status)}
        {integration.listing_url ? (
          <>
            {' · '}
            <a href={integration.listing_url} target="_blank" rel="noopener noreferrer">
              Listing
            </a>
          </>
        ) : null}
      </p>
      {detail.isPending ? <Loading label="Loading milestones…" /> : null}
      {detail.isError ? <ErrorNotice error={detail.error} /> : null}
      {detail.data ? (
        <>
          <h3>Milestones</h3>
          {detail.data.milestones.length === 0 ? (
            <p className="muted">This program has no milestones.</p>
          ) : (
            <Milestones detail={detail.data} />
          )}
          {detail.data.pending_submissions > 0 ? (
            <p className="notice notice-info">
              {detail.data.pending_submissions} submission(s) waiting for review.
            </p>
          ) : null}
          {cert ? (
            <>
              <h3>Certification</h3>
              {cert.level ? (
                <p>
                  <strong>{cert.name}</strong> since {formatDate(cert.since ?? '')}
                  {cert.expires_at ? `, renew by ${formatDate(cert.expires_at)}` : ''}.
                  {cert.entitlements.length > 0
                    ? ` Unlocks: ${cert.entitlements.map(humanize).join(', ')}.`
                    : ''}
                </p>
              ) : (
                <p className="muted">Not certified yet.</p>
              )}
              {cert.levels
                .filter((l) => !l.held && l.missing.length > 0)
                .map((l) => (
                  <p key={l.id} className="small">
                    For {l.name}: {l.missing.map(humanize).join(', ')}.
                  </p>
                ))}
            </>
          ) : null}
        </>
      ) : null}
      <h3>Usage and rewards</h3>
      <Usage integrationId={integration.id} />
    </section>
  );
}

function Credits({ partnerId, names }: { partnerId: string; names: Record<string, string> }) {
  const credits = useQuery({
    queryKey: ['portal', 'credits', partnerId],
    queryFn: () =>
      call<{ data: CreditBalance[] }>(
        api.GET('/v1/partners/{id}/credits', { params: { path: { id: partnerId } } }),
      ),
  });
  if (credits.isPending) return <Loading label="Loading credits…" />;
  if (credits.isError) return <ErrorNotice error={credits.error} />;
  if (credits.data.data.length === 0) {
    return <p className="muted">No support credits yet. Some milestones grant them.</p>;
  }
  return (
    <TableScroll label="Support credits">
      <table>
        <thead>
          <tr>
            <th scope="col">Program</th>
            <th scope="col">Credit</th>
            <th scope="col" className="num">
              Balance
            </th>
            <th scope="col" className="num">
              Granted
            </th>
            <th scope="col" className="num">
              Used
            </th>
          </tr>
        </thead>
        <tbody>
          {credits.data.data.map((c) => (
            <tr key={`${c.program_id}-${c.asset}`}>
              <td>{names[c.program_id] ?? c.program_id}</td>
              <td>{humanize(c.asset.toLowerCase())}</td>
              <td className="num">{c.balance}</td>
              <td className="num">{c.granted}</td>
              <td className="num">{c.redeemed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** /portal/integrations: each integration's milestone checklist, certification, usage and rewards. */
export function IntegrationsPage() {
  const partnerId = usePartnerId();
  const programs = usePartnerPrograms(partnerId);
  const names = programNames(programs.data);
  const integrations = useQuery({
    queryKey: ['portal', 'integrations', partnerId],
    queryFn: () =>
      call<{ data: Integration[] }>(
        api.GET('/v1/integrations', { params: { query: { limit: 100 } } }),
      ),
  });
  return (
    <>
      <PageHeader
        title="Integrations"
        lead="Apps and connectors you build for the marketplace: milestones reached, usage and what it earns."
      />
      {integrations.isPending ? <Loading label="Loading your integrations…" /> : null}
      {integrations.isError ? (
        <ErrorNotice error={integrations.error} retry={() => integrations.refetch()} />
      ) : null}
      {integrations.data && integrations.data.data.length === 0 ? (
        <EmptyState title="No integrations">
          <p>
            If you build an app or connector for the marketplace, your program manager can register
            it; its milestones, usage and rewards then appear here.
          </p>
        </EmptyState>
      ) : null}
      {integrations.data?.data.map((i) => (
        <IntegrationCard key={i.id} integration={i} program={names[i.program_id] ?? i.program_id} />
      ))}
      <section className="section" aria-labelledby="credits-heading">
        <h2 id="credits-heading">Support credits</h2>
        <Credits partnerId={partnerId} names={names} />
      </section>
    </>
  );
}
