import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { Badge } from '../../ui/badge';
import { formatDate, humanize } from '../../ui/format';
import { EmptyState } from '../../ui/states';
import { TableScroll } from '../../ui/table-scroll';
import type { TrackingCode, TrackingLink } from '../models';
import { QueryView } from '../query-view';
import { Section } from '../section';

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
      <QueryView query={links} loading="Loading links…">
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No tracking links" />
          ) : (
            <TableScroll label="Tracking links">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Short code</th>
                    <th scope="col">Program</th>
                    <th scope="col">Destination</th>
                    <th scope="col">State</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((l) => (
                    <tr key={l.id}>
                      <th scope="row" className="mono">
                        {l.code}
                      </th>
                      <td>{l.program}</td>
                      <td className="console-wrap">{l.destination}</td>
                      <td>
                        {l.disabled_at ? <Badge>Disabled</Badge> : <Badge tone="ok">Active</Badge>}
                      </td>
                      <td>{formatDate(l.created_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )
        }
      </QueryView>
      <QueryView query={codes} loading="Loading codes…">
        {(list) =>
          list.length === 0 ? null : (
            <TableScroll label="Codes">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Code</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Program</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
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
                </tbody>
              </table>
            </TableScroll>
          )
        }
      </QueryView>
    </Section>
  );
}
