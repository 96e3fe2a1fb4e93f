/**
 * Calendar arithmetic on epoch milliseconds, always in UTC. Domain code never
 * reads the clock; it is handed `now` (see `Clock` in src/engine).
 */
export const DAY_MS = 86_400_000;

export function addDays(at: number, days: number): number {
  return at + days * DAY_MS;
}

/**
 * Adds calendar months in UTC, clamping the day of month (Jan 31 + 1 month =
 * Feb 28/29), as a person reading a contract would.
 */
export function addMonths(at: number, months: number): number {
  const d = new Date(at);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(
    targetYear,
    targetMonth,
    day,
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

/** "2026-03" for any instant in March 2026 (UTC). */
export function monthKey(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

export function isoDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function toIso(at: number): string {
  return new Date(at).toISOString();
}

/** Parses an ISO 8601 date or date-time; a bare date means midnight UTC. */
export function parseInstant(text: string): number | undefined {
  if (
    !/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)
  ) {
    return undefined;
  }
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text) && text.length > 10;
  const normalized = text.length === 10 ? `${text}T00:00:00Z` : hasZone ? text : `${text}Z`;
  const ms = Date.parse(normalized.replace(' ', 'T'));
  if (!Number.isFinite(ms)) return undefined;
  // Date.parse rolls 2026-02-30 over to March 2; a calendar date must exist as written.
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d)
    return undefined;
  return ms;
}
