/**
 * Display formatters shared by every page. They use the browser's locale;
 * amounts stay exact because Intl formats the decimal string itself, never a
 * float made from it.
 */

const numberFormat = new Intl.NumberFormat(undefined);

/** A count: 12,345. */
export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

const decimalPattern = /^-?\d+(\.\d+)?$/;

/** Digits after the point in a decimal string ("12.345" → 3). */
function decimalsOf(amount: string): number {
  const dot = amount.indexOf('.');
  return dot === -1 ? 0 : amount.length - dot - 1;
}

/**
 * An amount of money in its currency: `formatMoney('12.5', 'USD')` → "$12.50".
 * Keeps every digit the server sent (a sub-cent rate stays visible) and falls
 * back to "12.50 XYZ" for a code Intl does not know.
 */
export function formatMoney(amount: string, currency: string): string {
  if (!decimalPattern.test(amount)) return `${amount} ${currency}`;
  try {
    const standard = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    const digits = Math.max(
      standard.resolvedOptions().minimumFractionDigits ?? 2,
      decimalsOf(amount),
    );
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(amount as Intl.StringNumericLiteral);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** Whether a decimal string is zero ("0", "0.00", "-0.00"). */
export function isZeroAmount(amount: string): boolean {
  return /^-?0*(\.0*)?$/.test(amount);
}

/** Whether a decimal string is below zero. */
export function isNegativeAmount(amount: string): boolean {
  return amount.startsWith('-') && !isZeroAmount(amount);
}

/** An amount as a number, for charts only (never for arithmetic that is shown). */
export function amountToNumber(amount: string | undefined): number {
  const n = Number(amount ?? 0);
  return Number.isFinite(n) ? n : 0;
}

function toDate(value: string | number | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

/** A calendar date: "Mar 4, 2026". A bare YYYY-MM-DD is read as that day, not UTC midnight. */
export function formatDate(value: string | number | Date): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    return new Date(y, m - 1, d).toLocaleDateString(undefined, { dateStyle: 'medium' });
  }
  return toDate(value).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/** A moment: "Mar 4, 2026, 14:05". */
export function formatDateTime(value: string | number | Date): string {
  return toDate(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A time of day with seconds: "14:05:09" (what "updated at" shows). */
export function formatTime(value: string | number | Date): string {
  return toDate(value).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** A snake_case code in words: "payout_failed" → "Payout failed". */
export function humanize(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Exact sum of two decimal strings ("12.50" + "0.125" = "12.625"), for totals shown to people. */
export function addDecimal(a: string, b: string): string {
  const scale = Math.max(decimalsOf(a), decimalsOf(b));
  const toUnits = (s: string) => {
    const negative = s.startsWith('-');
    const [whole = '0', frac = ''] = (negative ? s.slice(1) : s).split('.');
    const units = BigInt(whole + frac.padEnd(scale, '0'));
    return negative ? -units : units;
  };
  const sum = toUnits(a) + toUnits(b);
  const negative = sum < 0n;
  const digits = (negative ? -sum : sum).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${frac}`;
}
