import type { BacktestReport } from '../core/summarize-backtest.js';
import { printable } from './cli-io.js';

/** Signed, so a difference reads as a gain or a loss at a glance. */
const signed = (v: string | number | null) => {
  if (v === null) return '–';
  const s = String(v);
  return s.startsWith('-') || /^0(\.0+)?$/.test(s) ? s : `+${s}`;
};
const plain = (v: string | number | null) => (v === null ? '–' : String(v));
const percent = (v: string | null) => (v === null ? '–' : `${v} %`);

function grid(rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) =>
        rightAligned.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}

/**
 * A backtest report for the terminal: the program's figures side by side (current terms,
 * draft, difference), then the partners with the largest differences, then whether the
 * replay of the current terms reproduced the ledger.
 */
export function backtestTable(r: BacktestReport, opts: { limit?: number } = {}): string {
  const limit = opts.limit ?? 25;
  const cur = r.currency;
  const b = r.baseline;
  const d = r.draft;
  const x = r.difference;
  const out: string[] = [
    `Backtest of ${printable(r.program.key)} (${r.program.id}), ${r.period.from} to ${r.period.to} (UTC, both included)`,
    `draft replayed as version ${r.draft_version.number}, effective ${r.period.from}`,
    '',
  ];
  const summary: string[][] = [
    ['', 'current terms', 'draft', 'difference'],
    [`cost (${cur})`, b.cost, d.cost, signed(x.cost)],
  ];
  for (const c of Object.keys(x.other_currencies))
    summary.push([
      `cost (${c})`,
      b.other_currencies[c] ?? '0',
      d.other_currencies[c] ?? '0',
      signed(x.other_currencies[c] ?? null),
    ]);
  summary.push(
    ['activations', plain(b.activations), plain(d.activations), signed(x.activations)],
    [
      `cost per activation (${cur})`,
      plain(b.cost_per_activation),
      plain(d.cost_per_activation),
      signed(x.cost_per_activation),
    ],
    [`revenue (${cur})`, b.revenue, d.revenue, signed(x.revenue)],
    [
      'cost / revenue',
      percent(b.cost_share_of_revenue_percent),
      percent(d.cost_share_of_revenue_percent),
      x.cost_share_of_revenue_percent === null
        ? '–'
        : `${signed(x.cost_share_of_revenue_percent)} pt`,
    ],
  );
  out.push(...grid(summary, new Set([1, 2, 3])), '');

  if (r.partners.length === 0) out.push('no partner earned anything in the period', '');
  else {
    const shown = r.partners.slice(0, limit);
    const rows: string[][] = [['partner', 'currency', 'current terms', 'draft', 'difference']];
    for (const p of shown)
      rows.push([
        p.name ? `${printable(p.name)} (${p.partner_id})` : p.partner_id,
        p.currency,
        p.baseline,
        p.draft,
        signed(p.difference),
      ]);
    out.push(...grid(rows, new Set([2, 3, 4])));
    if (r.partners.length > shown.length)
      out.push(
        `… ${r.partners.length - shown.length} more partners (--limit, or --format csv for all)`,
      );
    out.push('');
  }

  out.push(
    `${r.customers_replayed} customers, ${r.events_replayed} events replayed in ${(r.elapsed_ms / 1000).toFixed(1)} s`,
  );
  if (r.baseline_replay_matches_ledger === null)
    out.push('check: skipped (--no-check); current activations and revenue from the read model');
  else if (r.baseline_replay_matches_ledger)
    out.push('check: the current terms replayed reproduce the ledger exactly');
  else {
    out.push(
      `check: the current terms replayed differ from the ledger for ${r.mismatches.length} partner/currency pair(s)${r.pending_derivation ? ` — ${r.pending_derivation} derivation unit(s) were still queued; run again once the worker has caught up` : ''}`,
    );
    for (const m of r.mismatches.slice(0, 5))
      out.push(`  ${m.partner_id} ${m.currency}: ledger ${m.ledger}, replay ${m.replay}`);
  }
  for (const w of r.warnings) out.push(`note: ${w}`);
  return `${out.join('\n')}\n`;
}
