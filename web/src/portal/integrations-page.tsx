import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type {
  CreditBalance,
  Integration,
  IntegrationDetail,
  UsageMonth,
} from '../api/integrations';
import { Badge } from '../ui/badge';
import { DataTable } from '../ui/data-table';
import { formatDate, formatMoney, formatNumber, humanize } from '../ui/format';
import { MoneyByCurrency } from '../ui/money';
import { Notice } from '../ui/notice';
import { PageHeader } from '../ui/page-header';
import { QueryFallback, QueryView } from '../ui/query-view';
import { Section } from '../ui/section';
import { EmptyState } from '../ui/states';
import { EvidenceForm } from './evidence-form';
import { SandboxKeys } from './sandbox-keys';
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
  if (!usage.isSuccess) return <QueryFallback query={usage} loading="Loading usage…" />;
  return (
    <DataTable
      label="Usage and rewards per month"
      columns={[
        'Month',
        { label: 'Active installs', numeric: true },
        'Usage',
        { label: 'Revenue', numeric: true },
        { label: 'Rewards', numeric: true },
      ]}
    >
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
                      ([unit, n]) => `${formatNumber(Number(n))} ${humanize(unit).toLowerCase()}`,
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
    </DataTable>
  );
}

/** An integration's milestone checklist and certification. */
function Progress({ detail }: { detail: IntegrationDetail }) {
  const cert = detail.certification;
  return (
    <>
      <h3>Milestones</h3>
      {detail.milestones.length === 0 ? (
        <p className="muted">This program has no milestones.</p>
      ) : (
        <Milestones detail={detail} />
      )}
      {detail.pending_submissions > 0 ? (
        <Notice tone="info">{detail.pending_submissions} submission(s) waiting for review.</Notice>
      ) : null}
      <EvidenceForm detail={detail} />
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
      <QueryView query={detail} loading="Loading milestones…">
        {(d) => <Progress detail={d} />}
      </QueryView>
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
      ).then((r) => r.data),
  });
  if (!credits.isSuccess) return <QueryFallback query={credits} loading="Loading credits…" />;
  if (credits.data.length === 0) {
    return <p className="muted">No support credits yet. Some milestones grant them.</p>;
  }
  return (
    <DataTable
      label="Support credits"
      columns={[
        'Program',
        'Credit',
        { label: 'Balance', numeric: true },
        { label: 'Granted', numeric: true },
        { label: 'Used', numeric: true },
      ]}
    >
      {credits.data.map((c) => (
        <tr key={`${c.program_id}-${c.asset}`}>
          <td>{names[c.program_id] ?? c.program_id}</td>
          <td>{humanize(c.asset.toLowerCase())}</td>
          <td className="num">{c.balance}</td>
          <td className="num">{c.granted}</td>
          <td className="num">{c.redeemed}</td>
        </tr>
      ))}
    </DataTable>
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
      ).then((r) => r.data),
  });
  return (
    <>
      <PageHeader
        title="Integrations"
        lead="Apps and connectors you build for the marketplace: milestones reached, usage and what it earns."
      />
      <QueryView
        query={integrations}
        loading="Loading your integrations…"
        empty={
          <EmptyState title="No integrations">
            <p>
              If you build an app or connector for the marketplace, your program manager can
              register it; its milestones, usage and rewards then appear here.
            </p>
          </EmptyState>
        }
      >
        {(list) =>
          list.map((i) => (
            <IntegrationCard
              key={i.id}
              integration={i}
              program={names[i.program_id] ?? i.program_id}
            />
          ))
        }
      </QueryView>
      <Section title="Support credits">
        <Credits partnerId={partnerId} names={names} />
      </Section>
      <Section title="Sandbox keys">
        <SandboxKeys partnerId={partnerId} />
      </Section>
    </>
  );
}
