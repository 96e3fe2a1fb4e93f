import { useId } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatCompact, formatDate, formatNumber } from './format';

export interface ChartSeries {
  /** The row field that holds this series' number. */
  key: string;
  label: string;
  color?: string;
  /** How a value reads in the summary, table and tooltip (default: a count). */
  format?: (value: number) => string;
}

export type ChartRow = { date: string } & Record<string, number | string>;

const palette = ['#2f5bd3', '#d1741f', '#1d7a46', '#8e44ad', '#b3261e'];

function numberAt(row: ChartRow, key: string): number {
  const v = row[key];
  return typeof v === 'number' ? v : 0;
}

/**
 * A sentence per series for people who cannot see the chart: the total over
 * the period and its busiest day. Exported for tests.
 */
export function summarizeSeries(rows: ChartRow[], series: ChartSeries[]): string {
  if (rows.length === 0) return 'No data in this period.';
  const first = rows[0]!.date;
  const last = rows[rows.length - 1]!.date;
  const parts = series.map((s) => {
    const fmt = s.format ?? formatNumber;
    let total = 0;
    let peak = rows[0]!;
    for (const r of rows) {
      total += numberAt(r, s.key);
      if (numberAt(r, s.key) > numberAt(peak, s.key)) peak = r;
    }
    if (total === 0) return `${s.label}: none.`;
    return `${s.label}: ${fmt(total)} in total, most on ${formatDate(peak.date)} (${fmt(numberAt(peak, s.key))}).`;
  });
  return `From ${formatDate(first)} to ${formatDate(last)}. ${parts.join(' ')}`;
}

/**
 * A daily line chart with what it shows in words beside it: a summary
 * sentence and the numbers as a table behind a disclosure. The drawing itself
 * is hidden from assistive technology, which gets the text instead.
 */
export function TimeSeriesChart({
  title,
  rows,
  series,
  summary,
}: {
  title: string;
  rows: ChartRow[];
  series: ChartSeries[];
  /** Overrides the generated summary sentence. */
  summary?: string;
}) {
  const id = useId();
  const colored = series.map((s, i) => ({ ...s, color: s.color ?? palette[i % palette.length] }));
  return (
    <figure className="chart" aria-labelledby={`${id}-title`} style={{ margin: 0 }}>
      <h3 id={`${id}-title`}>{title}</h3>
      <p className="chart-summary">{summary ?? summarizeSeries(rows, series)}</p>
      <div className="chart-canvas" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart
            data={rows}
            margin={{ top: 8, right: 12, bottom: 0, left: 0 }}
            accessibilityLayer={false}
          >
            <CartesianGrid stroke="#e6e9ee" vertical={false} />
            <XAxis
              dataKey="date"
              tickFormatter={(d: string) => d.slice(5)}
              tick={{ fontSize: 12 }}
              minTickGap={16}
            />
            <YAxis
              tick={{ fontSize: 12 }}
              width={48}
              allowDecimals={false}
              tickFormatter={formatCompact}
            />
            <Tooltip
              labelFormatter={(d) => formatDate(String(d))}
              formatter={(v, name) => {
                const s = colored.find((c) => c.label === name);
                return [(s?.format ?? formatNumber)(Number(v)), name];
              }}
            />
            {colored.length > 1 ? <Legend /> : null}
            {colored.map((s) => (
              <Line
                key={s.key}
                type="linear"
                dataKey={s.key}
                name={s.label}
                stroke={s.color}
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <details>
        <summary>Show the numbers as a table</summary>
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{title} per day</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                {series.map((s) => (
                  <th key={s.key} scope="col" className="num">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.date}>
                  <th scope="row">{formatDate(r.date)}</th>
                  {series.map((s) => (
                    <td key={s.key} className="num">
                      {(s.format ?? formatNumber)(numberAt(r, s.key))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
