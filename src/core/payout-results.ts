import { CsvParser } from './csv-parser.js';
import { isCurrency } from './currency.js';
import { isTandemError } from './errors.js';
import { formatAmount, parseAmount } from './money.js';
import type { FileRail, PayoutResultError, PayoutResultFile, PayoutResultRow } from './payout.js';

type Outcome = 'settled' | 'failed' | 'not_final';

/**
 * How to read one provider's result file. Each column is a list of accepted
 * header names, compared after `headerKey` (so "Reference ID", "reference_id"
 * and "referenceId" are one name); the first one present is used.
 */
interface ResultLayout {
  payoutId: readonly string[];
  status: readonly string[];
  reference: readonly string[];
  reason: readonly string[];
  amount: readonly string[];
  currency: readonly string[];
  /** The outcome each status means; statuses compare like headers (see `headerKey`). */
  outcomes: Readonly<Record<string, Outcome>>;
}

/**
 * Header names and statuses match case-, space- and punctuation-insensitively:
 * "Reference ID", "reference_id" and "referenceId" are one name, "On Hold",
 * "ONHOLD" and "on_hold" one status.
 */
const headerKey = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const GENERIC: ResultLayout = {
  payoutId: ['payout_id'],
  status: ['status'],
  reference: ['reference'],
  reason: ['reason'],
  amount: ['amount'],
  currency: ['currency'],
  outcomes: {
    settled: 'settled',
    paid: 'settled',
    completed: 'settled',
    failed: 'failed',
    returned: 'failed',
    rejected: 'failed',
  },
};

/**
 * PayPal's payout statuses are confirmed from the Payouts API
 * (developer.paypal.com, payout_batch_items `transaction_status`: SUCCESS,
 * FAILED, PENDING, UNCLAIMED, RETURNED, ONHOLD, BLOCKED, REFUNDED, REVERSED);
 * the account activity report shows "Completed" for a sent payment. The
 * column names of the downloaded report are an assumption (PayPal documents
 * only that it has Date, Name, Status, Transaction ID, Fee, …), hence the
 * aliases: our payout id is the Customer ID of the upload, which reports and
 * the API call Reference ID or sender_item_id. UNCLAIMED and PENDING are not
 * final: an unclaimed payout returns to the sender after 30 days.
 */
const PAYPAL: ResultLayout = {
  payoutId: ['Reference ID', 'Customer ID', 'Sender Item ID'],
  status: ['Status', 'Transaction Status', 'Item Status'],
  reference: ['Transaction ID', 'Payout Item ID'],
  reason: ['Reason', 'Failure Reason', 'Error', 'Error Message'],
  amount: ['Amount', 'Gross', 'Payment Amount'],
  currency: ['Currency', 'Currency Code'],
  outcomes: {
    success: 'settled',
    completed: 'settled',
    failed: 'failed',
    returned: 'failed',
    blocked: 'failed',
    refunded: 'failed',
    reversed: 'failed',
    denied: 'failed',
    canceled: 'failed',
    cancelled: 'failed',
    pending: 'not_final',
    unclaimed: 'not_final',
    onhold: 'not_final',
    processing: 'not_final',
  },
};

/**
 * Wise's transfer statuses are confirmed from its API docs
 * (docs.wise.com/guides/product/send-money/tracking/transfer-statuses):
 * incoming_payment_waiting → processing → funds_converted →
 * outgoing_payment_sent is the happy path; outgoing_payment_sent →
 * bounced_back → processing → cancelled → funds_refunded the unhappy one.
 * Assumptions: the file is Wise's transfers export, with a "TransferWise ID"
 * (or "ID"), "Status", "Payment Reference" (or "Reference") holding our payout
 * id, and "Amount"/"Currency" (or "Target Amount"/"Target Currency"); the
 * web export's upper-case COMPLETED/CANCELLED/REFUNDED are read too. A bounce
 * can come weeks after outgoing_payment_sent, so a settled payout may later
 * appear failed in a newer file.
 */
const WISE: ResultLayout = {
  payoutId: ['Payment Reference', 'Reference'],
  status: ['Status', 'Transfer Status', 'State'],
  reference: ['TransferWise ID', 'Wise ID', 'Transfer ID', 'ID'],
  reason: ['Reason', 'Failure Reason', 'Status Reason'],
  amount: ['Target Amount', 'Amount'],
  currency: ['Target Currency', 'Currency'],
  outcomes: {
    outgoing_payment_sent: 'settled',
    completed: 'settled',
    sent: 'settled',
    cancelled: 'failed',
    canceled: 'failed',
    bounced_back: 'failed',
    funds_refunded: 'failed',
    charged_back: 'failed',
    refunded: 'failed',
    failed: 'failed',
    incoming_payment_waiting: 'not_final',
    incoming_payment_initiated: 'not_final',
    processing: 'not_final',
    funds_converted: 'not_final',
    pending: 'not_final',
  },
};

