import type { ExplorerEvent } from '../../api/explorer';
import { DataTable } from '../../ui/data-table';
import { formatDateTime, humanize } from '../../ui/format';
import { Money } from '../../ui/money';
import { PartnerLink } from '../partners/partner-link';
import { usePartnerNames } from '../use-partner-names';
import { useProgramName } from '../use-programs';

/** One event opened: what it produced (conversions, accrual lines), then its body as sent. */
export function EventDetails({ event }: { event: ExplorerEvent }) {
  const partnerName = usePartnerNames();
  const programName = useProgramName();
  const { conversions, accruals } = event.produced;
  return (
    <div className="events-details">
      <p className="muted small">
        Event <span className="mono">{event.id}</span>, received {formatDateTime(event.received_at)}
        .
      </p>
      {conversions.length === 0 && accruals.length === 0 ? (
        <p>It produced no conversion and no accrual line.</p>
      ) : null}
      {conversions.length > 0 ? (
        <DataTable
          label={`Conversions of event ${event.id}`}
          columns={['Program', 'Partner', 'Conversion']}
        >
          {conversions.map((c) => (
            <tr key={`${c.program_id}:${c.type}`}>
              <td>{programName(c.program_id)}</td>
              <td>
                <PartnerLink id={c.partner_id}>{partnerName(c.partner_id)}</PartnerLink>
              </td>
              <td>{humanize(c.type)}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {accruals.length > 0 ? (
        <DataTable
          label={`Accrual lines of event ${event.id}`}
          columns={['Partner', 'Program', 'Kind', 'Rule', { label: 'Amount', numeric: true }]}
        >
          {accruals.map((a) => (
            <tr key={a.id}>
              <td>
                <PartnerLink id={a.partner_id}>{partnerName(a.partner_id)}</PartnerLink>
              </td>
              <td>{programName(a.program_id)}</td>
              <td>{humanize(a.kind)}</td>
              <td className="mono console-nowrap">{a.rule_id}</td>
              <td className="num">
                <Money amount={a.amount} currency={a.currency} />
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      <h3 className="small">Body as sent</h3>
      {/* A scrollable region is focusable and named, so the keyboard can scroll a long body. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section aria-label={`Body of event ${event.id}`} tabIndex={0}>
        <pre className="console-code">{JSON.stringify(event.body, null, 2)}</pre>
      </section>
    </div>
  );
}
