import type { Accrual } from '../../api/accruals';
import { Badge } from '../../ui/badge';
import { DataTable } from '../../ui/data-table';
import { formatDateTime, humanize } from '../../ui/format';
import { Money } from '../../ui/money';

/** The arithmetic an accrual's trace records, one step a line (lines older than traces have none). */
function stepsOf(trace: Accrual['trace']): string[] {
  return Array.isArray(trace?.steps) ? trace.steps : [];
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
    <DataTable
      label={label}
      columns={[
        'Event time',
        showPartner && 'Partner',
        'Kind',
        'Rule',
        'Customer',
        { label: 'Amount', numeric: true },
        'State',
        'How it was computed',
      ]}
    >
      {accruals.map((a) => {
        const steps = stepsOf(a.trace);
        return (
          <tr key={a.id}>
            <td className="console-nowrap">{formatDateTime(a.occurred_at)}</td>
            {showPartner ? <td>{partnerName ? partnerName(a.partner_id) : a.partner_id}</td> : null}
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
    </DataTable>
  );
}
