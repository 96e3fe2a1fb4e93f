import { useQuery } from '@tanstack/react-query';
import type { CampaignReport } from '../api/campaign-reports';
import type { Campaign } from '../api/campaigns';
import { api, call } from '../api/client';
import { formatNumber } from '../ui/format';
import { Money } from '../ui/money';
import { QueryFallback } from '../ui/query-view';

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const points = (p: number) => `${p >= 0 ? '+' : ''}${p.toFixed(1)}`;

/** A campaign's measured results in words: lift against the holdout, targets, the partner's part. */
function Results({ id }: { id: string }) {
  const report = useQuery({
    queryKey: ['portal', 'campaign-report', id],
    queryFn: () =>
      call<CampaignReport>(api.GET('/v1/campaigns/{id}/report', { params: { path: { id } } })),
  });
  if (!report.isSuccess) return <QueryFallback query={report} loading="Measuring the campaign…" />;
  const r = report.data;
  const mine = r.partner;
  return (
    <div className="campaign-results">
      {r.window_closed ? null : (
        <p className="muted small">The campaign is still running: figures so far.</p>
      )}
      {r.lift ? (
        <p>
          Customers the campaign reached activated at{' '}
          <strong>{percent(r.lift.exposed_rate)}</strong> against{' '}
          <strong>{percent(r.lift.holdout_rate)}</strong> for the {formatNumber(r.audience.holdout)}{' '}
          held out: a lift of <strong>{points(r.lift.lift_points)} points</strong> (95% interval{' '}
          {points(r.lift.interval_points.low)} to {points(r.lift.interval_points.high)}
          {r.lift.significant ? '' : ', not yet distinguishable from no effect'}), about{' '}
          <strong>{formatNumber(r.lift.incremental_activations)}</strong> activations that would not
          have happened without it.
        </p>
      ) : (
        <p className="muted">{r.notes.lift ?? 'No lift measured yet.'}</p>
      )}
      <ul>
        {(['leads', 'activations', 'revenue'] as const).map((k) => {
          const t = r.plan.targets[k];
          if (t.target === null) return null;
          return (
            <li key={k}>
              Target {k}: {String(t.actual)} of {String(t.target)}
              {t.attained === null ? '' : t.attained ? ' — reached' : ' — not reached'}
            </li>
          );
        })}
      </ul>
      {mine ? (
        <p>
          <strong>Your part</strong> ({mine.role}): {formatNumber(mine.customers)} customers,{' '}
          {formatNumber(mine.activations)} activations
          {mine.incremental_activations === null
            ? ''
            : `, ${formatNumber(mine.incremental_activations)} of them incremental`}
          , <Money amount={mine.revenue} currency={r.currency} /> revenue; campaign bonuses posted
          to you: <Money amount={mine.bonuses_posted} currency={r.currency} />. Shared customers are
          credited by the program's split rule, shown on each earning.
        </p>
      ) : null}
    </div>
  );
}

/** Results of the partner's campaigns that have run, each in a disclosure. */
export function CampaignResults({ campaigns }: { campaigns: Campaign[] }) {
  const ran = campaigns.filter((c) => ['live', 'completed', 'reported'].includes(c.status));
  if (ran.length === 0)
    return <p className="muted">Results appear here once one of your campaigns goes live.</p>;
  return (
    <>
      {ran.map((c) => (
        <details key={c.id} className="card">
          <summary>Results of {c.name}</summary>
          <Results id={c.id} />
        </details>
      ))}
    </>
  );
}
