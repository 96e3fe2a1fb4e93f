import { csvCell, csvNumber, csvRow } from './csv-cell.js';
import type { Currency } from './currency.js';
import { formatAmount } from './money.js';
import { isoDay, toIso } from './time.js';

/** One movement on a partner's balance, as a statement shows it. */
export interface StatementItem {
  /** Epoch ms. */
  at: number;
  type:
    | 'accrual'
    | 'reversal'
    | 'clawback'
    | 'adjustment'
    | 'payout'
    | 'payout_returned'
    | 'conversion'
    | 'bonus';
  description: string;
  reference: string;
  /** Signed minor units of the section's currency: money in is positive, a payout negative. */
  amount: bigint;
}

/** A statement's movements in one currency; `opening` plus the items is `closing`. */
export interface StatementSection {
  currency: Currency;
  opening: bigint;
  items: StatementItem[];
  closing: bigint;
}

export interface Statement {
  partner: { id: string; name: string };
  program: { id: string; name: string };
  /** "2026-10". */
  period: string;
  from: number;
  to: number;
  generatedAt: number;
  sections: StatementSection[];
}

const TYPE_LABELS: Readonly<Record<StatementItem['type'], string>> = {
  accrual: 'Accrual',
  reversal: 'Reversal',
  clawback: 'Clawback',
  adjustment: 'Adjustment',
  payout: 'Payout',
  payout_returned: 'Payout returned',
  conversion: 'Conversion',
  bonus: 'Bonus',
};

/**
 * The items of a section in time order (ties keep their given order) with the
 * balance after each. A section whose items do not lead from opening to
 * closing is a bug upstream, and a statement must never show figures that do
 * not add up, so that throws.
 */
function runningBalances(section: StatementSection): { item: StatementItem; balance: bigint }[] {
  let balance = section.opening;
  const lines = [...section.items]
    .sort((a, b) => a.at - b.at)
    .map((item) => {
      balance += item.amount;
      return { item, balance };
    });
  if (balance !== section.closing) {
    const cur = section.currency;
    throw new RangeError(
      `statement section ${cur} does not add up: opening ${formatAmount(section.opening, cur)} and items give ${formatAmount(balance, cur)}, closing says ${formatAmount(section.closing, cur)}`,
    );
  }
  return lines;
}

/**
 * The statement as CSV: `currency,date,type,description,reference,amount,balance`,
 * per section an `opening_balance` row, the items with the running balance,
 * and a `closing_balance` row. Dates are ISO 8601 (UTC); amounts are plain
 * decimals in the section's currency; every text cell is guarded against
 * formula injection. Throws a RangeError when a section does not add up.
 */
