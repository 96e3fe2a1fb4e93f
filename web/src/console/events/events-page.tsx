import { useQuery } from '@tanstack/react-query';
import { useSearch } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { api, call } from '../../api/client';
import type { DayStats } from '../../api/dashboards';
import {
  type DateRange,
  DateRangePicker,
  presetRange,
  rangeToQuery,
} from '../../ui/date-range-picker';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { TimeSeriesChart } from '../../ui/time-series-chart';
import { CustomerSummary } from './customer-summary';
import { EventFilters } from './event-filters';
import { EventList } from './event-list';
import './events.css';

/**
 * `/console/events`: the events explorer (filters in the URL, newest first,
 * each event with what it produced), the customer it is narrowed to, and
 * the stream summarized per day.
 */
export function EventsPage(): ReactNode {
  const search = useSearch({ from: '/console/events' });
  return (
    <>
      <PageHeader
        title="Events"
        lead="What arrives from the marketplace and what Tandem made of it: conversions and accrual lines."
      />
      <Section title="Find events">
        <EventFilters key={JSON.stringify(search)} search={search} />
        <EventList search={search} />
      </Section>
      {search.customer ? <CustomerSummary customerId={search.customer} /> : null}
      <DailyEvents />
    </>
  );
}

function DailyEvents() {
  const [range, setRange] = useState<DateRange>(presetRange('30d'));
  const query = rangeToQuery(range);
  const stats = useQuery({
    queryKey: ['stats', query],
    queryFn: () =>
      call<{ data: DayStats[] }>(api.GET('/v1/stats', { params: { query } })).then((r) => r.data),
  });
  return (
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
  );
}
