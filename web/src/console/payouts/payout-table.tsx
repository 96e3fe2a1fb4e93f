import { Link } from '@tanstack/react-router';
import type { Payout } from '../../api/payouts';
import { DataTable } from '../../ui/data-table';
import { formatDateTime } from '../../ui/format';
import { Money } from '../../ui/money';
import { PartnerLink } from '../partners/partner-link';
import { PayoutStatusBadge, railLabel } from './payout-status';

/** Payouts with their state, rail and reference (or why they failed). */
export function PayoutTable({
  payouts,
  label,
  partnerName,
  showRun = false,
}: {
  payouts: Payout[];
  label: string;
  /** Given: a Partner column, linked to the partner's page. */
  partnerName?: (id: string) => string;
  showRun?: boolean;
}) {
  return (
    <DataTable
      label={label}
      columns={[
        'Payout',
        partnerName && 'Partner',
        showRun && 'Run',
        'Status',
        'Rail',
        { label: 'Amount', numeric: true },
        'Reference or reason',
        'Updated',
      ]}
    >
      {payouts.map((p) => (
        <tr key={p.id}>
          <th scope="row" className="mono">
            {p.id}
          </th>
          {partnerName ? (
            <td>
              <PartnerLink id={p.partner_id}>{partnerName(p.partner_id)}</PartnerLink>
            </td>
          ) : null}
          {showRun ? (
            <td>
              <Link to="/console/payout-runs/$runId" params={{ runId: p.run_id }}>
                {p.run_id}
              </Link>
            </td>
          ) : null}
          <td>
            <PayoutStatusBadge status={p.status} />
          </td>
          <td>{railLabel(p.rail)}</td>
          <td className="num">
            <Money amount={p.amount} currency={p.currency} />
          </td>
          <td className="console-wrap">{p.failure_reason ?? p.reference ?? '—'}</td>
          <td>{formatDateTime(p.updated_at)}</td>
        </tr>
      ))}
    </DataTable>
  );
}
