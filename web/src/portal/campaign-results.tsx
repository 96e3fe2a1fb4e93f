import { useQuery } from '@tanstack/react-query';
import type { CampaignReport } from '../api/campaign-reports';
import type { Campaign } from '../api/campaigns';
import { api, call } from '../api/client';
import { formatNumber } from '../ui/format';
import { LiftSummary } from '../ui/lift-summary';
import { Money } from '../ui/money';
import { QueryFallback } from '../ui/query-view';

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
      <LiftSummary report={r} />
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
