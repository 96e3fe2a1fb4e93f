import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { Badge, type Tone } from '../../ui/badge';
import { formatDate, formatMoney, humanize } from '../../ui/format';
import { EmptyState } from '../../ui/states';
import { TableScroll } from '../../ui/table-scroll';
import type { MdfRequest, Page } from '../models';
import { QueryView } from '../query-view';
import { Section } from '../section';
import { useOperator } from '../use-operator';
import { usePartnerNames } from '../use-partner-names';
import { MdfDecision } from './mdf-decision';

const tones: Record<string, Tone> = {
  requested: 'info',
  approved: 'info',
  claimed: 'warn',
  reimbursed: 'ok',
  rejected: 'danger',
  claim_rejected: 'danger',
  withdrawn: 'neutral',
  expired: 'neutral',
};

/** MDF requests: those waiting for a decision (requests and claims) first, then all. */
export function MdfRequests() {
  const { may } = useOperator();
  const partnerName = usePartnerNames();
  const requests = useQuery({
    queryKey: ['mdf-requests'],
    queryFn: () =>
      call<Page<MdfRequest>>(api.GET('/v1/mdf/requests', { params: { query: { limit: 200 } } })),
  });
  return (
    <>
      <Section title="MDF to decide">
        <QueryView query={requests} loading="Loading MDF requests…">
          {(page) => {
            const waiting = page.data.filter(
              (r) => r.status === 'requested' || r.status === 'claimed',
            );
            return waiting.length === 0 ? (
              <EmptyState title="Nothing waits for a decision">
                <p>New fund requests and claims for reimbursement appear here.</p>
              </EmptyState>
            ) : (
              <div className="grid">
                {waiting.map((r) => (
                  <MdfDecision
                    key={r.id}
                    request={r}
                    partnerName={partnerName(r.partner_id)}
                    canDecide={may('mdf:approve')}
                  />
                ))}
              </div>
            );
          }}
        </QueryView>
      </Section>
      <Section title="All MDF requests">
        <QueryView query={requests} loading="Loading MDF requests…">
          {(page) =>
            page.data.length === 0 ? (
              <EmptyState title="No MDF requests yet" />
            ) : (
              <TableScroll label="MDF requests">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Partner</th>
                      <th scope="col">For</th>
                      <th scope="col">Status</th>
                      <th scope="col" className="num">
                        Requested
                      </th>
                      <th scope="col" className="num">
                        Approved
                      </th>
                      <th scope="col" className="num">
                        Reimbursed
                      </th>
                      <th scope="col">Claim by</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.data.map((r) => (
                      <tr key={r.id}>
                        <th scope="row">{partnerName(r.partner_id)}</th>
                        <td>{r.description ?? '—'}</td>
                        <td>
                          <Badge tone={tones[r.status] ?? 'neutral'}>{humanize(r.status)}</Badge>
                        </td>
                        <td className="num">{formatMoney(r.requested, r.currency)}</td>
                        <td className="num">
                          {r.approved ? formatMoney(r.approved, r.currency) : '—'}
                        </td>
                        <td className="num">
                          {r.reimbursed ? formatMoney(r.reimbursed, r.currency) : '—'}
                        </td>
                        <td className="console-nowrap">
                          {r.claim_deadline ? formatDate(r.claim_deadline) : '—'}
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
    </>
  );
}
