import type { BacktestReport } from './summarize-backtest.js';

export const BACKTEST_CSV_COLUMNS = [
  'section',
  'partner_id',
  'partner_name',
  'currency',
  'metric',
  'baseline',
  'draft',
  'difference',
] as const;

/**
 * A text cell: quoted when it must be, and defused against formula injection (a partner
 * name starting with =, +, -, @, tab or CR gets a leading ' so a spreadsheet shows it as
 * text). Numeric cells are ours and written as they are, so "-12.00" stays a number.
 */
function text(value: string | null | undefined): string {
  let t = value ?? '';
  if (/^[=+\-@\t\r]/.test(t)) t = `'${t}`;
  return /[",\r\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
}

const num = (v: string | number | null | undefined) =>
  v === null || v === undefined ? '' : `${v}`;

/**
 * A backtest report as one rectangular CSV table (RFC 4180, CRLF line ends), so a
 * spreadsheet or a script reads it without special cases: `summary` rows hold the
 * program's figures (`cost`, `activations`, `cost_per_activation`, `revenue`,
 * `cost_share_of_revenue_percent`), then one `partner` row per partner and currency
 * (`metric` = `cost`), largest difference first.
 */
export function backtestCsv(r: BacktestReport): string {
  const rows: string[][] = [[...BACKTEST_CSV_COLUMNS]];
  const summary = (
    metric: string,
    currency: string,
    b: string | number | null,
    d: string | number | null,
    diff: string | number | null,
  ) => rows.push(['summary', '', '', text(currency), metric, num(b), num(d), num(diff)]);
  const { baseline: b, draft: d, difference: x } = r;
  summary('cost', r.currency, b.cost, d.cost, x.cost);
  for (const cur of Object.keys(x.other_currencies))
    summary(
      'cost',
      cur,
      b.other_currencies[cur] ?? null,
      d.other_currencies[cur] ?? null,
      x.other_currencies[cur] ?? null,
    );
  summary('activations', '', b.activations, d.activations, x.activations);
  summary(
    'cost_per_activation',
    r.currency,
    b.cost_per_activation,
    d.cost_per_activation,
    x.cost_per_activation,
  );
  summary('revenue', r.currency, b.revenue, d.revenue, x.revenue);
  summary(
    'cost_share_of_revenue_percent',
    '',
    b.cost_share_of_revenue_percent,
    d.cost_share_of_revenue_percent,
    x.cost_share_of_revenue_percent,
  );
  for (const p of r.partners)
    rows.push([
      'partner',
      text(p.partner_id),
      text(p.name),
      text(p.currency),
      'cost',
      p.baseline,
      p.draft,
      p.difference,
    ]);
  return rows.map((cells) => `${cells.join(',')}\r\n`).join('');
}
