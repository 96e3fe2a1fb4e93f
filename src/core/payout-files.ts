import { csvCell, csvNumber, csvRow } from './csv-cell.js';
import { formatAmount } from './money.js';
import type { FileRail, PayoutFile, PayoutForFile, RailName } from './payout.js';

/** What a generator needs besides the payouts. */
export interface PayoutFileContext {
  runId: string;
  programName: string;
}

export type PayoutFileGenerator = (
  payouts: readonly PayoutForFile[],
  ctx: PayoutFileContext,
) => PayoutFile;

const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/**
 * The details a rail needs that `details` lacks (blank counts as missing),
 * alternatives joined by " or " as in `payout-profile.ts`: PayPal needs
 * `email or phone`; Wise needs `iban or account_number`, and with an account
 * number a `sort_code or routing_number` (the file has no other bank code);
 * Stripe needs `account` (the connected account, `acct_…`); the generic CSV
 * and manual rails need nothing. The engine holds a payout whose list is not empty instead of
 * generating a file the provider would reject.
 *
 * @example
 * missingDetails('wise', { account_number: '12345678' }) // => ['sort_code or routing_number']
 */
export function missingDetails(
  rail: RailName,
  details: Readonly<Record<string, string>>,
): string[] {
  const has = (key: string) => (details[key] ?? '').trim() !== '';
  switch (rail) {
    case 'csv':
    case 'manual':
      return [];
    case 'stripe':
      return has('account') ? [] : ['account'];
    case 'paypal':
      return has('email') || has('phone') ? [] : ['email or phone'];
    case 'wise':
      if (has('iban')) return [];
      if (!has('account_number')) return ['iban or account_number'];
      return has('sort_code') || has('routing_number') ? [] : ['sort_code or routing_number'];
  }
}

/**
 * Payouts by id, in UTF-16 code unit order (not locale order, which could
 * change with the runtime). The same payout twice would pay it twice, so that
 * is refused outright.
 */
function byId(payouts: readonly PayoutForFile[]): PayoutForFile[] {
  const sorted = [...payouts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.id === sorted[i - 1]?.id) {
      throw new RangeError(`payout ${sorted[i]?.id} appears twice in one payout file`);
    }
  }
  return sorted;
}

/** A run id made safe for a file name. */
function filename(runId: string, rail: FileRail): string {
  return `tandem-${runId.replace(/[^A-Za-z0-9_-]/g, '-')}-${rail}.csv`;
}

const amountCell = (p: PayoutForFile) => csvNumber(formatAmount(p.amount, p.currency));
const detail = (p: PayoutForFile, key: string) => (p.details[key] ?? '').trim();
const compact = (text: string) => text.replace(/[\s-]/g, '');

/**
 * A CSV for paying by hand (or for a provider Tandem has no format for): one
 * row per payout with the full method details as `key=value; key=value`,
 * sorted by key.
 */
export const genericCsvFile: PayoutFileGenerator = (payouts, ctx) => {
  const header = [
    'payout_id',
    'partner_id',
    'partner_name',
    'amount',
    'currency',
    'method_details',
    'note',
  ];
  let body = csvRow(header.map(csvCell));
  for (const p of byId(payouts)) {
    const methodDetails = Object.keys(p.details)
      .sort()
      .map((k) => `${k}=${p.details[k]}`)
      .join('; ');
    body += csvRow([
      csvCell(p.id),
      csvCell(p.partnerId),
      csvCell(p.partnerName),
      amountCell(p),
      csvCell(p.currency),
      csvCell(methodDetails),
      csvCell(p.note),
    ]);
  }
  return { filename: filename(ctx.runId, 'csv'), contentType: CSV_CONTENT_TYPE, body };
};

/** PayPal's limit on "Note to recipient". */
const PAYPAL_NOTE_MAX = 400;
/** PayPal's limit on the "Customer ID" (our payout id): 30 characters, no spaces. */
const PAYPAL_ID = /^\S{1,30}$/;

/**
 * The payment file for PayPal Payouts Web ("send up to 5,000 payments per
 * file using a .csv file"). Per PayPal's docs (developer.paypal.com,
 * /payouts/use-payouts/send-money/use-web-ui and
 * /docs/payouts/standard/payouts-web): no header row, the first row is the
 * first recipient; columns by position are recipient identifier (email,
 * phone or PayerID), payment amount, currency, Customer ID (optional, at most
 * 30 characters, no spaces), note to recipient (optional for PayPal, at most
 * 400 characters) and recipient wallet (`PAYPAL` or `VENMO`). Each file must
 * hold one currency only, so a mixed-currency set throws: the engine makes
 * one file per currency.
 *
 * Our payout id goes in the Customer ID column (it is 30 characters:
 * `pay_` and a 26-character TypeID suffix) and comes back in PayPal's reports
 * as the payout's reference. The amount is written with a decimal point
 * (5.45); PayPal says senders whose locale uses a decimal comma must write
 * "5,45" instead, and tells them on upload. A phone number is written as its
 * digits, as PayPal expects a domestic mobile number.
 */
