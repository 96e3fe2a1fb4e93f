import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { PartnerHistory as History } from '../../api/explorer';
import type { PartnerStatus } from '../../api/partners';
import { Badge } from '../../ui/badge';
import { DataTable } from '../../ui/data-table';
import { formatDateTime } from '../../ui/format';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { statusLabels, statusTones } from './partner-status';

/** Every status change with its reason, and every tier change per program, newest first. */
export function PartnerHistory({ partnerId }: { partnerId: string }) {
  const history = useQuery({
    queryKey: ['partner', partnerId, 'history'],
    queryFn: () =>
      call<History>(api.GET('/v1/partners/{id}/history', { params: { path: { id: partnerId } } })),
  });
  return (
    <Section title="History">
      <QueryView query={history} loading="Loading the history…">
        {(h) => (
          <>
            <h3>Status changes</h3>
            {h.statuses.length === 0 ? (
              <p className="muted">No status change recorded.</p>
            ) : (
              <DataTable label="Status changes" columns={['When', 'Status', 'Reason']}>
                {h.statuses.map((s) => (
                  <tr key={`${s.at}:${s.status}`}>
                    <td className="console-nowrap">{formatDateTime(s.at)}</td>
                    <td>
                      <Badge tone={statusTones[s.status as PartnerStatus] ?? 'neutral'}>
                        {statusLabels[s.status as PartnerStatus] ?? s.status}
                      </Badge>
                    </td>
                    <td>{s.reason ?? '—'}</td>
                  </tr>
                ))}
              </DataTable>
            )}
            <h3>Tier changes</h3>
            {h.tiers.length === 0 ? (
              <p className="muted">No tier change recorded.</p>
            ) : (
              <DataTable label="Tier changes" columns={['When', 'Program', 'Change', 'Reason']}>
                {h.tiers.map((t) => (
                  <tr key={`${t.at}:${t.program}:${t.tier}`}>
                    <td className="console-nowrap">{formatDateTime(t.at)}</td>
                    <td>{t.program}</td>
                    <td>
                      {t.previous ?? 'No tier'} → {t.tier ?? 'No tier'}
                    </td>
                    <td>{t.reason ?? '—'}</td>
                  </tr>
                ))}
              </DataTable>
            )}
          </>
        )}
      </QueryView>
    </Section>
  );
}
