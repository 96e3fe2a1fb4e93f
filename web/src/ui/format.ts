/**
 * Display formatters shared by every page. They use the browser's locale;
 * amounts stay exact because Intl formats the decimal string itself, never a
 * float made from it.
 */

const numberFormat = new Intl.NumberFormat(undefined);

const compactFormat = new Intl.NumberFormat(undefined, {
  notation: 'compact',
  maximumFractionDigits: 1,
});

/** A chart axis tick: 750000 → "750K", so labels fit their axis. */
export function formatCompact(n: number): string {
  return compactFormat.format(n);
}

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
  const format = moneyFormat(currency, decimalsOf(amount));
  return format ? format.format(amount as Intl.StringNumericLiteral) : `${amount} ${currency}`;
}

// Building an Intl formatter costs far more than using one: a dashboard formats
// hundreds of amounts per refresh, so each (currency, digits) is built once.
const moneyFormats = new Map<string, Intl.NumberFormat | null>();

function moneyFormat(currency: string, decimals: number): Intl.NumberFormat | null {
  const key = `${currency}|${decimals}`;
  let format = moneyFormats.get(key);
  if (format === undefined) {
    try {
      const standard = new Intl.NumberFormat(undefined, { style: 'currency', currency });
      const digits = Math.max(standard.resolvedOptions().minimumFractionDigits ?? 2, decimals);
      format = new Intl.NumberFormat(undefined, {
        style: 'currency',
        currency,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
    } catch {
      format = null;
    }
    moneyFormats.set(key, format);
  }
  return format;
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

/** Formats a date, or "—" for one that is not (Intl would throw). */
function formatWith(format: Intl.DateTimeFormat, date: Date): string {
  return Number.isNaN(date.getTime()) ? '—' : format.format(date);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});
const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A calendar date: "Mar 4, 2026". A bare YYYY-MM-DD is read as that day, not UTC midnight. */
export function formatDate(value: string | number | Date): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    return formatWith(dateFormat, new Date(y, m - 1, d));
  }
  return formatWith(dateFormat, toDate(value));
}

/** A moment: "Mar 4, 2026, 14:05". */
export function formatDateTime(value: string | number | Date): string {
  return formatWith(dateTimeFormat, toDate(value));
}

/** A time of day with seconds: "14:05:09" (what "updated at" shows). */
export function formatTime(value: string | number | Date): string {
  return formatWith(timeFormat, toDate(value));
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
