import { formatMoney, isZeroAmount } from '../ui/format';

/** A signed difference with its currency: "+$12.00", "−$3.50", "$0.00". */
export function formatDifference(amount: string, currency: string): string {
  const negative = amount.startsWith('-');
  const abs = negative ? amount.slice(1) : amount;
  if (isZeroAmount(abs)) return formatMoney(abs, currency);
  return `${negative ? '−' : '+'}${formatMoney(abs, currency)}`;
}

/** A signed count: "+3", "−1", "0". */
export function formatSignedCount(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
}

/** A percentage point difference: "+3.79 pt". */
export function formatPoints(points: string | null): string {
  if (points === null) return '—';
  const negative = points.startsWith('-');
  const abs = negative ? points.slice(1) : points;
  return `${isZeroAmount(abs) ? '' : negative ? '−' : '+'}${abs} pt`;
}

/** YYYY-MM-DD of a Date in UTC (Tandem's days are UTC days). */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** YYYY-MM-DD `days` before today (UTC). */
export function utcDaysAgo(days: number, from = new Date()): string {
  return utcDay(new Date(from.getTime() - days * 86_400_000));
}
