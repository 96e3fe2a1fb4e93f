import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { api, call } from '../../api/client';
import type { Overview } from '../../api/dashboards';
import {
  type DateRange,
  DateRangePicker,
  presetRange,
  rangeToQuery,
} from '../../ui/date-range-picker';
import { Field } from '../../ui/field';
import { amountToNumber, formatMoney, formatNumber } from '../../ui/format';
import { MoneyByCurrency } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { StatCard, StatGrid } from '../../ui/stat-card';
import { TimeSeriesChart } from '../../ui/time-series-chart';
import type { OverviewSearch } from './overview-search';

function rangeOf(search: OverviewSearch): DateRange {
  if (search.range === 'custom' && search.from && search.to)
    return { preset: 'custom', from: search.from, to: search.to };
  return presetRange(search.range === '7d' || search.range === '90d' ? search.range : '30d');
}

/** `/console`: what the programs earned and cost in a period, and what is owed. */
export function OverviewPage(): ReactNode {
  const search = useSearch({ from: '/console/' });
  const navigate = useNavigate({ from: '/console/' });
  const range = rangeOf(search);
  const query = rangeToQuery(range);
  const overview = useQuery({
    queryKey: ['overview', query],
    queryFn: () => call<Overview>(api.GET('/v1/overview', { params: { query } })),
  });

  return (
    <>
      <PageHeader
        title="Overview"
        lead="Attributed revenue, what the incentives cost, and what is owed to partners."
      />
      <DateRangePicker
        value={range}
        onChange={(r) =>
          navigate({
            search:
              r.preset === 'custom'
                ? { range: 'custom', from: r.from, to: r.to }
                : { range: r.preset },
          })
        }
      />
      <QueryView query={overview} loading="Loading the overview…">
        {(data) => <OverviewBody data={data} />}
      </QueryView>
    </>
  );
}

function OverviewBody({ data }: { data: Overview }) {
  const applied = data.partners_by_status.applied ?? 0;
  return (
    <>
      <div className="console-stats">
        <StatGrid>
          <StatCard
            label="Attributed revenue"
            value={<MoneyByCurrency amounts={data.attributed_revenue} empty="0" />}
          />
          <StatCard
            label="Incentive cost"
            value={<MoneyByCurrency amounts={data.incentive_cost} empty="0" />}
          />
          <StatCard label="Cost share of revenue" value={<CostShare share={data.cost_share} />} />
          <StatCard
            label="Active partners"
            value={formatNumber(data.active_partners)}
            hint={
              applied > 0 ? (
                <Link to="/console/partners" search={{ status: 'applied' }}>
                  {applied} {applied === 1 ? 'application' : 'applications'} to review
                </Link>
              ) : (
                'No applications waiting'
              )
            }
          />
          <StatCard label="Clicks" value={formatNumber(data.clicks)} />
          <StatCard label="Signups" value={formatNumber(data.conversions.signups)} />
          <StatCard label="Activations" value={formatNumber(data.conversions.activations)} />
          <StatCard
            label="Payments"
            value={formatNumber(data.conversions.payments)}
            hint={
              data.conversions.refunds
                ? `${formatNumber(data.conversions.refunds)} refunds`
                : undefined
            }
          />
          <StatCard
            label="Pending liabilities"
            value={<MoneyByCurrency amounts={data.liabilities.pending} empty="0" />}
            hint={
              <>
                Available to pay now:{' '}
                <MoneyByCurrency amounts={data.liabilities.available} empty="0" />
                <br />
                In payment: <MoneyByCurrency amounts={data.liabilities.processing} empty="0" />
              </>
            }
          />
        </StatGrid>
      </div>
      <Trends data={data} />
      <p className="muted small">
        Figures as of {new Date(data.as_of).toLocaleString()}. Revenue and cost count by when each
        event happened.
      </p>
    </>
  );
}

function CostShare({ share }: { share: Record<string, string> }) {
  const entries = Object.entries(share).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return <span>—</span>;
  if (entries.length === 1) return <span>{entries[0]?.[1]} %</span>;
  return (
    <span className="money-list">
      {entries.map(([currency, pct], i) => (
        <span key={currency}>
          {i > 0 ? ' · ' : ''}
          {currency} {pct} %
        </span>
      ))}
    </span>
  );
}

function Trends({ data }: { data: Overview }) {
  const currencies = [
    ...new Set(data.series.flatMap((r) => [...Object.keys(r.revenue), ...Object.keys(r.cost)])),
  ].sort();
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const currency = picked && currencies.includes(picked) ? picked : (currencies[0] ?? 'USD');
  const money = (v: number) => formatMoney(v.toFixed(2), currency);
  const moneyRows = data.series.map((r) => ({
    date: r.date,
    revenue: amountToNumber(r.revenue[currency]),
    cost: amountToNumber(r.cost[currency]),
  }));
  const countRows = data.series.map((r) => ({
    date: r.date,
    signups: r.signups,
    activations: r.activations,
  }));
  return (
    <Section title="Trends">
      {currencies.length > 1 ? (
        <Field label="Currency" className="console-inline-field">
          {(control) => (
            <select {...control} value={currency} onChange={(e) => setPicked(e.target.value)}>
              {currencies.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <div className="grid">
        <TimeSeriesChart
          title={`Revenue and incentive cost per day (${currency})`}
          rows={moneyRows}
          series={[
            { key: 'revenue', label: 'Revenue', format: money },
            { key: 'cost', label: 'Incentive cost', format: money },
          ]}
        />
        <TimeSeriesChart
          title="Signups and activations per day"
          rows={countRows}
          series={[
            { key: 'signups', label: 'Signups' },
            { key: 'activations', label: 'Activations' },
          ]}
        />
      </div>
    </Section>
  );
}
