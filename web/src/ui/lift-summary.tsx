import type { CampaignReport } from '../api/campaign-reports';
import { formatNumber } from './format';

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const points = (p: number) => `${p >= 0 ? '+' : ''}${p.toFixed(1)}`;

/** A campaign's measured lift in one sentence, or why there is none yet; then its targets. */
export function LiftSummary({ report: r }: { report: CampaignReport }) {
  return (
    <>
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
    </>
  );
}
