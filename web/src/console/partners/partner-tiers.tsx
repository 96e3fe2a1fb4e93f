import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { PartnerTier } from '../../api/tiers';
import { formatDate, humanize } from '../../ui/format';
import { Notice } from '../../ui/notice';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';

/** The tier held in each program and the way to the next one. */
export function PartnerTiers({ partnerId }: { partnerId: string }) {
  const tiers = useQuery({
    queryKey: ['partner', partnerId, 'tiers'],
    queryFn: () =>
      call<{ data: PartnerTier[] }>(
        api.GET('/v1/partners/{id}/tiers', { params: { path: { id: partnerId } } }),
      ).then((r) => r.data),
  });
  return (
    <Section title="Tier">
      <QueryView
        query={tiers}
        loading="Loading tiers…"
        empty={
          <EmptyState title="No tiers">
            <p>None of this partner's programs has tiers.</p>
          </EmptyState>
        }
      >
        {(list) => (
          <div className="grid">
            {list.map((t) => (
              <div className="card" key={t.program_id}>
                <h3>{t.program_key}</h3>
                <p>
                  {t.tier ? (
                    <>
                      <strong>{t.tier.name}</strong> since {formatDate(t.tier.since)}
                    </>
                  ) : (
                    'No tier yet'
                  )}
                </p>
                {t.grace ? (
                  <Notice tone="warn">
                    Below its tier since {formatDate(t.grace.below_since)}; moves down on{' '}
                    {formatDate(t.grace.demotion_due_at)} unless it qualifies again.
                  </Notice>
                ) : null}
                {t.next_tier ? (
                  <>
                    <p className="muted small">Next: {t.next_tier.name}</p>
                    <ul className="console-progress-list">
                      {t.next_tier.requires.map((r) => (
                        <li key={r.metric}>
                          <label>
                            {humanize(r.metric)}: {r.current} of {r.at_least} (last {r.window_days}{' '}
                            days)
                            <progress max={100} value={r.progress_percent}>
                              {r.progress_percent}%
                            </progress>
                          </label>
                        </li>
                      ))}
                    </ul>
                  </>
                ) : null}
              </div>
            ))}
          </div>
        )}
      </QueryView>
      <p className="muted small">Earlier tiers are listed under History below.</p>
    </Section>
  );
}
