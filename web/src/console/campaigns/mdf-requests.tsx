import { useQuery } from '@tanstack/react-query';
import type { MdfRequest } from '../../api/campaigns';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import { Badge, type Tone } from '../../ui/badge';
import { DataTable } from '../../ui/data-table';
import { formatDate, formatMoney, humanize } from '../../ui/format';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
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
      call<Page<MdfRequest>>(
        api.GET('/v1/mdf/requests', { params: { query: { limit: 200 } } }),
      ).then((r) => r.data),
  });
  return (
    <>
      <Section title="MDF to decide">
        <QueryView query={requests} loading="Loading MDF requests…">
          {(list) => {
            const waiting = list.filter((r) => r.status === 'requested' || r.status === 'claimed');
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
        <QueryView
          query={requests}
          loading="Loading MDF requests…"
          empty={<EmptyState title="No MDF requests yet" />}
        >
          {(list) => (
            <DataTable
              label="MDF requests"
              columns={[
                'Partner',
                'For',
                'Status',
                { label: 'Requested', numeric: true },
                { label: 'Approved', numeric: true },
                { label: 'Reimbursed', numeric: true },
                'Claim by',
              ]}
            >
              {list.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{partnerName(r.partner_id)}</th>
                  <td>{r.description ?? '—'}</td>
                  <td>
                    <Badge tone={tones[r.status] ?? 'neutral'}>{humanize(r.status)}</Badge>
                  </td>
                  <td className="num">{formatMoney(r.requested, r.currency)}</td>
                  <td className="num">{r.approved ? formatMoney(r.approved, r.currency) : '—'}</td>
                  <td className="num">
                    {r.reimbursed ? formatMoney(r.reimbursed, r.currency) : '—'}
                  </td>
                  <td className="console-nowrap">
                    {r.claim_deadline ? formatDate(r.claim_deadline) : '—'}
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </QueryView>
      </Section>
    </>
  );
}
