import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type ReactNode, useId, useState } from 'react';
import { ApiError, api, call } from '../../api/client';
import {
  type DateRange,
  DateRangePicker,
  presetRange,
  rangeToQuery,
} from '../../ui/date-range-picker';
import { formatDateTime, formatNumber } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { EmptyState } from '../../ui/states';
import { TableScroll } from '../../ui/table-scroll';
import { TimeSeriesChart } from '../../ui/time-series-chart';
import { AccrualTable } from '../ledger/accrual-table';
import type { Accrual, Attribution, Page } from '../models';
import { QueryView } from '../query-view';
import { Section } from '../section';
import { usePartnerNames } from '../use-partner-names';
import { useProgramName } from '../use-programs';

interface DayStats {
  date: string;
  clicks: number;
  bot_clicks: number;
  signups: number;
  activations: number;
  payments: number;
  refunds: number;
}

interface CustomerView {
  id: string;
  events: number;
  attributions: Attribution[];
}

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
              rows={rows.map((r) => ({ ...r }))}
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
  const id = useId();
  const [text, setText] = useState('');
  const [asked, setAsked] = useState('');
  const programName = useProgramName();
  const partnerName = usePartnerNames();
  const customer = useQuery({
    queryKey: ['customer', asked],
    enabled: asked !== '',
    retry: false,
    queryFn: async (): Promise<CustomerView | null> => {
      try {
        return await call<CustomerView>(
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
        <div className="field">
          <label htmlFor={`${id}-customer`}>Customer id</label>
          <input
            id={`${id}-customer`}
            value={text}
            placeholder="the id your events carry"
            onChange={(e) => setText(e.target.value)}
          />
        </div>
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
                    <TableScroll label="Attributions">
                      <table>
                        <thead>
                          <tr>
                            <th scope="col">Program</th>
                            <th scope="col">Partner</th>
                            <th scope="col">Since</th>
                            <th scope="col">Why</th>
                          </tr>
                        </thead>
                        <tbody>
                          {c.attributions.map((a) => (
                            <tr key={a.program_id}>
                              <th scope="row">{programName(a.program_id)}</th>
                              <td>
                                <Link
                                  to="/console/partners/$partnerId"
                                  params={{ partnerId: a.partner_id }}
                                >
                                  {partnerName(a.partner_id)}
                                </Link>
                              </td>
                              <td className="console-nowrap">{formatDateTime(a.attributed_at)}</td>
                              <td>{ruleOf(a.reason)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </TableScroll>
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
