import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { Program, ProgramVersion } from '../api/programs';
import type { Benefit, PartnerTier, RequirementProgress } from '../api/tiers';
import { Badge } from '../ui/badge';
import { formatDate, formatMoney, formatNumber, humanize } from '../ui/format';
import { Notice } from '../ui/notice';
import { PageHeader } from '../ui/page-header';
import { QueryView } from '../ui/query-view';
import { EmptyState } from '../ui/states';
import { usePartnerId } from './use-partner-id';
import { usePartnerPrograms } from './use-programs';

function metricValue(metric: string, value: string, currency: string): string {
  if (/revenue|gmv|amount|earnings/.test(metric)) return formatMoney(value, currency);
  const n = Number(value);
  return Number.isFinite(n) ? formatNumber(n) : value;
}

function allowanceWords(b: Benefit, currency: string): string | null {
  const a = b.allowance;
  if (!a) return null;
  const per = `per ${a.per}`;
  if (a.amount !== undefined) return `${formatMoney(a.amount, a.currency ?? currency)} ${per}`;
  if (a.count !== undefined) return `${formatNumber(a.count)} ${per}`;
  return null;
}

function currentVersion(program: Program | undefined): ProgramVersion | undefined {
  return program?.versions.find((v) => v.status === 'current') ?? program?.versions[0];
}

function Requirement({ r, currency }: { r: RequirementProgress; currency: string }) {
  const met = r.progress_percent >= 100;
  const label = `${humanize(r.metric)} in the last ${r.window_days} days`;
  return (
    <li className="requirement">
      <p style={{ margin: 0 }}>
        <strong>{label}</strong>: {metricValue(r.metric, r.current, currency)} of{' '}
        {metricValue(r.metric, r.at_least, currency)}{' '}
        {met ? (
          <Badge tone="ok">Met</Badge>
        ) : (
          <span className="muted">({metricValue(r.metric, r.missing, currency)} to go)</span>
        )}
      </p>
      <progress max={100} value={Math.min(100, r.progress_percent)} aria-label={label}>
        {r.progress_percent}%
      </progress>
    </li>
  );
}

function Accelerators({ version }: { version: ProgramVersion | undefined }) {
  const today = new Date().toISOString().slice(0, 10);
  const upcoming = (version?.terms.accelerators ?? []).filter((a) => a.to >= today);
  if (upcoming.length === 0) return null;
  return (
    <>
      <h3>Accelerators</h3>
      <ul>
        {upcoming.map((a) => (
          <li key={a.id}>
            <strong>{a.name ?? humanize(a.id)}</strong>:{' '}
            {a.rules && a.rules.length > 0
              ? `${a.rules.map((id) => version?.terms.rewards?.find((r) => r.id === id)?.name ?? humanize(id)).join(', ')} ×${a.multiplier}`
              : `rewards ×${a.multiplier}`}
            {a.from > today ? ` from ${formatDate(a.from)}` : ''} until {formatDate(a.to)}
            {a.from <= today ? ' (running now)' : ''}.
          </li>
        ))}
      </ul>
    </>
  );
}

function UpcomingTerms({ program }: { program: Program | undefined }) {
  const upcoming = (program?.versions ?? []).filter((v) => v.status === 'upcoming');
  if (upcoming.length === 0) return null;
  return (
    <>
      <h3>Coming terms</h3>
      <ul>
        {upcoming.map((v) => (
          <li key={v.id}>
            Version {v.number} takes effect on {formatDate(v.effective_from)}
            {v.terms.tiers ? `, with ${v.terms.tiers.levels.length} tiers` : ''}. Your rewards from
            then on follow its terms; earlier earnings keep theirs.
          </li>
        ))}
      </ul>
    </>
  );
}

function ProgramTier({ t, program }: { t: PartnerTier; program: Program | undefined }) {
  const version = currentVersion(program);
  const currency = version?.terms.currency ?? 'USD';
  const level = version?.terms.tiers?.levels.find((l) => l.id === t.tier?.id);
  const headingId = `tier-${t.program_id}`;
  return (
    <section className="card section" aria-labelledby={headingId}>
      <h2 id={headingId}>{program?.name ?? t.program_key}</h2>
      {t.tier ? (
        <p>
          Your tier: <strong className="tier-name">{t.tier.name}</strong> since{' '}
          {formatDate(t.tier.since)}.
        </p>
      ) : (
        <p>You do not have a tier in this program yet.</p>
      )}
      {t.grace ? (
        <Notice tone="warn">
          You have been below this tier’s requirements since {formatDate(t.grace.below_since)}.
          Unless that changes, you move down on {formatDate(t.grace.demotion_due_at)}.
        </Notice>
      ) : null}

      <h3>Benefits</h3>
      {level?.multiplier && level.multiplier !== 1 ? (
        <p>
          <strong>Rewards ×{level.multiplier}</strong>: every reward in this program is multiplied
          while you hold {t.tier?.name}.
        </p>
      ) : null}
      {t.benefits.length > 0 ? (
        <ul>
          {t.benefits.map((b) => {
            const allowance = allowanceWords(b, currency);
            return (
              <li key={b.id}>
                <strong>{b.name}</strong>
                {allowance ? `: ${allowance}` : ''}
                {b.description ? <span className="muted"> — {b.description}</span> : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">No extra benefits at this level.</p>
      )}

      <h3>Next tier</h3>
      {t.next_tier ? (
        <>
          <p>
            To reach <strong>{t.next_tier.name}</strong>
            {(() => {
              const next = version?.terms.tiers?.levels.find((l) => l.id === t.next_tier?.id);
              return next?.multiplier ? ` (rewards ×${next.multiplier})` : '';
            })()}, you need all of:
          </p>
          <ul className="requirements">
            {t.next_tier.requires.map((r) => (
              <Requirement key={r.metric} r={r} currency={currency} />
            ))}
          </ul>
          <p className="small muted">
            Measured live from your conversions
            {t.evaluated_at
              ? `; tiers change at evaluation, last on ${formatDate(t.evaluated_at)}`
              : ''}
            .
          </p>
        </>
      ) : (
        <p>You hold the highest tier. Well done.</p>
      )}
      <Accelerators version={version} />
      <UpcomingTerms program={program} />
    </section>
  );
}

/** /portal/tier: per program, the tier held, its benefits and the way to the next one. */
export function TierPage() {
  const partnerId = usePartnerId();
  const programs = usePartnerPrograms(partnerId);
  const tiers = useQuery({
    queryKey: ['portal', 'tiers', partnerId],
    queryFn: () =>
      call<{ data: PartnerTier[] }>(
        api.GET('/v1/partners/{id}/tiers', { params: { path: { id: partnerId } } }),
      ).then((r) => r.data),
  });

  return (
    <>
      <PageHeader
        title="Tier"
        lead="Higher tiers multiply your rewards and unlock benefits. Here is where you stand."
      />
      <QueryView
        query={tiers}
        loading="Loading your tier…"
        empty={
          <EmptyState title="No tiers in your programs">
            <p>Your programs pay the same rates to every partner.</p>
          </EmptyState>
        }
      >
        {(list) =>
          list.map((t) => (
            <ProgramTier
              key={t.program_id}
              t={t}
              program={programs.data?.find((p) => p.id === t.program_id)}
            />
          ))
        }
      </QueryView>
    </>
  );
}