export function statementCsv(s: Statement): string {
  let out = csvRow(
    ['currency', 'date', 'type', 'description', 'reference', 'amount', 'balance'].map(csvCell),
  );
  for (const section of s.sections) {
    const cur = section.currency;
    const money = (amount: bigint) => csvNumber(formatAmount(amount, cur));
    const lines = runningBalances(section);
    out += csvRow([
      csvCell(cur),
      csvCell(toIso(s.from)),
      csvCell('opening_balance'),
      csvCell('Opening balance'),
      csvCell(''),
      csvCell(''),
      money(section.opening),
    ]);
    for (const { item, balance } of lines) {
      out += csvRow([
        csvCell(cur),
        csvCell(toIso(item.at)),
        csvCell(item.type),
        csvCell(item.description),
        csvCell(item.reference),
        money(item.amount),
        money(balance),
      ]);
    }
    out += csvRow([
      csvCell(cur),
      csvCell(toIso(s.to)),
      csvCell('closing_balance'),
      csvCell('Closing balance'),
      csvCell(''),
      csvCell(''),
      money(section.closing),
    ]);
  }
  return out;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

const STYLE = `
  @page { margin: 15mm; }
  * { box-sizing: border-box; }
  body { font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin: 0 0 0.25rem; }
  h2 { font-size: 1.1rem; margin: 2rem 0 0.5rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 1rem 0; }
  dt { color: #555; }
  dd { margin: 0; }
  table { width: 100%; border-collapse: collapse; page-break-inside: auto; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; }
  th, td { padding: 0.3rem 0.5rem; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
  th { border-bottom: 2px solid #333; font-weight: 600; }
  .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
  .neg { color: #a00; }
  .balance-row td { font-weight: 600; background: #f4f4f4; }
  .ref { color: #555; font-size: 0.9em; word-break: break-all; }
  .empty { color: #555; font-style: italic; }
  @media print { body { margin: 0; max-width: none; } .balance-row td { background: none; } }
`;

function amountTd(amount: bigint, cur: Currency): string {
  const cls = amount < 0n ? 'num neg' : 'num';
  return `<td class="${cls}">${escapeHtml(formatAmount(amount, cur))}</td>`;
}

function sectionHtml(s: Statement, section: StatementSection): string {
  const cur = section.currency;
  const lines = runningBalances(section);
  const balanceRow = (label: string, at: number, amount: bigint) =>
    `<tr class="balance-row"><td>${escapeHtml(isoDay(at))}</td><td colspan="3">${escapeHtml(label)}</td><td></td>${amountTd(amount, cur)}</tr>`;
  const items = lines.map(
    ({ item, balance }) =>
      `<tr><td>${escapeHtml(isoDay(item.at))}</td><td>${escapeHtml(TYPE_LABELS[item.type])}</td><td>${escapeHtml(item.description)}</td><td class="ref">${escapeHtml(item.reference)}</td>${amountTd(item.amount, cur)}${amountTd(balance, cur)}</tr>`,
  );
  return [
    `<section>`,
    `<h2>${escapeHtml(cur)}</h2>`,
    `<table>`,
    `<thead><tr><th>Date</th><th>Type</th><th>Description</th><th>Reference</th><th class="num">Amount (${escapeHtml(cur)})</th><th class="num">Balance (${escapeHtml(cur)})</th></tr></thead>`,
    `<tbody>`,
    balanceRow('Opening balance', s.from, section.opening),
    ...(items.length > 0
      ? items
      : [`<tr><td></td><td class="empty" colspan="5">No movements in this period.</td></tr>`]),
    balanceRow('Closing balance', s.to, section.closing),
    `</tbody>`,
    `</table>`,
    `</section>`,
  ].join('\n');
}

/**
 * The statement as a complete, printable HTML5 document: inline CSS, no
 * scripts, no external assets (a Content-Security-Policy forbids loading any),
 * every text escaped. One table per currency: opening balance, the items with
 * the running balance, closing balance. Throws a RangeError when a section
 * does not add up.
 */
export function statementHtml(s: Statement): string {
  const title = `Statement — ${s.partner.name} — ${s.program.name} — ${s.period}`;
  const sections =
    s.sections.length > 0
      ? s.sections.map((section) => sectionHtml(s, section))
      : ['<p class="empty">No balance and no movements in this period.</p>'];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(title)}</h1>`,
    '<dl>',
    `<dt>Partner</dt><dd>${escapeHtml(s.partner.name)} <span class="ref">${escapeHtml(s.partner.id)}</span></dd>`,
    `<dt>Program</dt><dd>${escapeHtml(s.program.name)} <span class="ref">${escapeHtml(s.program.id)}</span></dd>`,
    `<dt>Period</dt><dd>${escapeHtml(s.period)}</dd>`,
    `<dt>Generated</dt><dd>${escapeHtml(toIso(s.generatedAt))}</dd>`,
    '</dl>',
    '</header>',
    '<main>',
    ...sections,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The statement for the JSON API: amounts as decimals of their currency, times as ISO 8601. */
export function statementJson(s: Statement) {
  return {
    partner: s.partner,
    program: s.program,
    period: s.period,
    from: toIso(s.from),
    to: toIso(s.to),
    generated_at: toIso(s.generatedAt),
    sections: s.sections.map((sec) => ({
      currency: sec.currency,
      opening: formatAmount(sec.opening, sec.currency),
      closing: formatAmount(sec.closing, sec.currency),
      items: runningBalances(sec).map(({ item, balance }) => ({
        at: toIso(item.at),
        type: item.type,
        description: item.description,
        reference: item.reference,
        amount: formatAmount(item.amount, sec.currency),
        balance: formatAmount(balance, sec.currency),
      })),
    })),
  };
}
