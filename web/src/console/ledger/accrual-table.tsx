import { Badge } from '../../ui/badge';
import { formatDateTime, humanize } from '../../ui/format';
import { Money } from '../../ui/money';
import { TableScroll } from '../../ui/table-scroll';
import type { Accrual } from '../models';

/** The arithmetic an accrual's trace records, one step a line. */
function stepsOf(trace: unknown): string[] {
  if (typeof trace !== 'object' || trace === null) return [];
  const steps = (trace as { steps?: unknown }).steps;
  return Array.isArray(steps) ? steps.filter((s): s is string => typeof s === 'string') : [];
}

/** Accrual lines with the reason for each amount behind a disclosure. */
export function AccrualTable({
  accruals,
  label,
  showPartner = false,
  partnerName,
}: {
  accruals: Accrual[];
  label: string;
  showPartner?: boolean;
  partnerName?: (id: string) => string;
}) {
  return (
    <TableScroll label={label}>
      <table>
        <thead>
          <tr>
            <th scope="col">Event time</th>
            {showPartner ? <th scope="col">Partner</th> : null}
            <th scope="col">Kind</th>
            <th scope="col">Rule</th>
            <th scope="col">Customer</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">State</th>
            <th scope="col">How it was computed</th>
          </tr>
        </thead>
        <tbody>
          {accruals.map((a) => {
            const steps = stepsOf(a.trace);
            return (
              <tr key={a.id}>
                <td className="console-nowrap">{formatDateTime(a.occurred_at)}</td>
                {showPartner ? (
                  <td>{partnerName ? partnerName(a.partner_id) : a.partner_id}</td>
                ) : null}
                <td>{humanize(a.kind)}</td>
                <td className="mono console-nowrap">{a.rule_id}</td>
                <td className="mono">{a.customer_id}</td>
                <td className="num">
                  <Money amount={a.amount} currency={a.currency} />
                </td>
                <td>
                  {a.status === 'available' ? (
                    <Badge tone="ok">Available</Badge>
                  ) : (
                    <Badge tone="info">Pending until {formatDateTime(a.available_at)}</Badge>
                  )}
                </td>
                <td>
                  {steps.length > 0 ? (
                    <details>
                      <summary>Show the steps</summary>
                      <ol className="console-steps">
                        {steps.map((s) => (
                          <li key={s}>{s}</li>
                        ))}
                      </ol>
                    </details>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}
