import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { TrackingCode, TrackingLink } from '../../api/tracking';
import { Badge } from '../../ui/badge';
import { DataTable } from '../../ui/data-table';
import { formatDate, humanize } from '../../ui/format';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';

/** The partner's tracking links and referral/coupon codes. */
export function PartnerTracking({ partnerId }: { partnerId: string }) {
  const path = { params: { path: { id: partnerId } } };
  const links = useQuery({
    queryKey: ['partner', partnerId, 'links'],
    queryFn: () =>
      call<{ data: TrackingLink[] }>(api.GET('/v1/partners/{id}/links', path)).then((r) => r.data),
  });
  const codes = useQuery({
    queryKey: ['partner', partnerId, 'codes'],
    queryFn: () =>
      call<{ data: TrackingCode[] }>(api.GET('/v1/partners/{id}/codes', path)).then((r) => r.data),
  });
  return (
    <Section title="Links and codes">
      <QueryView
        query={links}
        loading="Loading links…"
        empty={<EmptyState title="No tracking links" />}
      >
        {(list) => (
          <DataTable
            label="Tracking links"
            columns={['Short code', 'Program', 'Destination', 'State', 'Created']}
          >
            {list.map((l) => (
              <tr key={l.id}>
                <th scope="row" className="mono">
                  {l.code}
                </th>
                <td>{l.program}</td>
                <td className="console-wrap">{l.destination}</td>
                <td>{l.disabled_at ? <Badge>Disabled</Badge> : <Badge tone="ok">Active</Badge>}</td>
                <td>{formatDate(l.created_at)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
      <QueryView query={codes} loading="Loading codes…">
        {(list) =>
          list.length === 0 ? null : (
            <DataTable label="Codes" columns={['Code', 'Kind', 'Program', 'State']}>
              {list.map((c) => (
                <tr key={c.code}>
                  <th scope="row" className="mono">
                    {c.code}
                  </th>
                  <td>{humanize(c.kind)}</td>
                  <td>{c.program}</td>
                  <td>
                    {c.disabled_at ? <Badge>Disabled</Badge> : <Badge tone="ok">Active</Badge>}
                  </td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </QueryView>
    </Section>
  );
}
