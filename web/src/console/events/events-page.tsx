import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import type { Accrual } from '../../api/accruals';
import { ApiError, api, call } from '../../api/client';
import type { DayStats } from '../../api/dashboards';
import type { Page } from '../../api/models';
import type { Customer } from '../../api/partners';
import { DataTable } from '../../ui/data-table';
import {
  type DateRange,
  DateRangePicker,
  presetRange,
  rangeToQuery,
} from '../../ui/date-range-picker';
import { Field } from '../../ui/field';
import { formatDateTime, formatNumber } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { TimeSeriesChart } from '../../ui/time-series-chart';
import { AccrualTable } from '../ledger/accrual-table';
import { PartnerLink } from '../partners/partner-link';
import { usePartnerNames } from '../use-partner-names';
import { useProgramName } from '../use-programs';

/**
 * `/console/events`: the event stream summarized per day (the API keeps no
 * listing of single events), and a customer look-up: how many events, and
 * who they are attributed to and why.
 */
export function EventsPage(): ReactNode {
  const [range, setRange] = useState<DateRange>(presetRange('30d'));
  const query = rangeToQuery(range);
  const stats = useQuery({
    queryKey: ['stats', query],
    queryFn: () =>
      call<{ data: DayStats[] }>(api.GET('/v1/stats', { params: { query } })).then((r) => r.data),
  });
  return (
    <>
      <PageHeader
        title="Events"
        lead="What arrives from the marketplace, per day, and a look-up of one customer."
      />
      <CustomerLookup />
      <Section title="Events per day">
        <DateRangePicker value={range} onChange={setRange} />
        <QueryView query={stats} loading="Loading events per day…">
          {(rows) => (
            <TimeSeriesChart
              title="Events per day"
              // The chart draws counts; revenue is an amount per currency.
              rows={rows.map(({ revenue: _, ...counts }) => counts)}
              series={[
                { key: 'clicks', label: 'Clicks' },
                { key: 'signups', label: 'Signups' },
                { key: 'activations', label: 'Activations' },
                { key: 'payments', label: 'Payments' },
                { key: 'refunds', label: 'Refunds' },
              ]}
            />
          )}
        </QueryView>
      </Section>
    </>
  );
}

function CustomerLookup() {
  const [text, setText] = useState('');
  const [asked, setAsked] = useState('');
  const programName = useProgramName();
  const partnerName = usePartnerNames();
  const customer = useQuery({
    queryKey: ['customer', asked],
    enabled: asked !== '',
    retry: false,
    queryFn: async (): Promise<Customer | null> => {
      try {
        return await call<Customer>(
          api.GET('/v1/customers/{customerId}', { params: { path: { customerId: asked } } }),
        );
      } catch (e) {
        if (e instanceof ApiError && e.code === 'customer_not_found') return null;
        throw e;
      }
    },
  });
  return (
    <Section title="Find a customer">
      <form
        className="form-row console-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(text.trim());
        }}
      >
        <Field label="Customer id">
          {(control) => (
            <input
              {...control}
              value={text}
              placeholder="the id your events carry"
              onChange={(e) => setText(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="primary" disabled={!text.trim()}>
          Find customer
        </button>
      </form>
      {asked ? (
        <div aria-live="polite">
          <QueryView query={customer} loading="Looking up…">
            {(c) =>
              c === null ? (
                <EmptyState title={`No events for customer ${asked}`}>
                  <p>Check the id: it is the customer id the marketplace sends with its events.</p>
                </EmptyState>
              ) : (
                <>
                  <p>
                    Customer <span className="mono">{c.id}</span>: {formatNumber(c.events)}{' '}
                    {c.events === 1 ? 'event' : 'events'}.
                  </p>
                  {c.attributions.length === 0 ? (
                    <p>Not attributed to any partner.</p>
                  ) : (
                    <DataTable
                      label="Attributions"
                      columns={['Program', 'Partner', 'Since', 'Why']}
                    >
                      {c.attributions.map((a) => (
                        <tr key={a.program_id}>
                          <th scope="row">{programName(a.program_id)}</th>
                          <td>
                            <PartnerLink id={a.partner_id}>{partnerName(a.partner_id)}</PartnerLink>
                          </td>
                          <td className="console-nowrap">{formatDateTime(a.attributed_at)}</td>
                          <td>{ruleOf(a.reason)}</td>
                        </tr>
                      ))}
                    </DataTable>
                  )}
                  <CustomerAccruals customerId={c.id} />
                </>
              )
            }
          </QueryView>
        </div>
      ) : null}
    </Section>
  );
}

function CustomerAccruals({ customerId }: { customerId: string }) {
  const partnerName = usePartnerNames();
  const accruals = useQuery({
    queryKey: ['accruals', { customerId }],
    queryFn: () =>
      call<Page<Accrual>>(
        api.GET('/v1/accruals', { params: { query: { customer_id: customerId, limit: 100 } } }),
      ),
  });
  return (
    <QueryView query={accruals} loading="Loading its accruals…">
      {(page) =>
        page.data.length === 0 ? (
          <p>It has earned partners nothing so far.</p>
        ) : (
          <AccrualTable
            accruals={page.data}
            label={`Accruals for customer ${customerId}`}
            showPartner
            partnerName={partnerName}
          />
        )
      }
    </QueryView>
  );
}

function ruleOf(reason: unknown): string {
  if (typeof reason === 'object' && reason !== null && 'rule' in reason) {
    const rule = (reason as { rule: unknown }).rule;
    if (typeof rule === 'string') return rule;
  }
  return '—';
}