/** A CSV record that parsed, with its fields trimmed. */
interface CsvRow {
  line: number;
  fields: string[];
}

/** Reads `text` as CSV into records and per-record errors (CsvParser is fed line by line). */
function readCsv(text: string): { records: CsvRow[]; errors: PayoutResultError[] } {
  const parser = new CsvParser();
  const records: CsvRow[] = [];
  const errors: PayoutResultError[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  const take = (r: ReturnType<CsvParser['push']>) => {
    if (!r) return;
    if ('fields' in r) records.push({ line: r.line, fields: r.fields.map((f) => f.trim()) });
    else errors.push({ line: r.line, code: 'malformed_row', message: r.error });
  };
  for (const [i, line] of lines.entries()) take(parser.push(line, i + 1));
  take(parser.end(lines.length));
  return { records, errors };
}

/** The index of the first of `names` in the header, or -1. */
function columnOf(header: readonly string[], names: readonly string[]): number {
  const keys = header.map(headerKey);
  for (const name of names) {
    const i = keys.indexOf(headerKey(name));
    if (i >= 0) return i;
  }
  return -1;
}

/** A decimal as a provider may write it: "1,234.50" has its grouping commas dropped. */
function ungroup(text: string): string {
  return /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text) ? text.replaceAll(',', '') : text;
}

/** A provider's text quoted for a message, cut short so one bad cell cannot flood the report. */
function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** Where each column is in the header; -1 when absent. */
interface Columns {
  payoutId: number;
  status: number;
  reference: number;
  reason: number;
  amount: number;
  currency: number;
}

type RowCheck = { row: PayoutResultRow } | { error: PayoutResultError };

function readRow(outcomes: ReadonlyMap<string, Outcome>, cols: Columns, r: CsvRow): RowCheck {
  const cell = (i: number) => (i < 0 ? '' : (r.fields[i] ?? ''));
  const fail = (code: string, message: string): RowCheck => ({
    error: { line: r.line, code, message },
  });
  const payoutId = cell(cols.payoutId);
  if (payoutId === '') return fail('missing_payout_id', 'the row has no payout id');
  const who = `payout ${quote(payoutId)}`;
  const statusText = cell(cols.status);
  const outcome = outcomes.get(headerKey(statusText));
  if (outcome === undefined) {
    return fail(
      'unknown_status',
      `${who}: status ${quote(statusText)} is not one Tandem knows, so it is neither settled nor failed`,
    );
  }
  if (outcome === 'not_final') {
    return fail('not_final', `${who} is ${quote(statusText)}: not settled or failed yet`);
  }
  const currencyText = cell(cols.currency).toUpperCase();
  const amountText = cell(cols.amount);
  let amount: bigint | undefined;
  if (amountText !== '') {
    if (!isCurrency(currencyText)) {
      return fail(
        'invalid_amount',
        currencyText === ''
          ? `${who}: amount ${quote(amountText)} has no currency`
          : `${who}: unknown currency ${quote(currencyText)}`,
      );
    }
    if (amountText.length > 40) {
      return fail('invalid_amount', `${who}: amount ${quote(amountText)} is not a decimal amount`);
    }
    try {
      // Providers write money leaving the account as negative; the row keeps its size.
      const minor = parseAmount(ungroup(amountText), currencyText, { allowNegative: true });
      amount = minor < 0n ? -minor : minor;
    } catch (e) {
      if (!isTandemError(e)) throw e;
      return fail('invalid_amount', `${who}: ${e.message}`);
    }
  }
  const reference = cell(cols.reference);
  const reason = cell(cols.reason);
  return {
    row: {
      line: r.line,
      payoutId,
      status: outcome,
      reference: reference === '' ? undefined : reference,
      reason: reason === '' ? undefined : reason,
      amount,
      currency: currencyText === '' ? undefined : currencyText,
    },
  };
}

const sameOutcome = (a: PayoutResultRow, b: PayoutResultRow) =>
  a.status === b.status &&
  a.reference === b.reference &&
  a.amount === b.amount &&
  a.currency === b.currency;

function outcomeText(r: PayoutResultRow): string {
  const parts: string[] = [r.status];
  if (r.reference !== undefined) parts.push(`reference ${quote(r.reference)}`);
  if (r.amount !== undefined && r.currency !== undefined && isCurrency(r.currency)) {
    parts.push(`${formatAmount(r.amount, r.currency)} ${r.currency}`);
  }
  return parts.join(', ');
}

