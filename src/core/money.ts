import { type Currency, isCurrency, minorUnits } from './currency.js';
import { TandemError } from './errors.js';

/** An amount of money: integer minor units of one ISO 4217 currency. Never a float. */
export interface Money {
  readonly amount: bigint;
  readonly currency: Currency;
}

const DECIMAL = /^(-)?(\d{1,15})(?:\.(\d{1,3}))?$/;

export function currency(code: string): Currency {
  if (!isCurrency(code)) throw new TandemError('unknown_currency', `unknown currency ${code}`);
  return code;
}

/**
 * Parses a decimal string ("100.00", "12", "0.5") into minor units of
 * `currency`. More fraction digits than the currency has is an error rather
 * than a silent rounding: "1.005 USD" is not an amount anyone meant.
 */
export function parseAmount(
  text: string,
  cur: Currency,
  opts: { allowNegative?: boolean } = {},
): bigint {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new TandemError('invalid_amount', `"${text}" is not a decimal amount`);
  const [, sign, whole, frac = ''] = m;
  if (sign && !opts.allowNegative)
    throw new TandemError('invalid_amount', 'amount must not be negative');
  const digits = minorUnits(cur);
  if (frac.length > digits) {
    throw new TandemError('invalid_amount', `${cur} has ${digits} decimal places; got "${text}"`);
  }
  const minor = BigInt(whole + frac.padEnd(digits, '0'));
  return sign ? -minor : minor;
}

export function money(text: string, code: string): Money {
  const cur = currency(code);
  return { amount: parseAmount(text, cur), currency: cur };
}

/** Formats minor units as a plain decimal string ("-12.40"), no grouping, no symbol. */
export function formatAmount(amount: bigint, cur: Currency): string {
  const digits = minorUnits(cur);
  const negative = amount < 0n;
  const abs = (negative ? -amount : amount).toString();
  if (digits === 0) return (negative ? '-' : '') + abs;
  const padded = abs.padStart(digits + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

export function formatMoney(m: Money): string {
  return `${formatAmount(m.amount, m.currency)} ${m.currency}`;
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency)
    throw new RangeError(`currency mismatch: ${a.currency} vs ${b.currency}`);
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount + b.amount, currency: a.currency };
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount - b.amount, currency: a.currency };
}

/**
 * Splits `total` by integer `weights` with the largest-remainder method, so
 * that the parts always sum exactly to the total. Ties in remainders go to the
 * earlier weight, which keeps the split deterministic.
 */
export function allocate(total: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.length === 0) throw new RangeError('allocate needs at least one weight');
  if (weights.some((w) => w < 0n)) throw new RangeError('weights must not be negative');
  const sum = weights.reduce((s, w) => s + w, 0n);
  if (sum === 0n) throw new RangeError('weights must not all be zero');
  const negative = total < 0n;
  const abs = negative ? -total : total;
  const parts = weights.map((w) => (abs * w) / sum);
  const remainders = weights.map((w, i) => ({ i, r: (abs * w) % sum }));
  let left = abs - parts.reduce((s, p) => s + p, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i] = (parts[i] as bigint) + 1n;
    left -= 1n;
  }
  return negative ? parts.map((p) => -p) : parts;
}