export const paypalPayoutsFile: PayoutFileGenerator = (payouts, ctx) => {
  const sorted = byId(payouts);
  const currencies = new Set(sorted.map((p) => p.currency));
  if (currencies.size > 1) {
    throw new RangeError(
      `a PayPal payout file holds one currency; got ${[...currencies].sort().join(', ')}`,
    );
  }
  let body = '';
  for (const p of sorted) {
    if (!PAYPAL_ID.test(p.id)) {
      throw new RangeError(`payout id ${p.id} does not fit PayPal's Customer ID (30, no spaces)`);
    }
    const email = detail(p, 'email');
    const recipient = email !== '' ? email : detail(p, 'phone').replace(/\D/g, '');
    const note = (p.note.trim() !== '' ? p.note : ctx.programName).slice(0, PAYPAL_NOTE_MAX);
    body += csvRow([
      csvCell(recipient),
      amountCell(p),
      csvCell(p.currency),
      csvCell(p.id),
      csvCell(note),
      csvCell('PAYPAL'),
    ]);
  }
  return { filename: filename(ctx.runId, 'paypal'), contentType: CSV_CONTENT_TYPE, body };
};

/**
 * Wise's batch payment template ("Send to bank accounts"): a header row, then
 * one transfer per row. Confirmed from Wise's help ("How do I fill in my
 * batch template?", wise.com/help/articles/2663302): `name` as on the bank
 * account, `sourceCurrency`, `targetCurrency`, `amount` (digits only) and
 * `amountCurrency`, which picks fixed-source or fixed-target payment; we send
 * `target` so that the partner receives the exact amount and fees are ours.
 * Source = target = the payout currency (Tandem pays in the payout currency).
 * `receiverType` is PERSON or INSTITUTION (a business); `paymentReference`
 * is the payout id, which Wise echoes back.
 *
 * Assumptions, not confirmed from Wise's docs: Wise's templates vary by
 * currency and carry only that route's bank columns (`IBAN` for EUR,
 * `sortCode`/`accountNumber` for GBP, …); we write one file with the union
 * `IBAN,BIC,accountNumber,sortCode,abartn` and leave the unused cells empty.
 * `abartn` (the US ACH routing number) is the name Wise's API gives the field.
 * Some payment schemes hold shorter references than our 30-character payout
 * id (UK Faster Payments takes 18), and Wise may shorten it on those routes,
 * which would break matching results to payouts: unverified, worth a check
 * with a real batch.
 */
export const wiseBatchFile: PayoutFileGenerator = (payouts, ctx) => {
  const header = [
    'name',
    'recipientEmail',
    'paymentReference',
    'receiverType',
    'amountCurrency',
    'amount',
    'sourceCurrency',
    'targetCurrency',
    'IBAN',
    'BIC',
    'accountNumber',
    'sortCode',
    'abartn',
  ];
  let body = csvRow(header.map(csvCell));
  for (const p of byId(payouts)) {
    const holder = detail(p, 'account_holder');
    const receiverType =
      detail(p, 'receiver_type').toUpperCase() === 'BUSINESS' ? 'INSTITUTION' : 'PERSON';
    body += csvRow([
      csvCell(holder !== '' ? holder : p.partnerName),
      csvCell(detail(p, 'email')),
      csvCell(p.id),
      csvCell(receiverType),
      csvCell('target'),
      amountCell(p),
      csvCell(p.currency),
      csvCell(p.currency),
      csvCell(compact(detail(p, 'iban')).toUpperCase()),
      csvCell(detail(p, 'bic').toUpperCase()),
      csvCell(compact(detail(p, 'account_number'))),
      csvCell(compact(detail(p, 'sort_code'))),
      csvCell(compact(detail(p, 'routing_number'))),
    ]);
  }
  return { filename: filename(ctx.runId, 'wise'), contentType: CSV_CONTENT_TYPE, body };
};

const generators: Readonly<Record<FileRail, PayoutFileGenerator>> = {
  csv: genericCsvFile,
  paypal: paypalPayoutsFile,
  wise: wiseBatchFile,
};

/**
 * The payout file of `rail` for `payouts`, rows sorted by payout id so that
 * the same run always gives the same bytes. Details are assumed complete
 * (see `missingDetails`).
 */
export function payoutFile(
  rail: FileRail,
  payouts: readonly PayoutForFile[],
  ctx: PayoutFileContext,
): PayoutFile {
  return generators[rail](payouts, ctx);
}