function parseWith(layout: ResultLayout, text: string): PayoutResultFile {
  if (text.trim() === '') {
    return { rows: [], errors: [{ line: 1, code: 'empty_file', message: 'the file is empty' }] };
  }
  if (text.includes('\u0000')) {
    return {
      rows: [],
      errors: [{ line: 1, code: 'not_csv', message: 'the file is binary, not a CSV text file' }],
    };
  }
  const { records, errors } = readCsv(text);
  const [header, ...body] = records;
  const headerError = errors[0];
  if (!header || (headerError && headerError.line <= header.line)) {
    const line = headerError?.line ?? 1;
    const why = headerError ? `: ${headerError.message}` : '';
    return {
      rows: [],
      errors: [{ line, code: 'not_csv', message: `the header row cannot be read as CSV${why}` }],
    };
  }
  const cols: Columns = {
    payoutId: columnOf(header.fields, layout.payoutId),
    status: columnOf(header.fields, layout.status),
    reference: columnOf(header.fields, layout.reference),
    reason: columnOf(header.fields, layout.reason),
    amount: columnOf(header.fields, layout.amount),
    currency: columnOf(header.fields, layout.currency),
  };
  const missing = [cols.payoutId < 0 && layout.payoutId, cols.status < 0 && layout.status].filter(
    (names): names is readonly string[] => names !== false,
  );
  if (missing.length > 0) {
    const wanted = missing.map((names) => names.map((n) => `"${n}"`).join(' or ')).join(', and ');
    return {
      rows: [],
      errors: [
        {
          line: header.line,
          code: 'missing_column',
          message: `the header needs a ${wanted} column`,
        },
      ],
    };
  }

  const outcomes = new Map(Object.entries(layout.outcomes).map(([k, v]) => [headerKey(k), v]));
  const rows: PayoutResultRow[] = [];
  const seen = new Map<string, PayoutResultRow>();
  const conflicted = new Set<string>();
  for (const r of body) {
    if (r.fields.every((f) => f === '')) continue;
    const checked = readRow(outcomes, cols, r);
    if ('error' in checked) {
      errors.push(checked.error);
      continue;
    }
    const row = checked.row;
    const first = seen.get(row.payoutId);
    if (!first) {
      seen.set(row.payoutId, row);
      rows.push(row);
    } else if (!sameOutcome(first, row)) {
      // Two outcomes for one payout (or two transactions: paid twice?) leave
      // nothing to trust, so neither row is applied.
      conflicted.add(row.payoutId);
      errors.push({
        line: row.line,
        code: 'duplicate_row',
        message: `payout ${quote(row.payoutId)} is on line ${first.line} as ${outcomeText(first)} and here as ${outcomeText(row)}`,
      });
    }
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows: rows.filter((r) => !conflicted.has(r.payoutId)), errors };
}

/**
 * Reads the result file an operator fills in for the generic CSV rail:
 * header `payout_id,status,reference,reason[,amount,currency]`; status
 * settled, paid or completed means settled, failed, returned or rejected
 * means failed. Never throws: a bad row becomes an error with its line and
 * the good rows still come through (see `PayoutResultFile`).
 */
export function parseGenericResult(text: string): PayoutResultFile {
  return parseWith(GENERIC, text);
}

/**
 * Reads a PayPal payouts report, matching rows to payouts by Reference ID
 * (the Customer ID we uploaded). Success/Completed is settled;
 * Failed/Returned/Blocked/Refunded/Reversed is failed; Pending, Unclaimed and
 * On hold are reported as `not_final` errors so the operator sees them.
 */
export function parsePaypalResult(text: string): PayoutResultFile {
  return parseWith(PAYPAL, text);
}

/**
 * Reads a Wise transfers export, matching rows to payouts by Payment
 * Reference. outgoing_payment_sent (or COMPLETED) is settled; cancelled,
 * bounced_back, funds_refunded, charged_back (or FAILED, REFUNDED) are
 * failed; earlier states are `not_final` errors.
 */
export function parseWiseResult(text: string): PayoutResultFile {
  return parseWith(WISE, text);
}

const parsers: Readonly<Record<FileRail, (text: string) => PayoutResultFile>> = {
  csv: parseGenericResult,
  paypal: parsePaypalResult,
  wise: parseWiseResult,
};

/** Reads the result file of `rail`; see the parser of each rail. */
export function parseResultFile(rail: FileRail, text: string): PayoutResultFile {
  return parsers[rail](text);
}
