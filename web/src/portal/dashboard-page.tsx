import { useState } from 'react';
import type { Dashboard } from '../api/dashboards';
import { useMe } from '../auth/use-me';
import { type DateRange, DateRangePicker, presetRange } from '../ui/date-range-picker';
import { amountToNumber, formatMoney, formatNumber, formatTime } from '../ui/format';
import { MoneyByCurrency } from '../ui/money';
import { PageHeader } from '../ui/page-header';
import { Section } from '../ui/section';
import { StatCard, StatGrid } from '../ui/stat-card';
import { ErrorNotice, Loading } from '../ui/states';
import { type ChartRow, type ChartSeries, TimeSeriesChart } from '../ui/time-series-chart';
import { BalancesTable } from './balances-table';
import { RecentEarnings } from './recent-earnings';
import { useDashboard } from './use-dashboard';
import { usePartnerId } from './use-partner-id';

/** Currencies that appear in a money map of the totals or any day, sorted. */
function currenciesOf(d: Dashboard, field: 'revenue' | 'earnings'): string[] {
  const set = new Set(Object.keys(d.totals[field]));
  for (const day of d.series) for (const c of Object.keys(day[field])) set.add(c);
  return [...set].sort();
}

function activityRows(d: Dashboard): ChartRow[] {
  return d.series.map((day) => ({
    date: day.date,
    clicks: day.clicks,
    signups: day.signups,
    activations: day.activations,
  }));
}

function moneyRows(d: Dashboard, field: 'revenue' | 'earnings', currencies: string[]): ChartRow[] {
  return d.series.map((day) => {
    const row: ChartRow = { date: day.date };
    for (const c of currencies) row[c] = amountToNumber(day[field][c]);
    return row;
  });
}

function moneySeries(currencies: string[], label: string): ChartSeries[] {
  return currencies.map((c) => ({
    key: c,
    label: currencies.length > 1 ? `${label} (${c})` : label,
    format: (v: number) => formatMoney(v.toFixed(2), c),
  }));
}

/**
 * /portal: how the partner is doing over a period (clicks to earnings), its
 * balances and its latest earnings. Refreshes itself every second while
 * visible, so a new conversion shows up without a reload.
 */
export function DashboardPage() {
  const partnerId = usePartnerId();
  const me = useMe();
  const [range, setRange] = useState<DateRange>(() => presetRange('30d'));
  const dashboard = useDashboard(partnerId, range);
  const d = dashboard.data;

  const earningCurrencies = d ? currenciesOf(d, 'earnings') : [];
  const revenueCurrencies = d ? currenciesOf(d, 'revenue') : [];

  return (
    <>
      <PageHeader
        title="Dashboard"
        lead={me.data?.name ? `How ${me.data.name} is doing.` : undefined}
        actions={
          d ? (
            <p className="small muted" style={{ margin: 0 }}>
              Updated <time dateTime={d.as_of}>{formatTime(d.as_of)}</time>
              {dashboard.isFetching ? <span className="visually-hidden"> (refreshing)</span> : null}
            </p>
          ) : null
        }
      />
      <DateRangePicker value={range} onChange={setRange} />

      {dashboard.isError && !d ? (
        <div className="section">
          <ErrorNotice error={dashboard.error} retry={() => dashboard.refetch()} />
        </div>
      ) : null}
      {dashboard.isPending ? <Loading label="Loading your dashboard…" /> : null}

      {d ? (
        <>
          {dashboard.isError ? (
            <p className="notice notice-warn small" role="status">
              Showing the last figures: the latest refresh did not work. Retrying…
            </p>
          ) : null}
          <section className="section" aria-labelledby="totals-heading">
            <h2 id="totals-heading" className="visually-hidden">
              Totals for the period
            </h2>
            <StatGrid>
              <StatCard label="Clicks" value={formatNumber(d.totals.clicks)} />
              <StatCard label="Signups" value={formatNumber(d.totals.signups)} />
              <StatCard label="Activations" value={formatNumber(d.totals.activations)} />
              <StatCard
                label="Attributed revenue"
                value={<MoneyByCurrency amounts={d.totals.revenue} empty="0" />}
                hint={`${formatNumber(d.totals.payments)} payments`}
              />
              <StatCard
                label="Earnings"
                value={<MoneyByCurrency amounts={d.totals.earnings} empty="0" />}
              />
            </StatGrid>
          </section>

          <Section title="Over time">
            <div className="grid">
              <TimeSeriesChart
                title="Clicks, signups and activations"
                rows={activityRows(d)}
                series={[
                  { key: 'clicks', label: 'Clicks' },
                  { key: 'signups', label: 'Signups' },
                  { key: 'activations', label: 'Activations' },
                ]}
              />
              {earningCurrencies.length > 0 ? (
                <TimeSeriesChart
                  title="Earnings"
                  rows={moneyRows(d, 'earnings', earningCurrencies)}
                  series={moneySeries(earningCurrencies, 'Earnings')}
                />
              ) : (
                <TimeSeriesChart
                  title="Attributed revenue"
                  rows={moneyRows(d, 'revenue', revenueCurrencies)}
                  series={moneySeries(revenueCurrencies, 'Revenue')}
                />
              )}
            </div>
          </Section>

          <Section title="Balances">
            <BalancesTable balances={d.balances} />
          </Section>
        </>
      ) : null}

      <Section title="Latest earnings">
        <RecentEarnings partnerId={partnerId} />
      </Section>
    </>
  );
}
