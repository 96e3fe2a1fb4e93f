import { Link } from '@tanstack/react-router';
import { formatDateTime } from '../../ui/format';
import { Money } from '../../ui/money';
import { TableScroll } from '../../ui/table-scroll';
import type { Payout } from '../models';
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
    <TableScroll label={label}>
      <table>
        <thead>
          <tr>
            <th scope="col">Payout</th>
            {partnerName ? <th scope="col">Partner</th> : null}
            {showRun ? <th scope="col">Run</th> : null}
            <th scope="col">Status</th>
            <th scope="col">Rail</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Reference or reason</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {payouts.map((p) => (
            <tr key={p.id}>
              <th scope="row" className="mono">
                {p.id}
              </th>
              {partnerName ? (
                <td>
                  <Link to="/console/partners/$partnerId" params={{ partnerId: p.partner_id }}>
                    {partnerName(p.partner_id)}
                  </Link>
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
        </tbody>
      </table>
    </TableScroll>
  );
}
