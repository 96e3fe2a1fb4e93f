import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, DAY_MS, isoDay, monthKey, parseInstant, toIso } from './time.js';

const at = (iso: string): number => Date.parse(iso);

describe('addDays', () => {
  it('adds whole UTC days', () => {
    expect(toIso(addDays(at('2026-01-10T00:00:00Z'), 30))).toBe('2026-02-09T00:00:00.000Z');
    expect(addDays(0, 1)).toBe(DAY_MS);
    expect(toIso(addDays(at('2026-03-01T12:00:00Z'), -1))).toBe('2026-02-28T12:00:00.000Z');
  });
});

describe('addMonths', () => {
  it('clamps the day of month: Jan 31 + 1 month = Feb 28 in 2026', () => {
    expect(toIso(addMonths(at('2026-01-31T00:00:00Z'), 1))).toBe('2026-02-28T00:00:00.000Z');
  });

  it('clamps to Feb 29 in the leap year 2028', () => {
    expect(toIso(addMonths(at('2028-01-31T00:00:00Z'), 1))).toBe('2028-02-29T00:00:00.000Z');
    expect(toIso(addMonths(at('2028-02-29T00:00:00Z'), 12))).toBe('2029-02-28T00:00:00.000Z');
  });

  it('keeps the time of day and crosses years', () => {
    expect(toIso(addMonths(at('2026-01-10T13:45:30.250Z'), 12))).toBe('2027-01-10T13:45:30.250Z');
    expect(toIso(addMonths(at('2026-11-30T08:00:00Z'), 3))).toBe('2027-02-28T08:00:00.000Z');
    expect(toIso(addMonths(at('2026-03-31T00:00:00Z'), 1))).toBe('2026-04-30T00:00:00.000Z');
    expect(toIso(addMonths(at('2026-05-15T00:00:00Z'), 0))).toBe('2026-05-15T00:00:00.000Z');
  });

  it('goes backwards for negative months', () => {
    expect(toIso(addMonths(at('2026-03-31T00:00:00Z'), -1))).toBe('2026-02-28T00:00:00.000Z');
    expect(toIso(addMonths(at('2026-01-15T00:00:00Z'), -1))).toBe('2025-12-15T00:00:00.000Z');
    expect(toIso(addMonths(at('2026-01-15T00:00:00Z'), -13))).toBe('2024-12-15T00:00:00.000Z');
  });

  it('lands in the expected month with a day no later than the original (property)', () => {
    const instant = fc.integer({
      min: at('1990-01-01T00:00:00Z'),
      max: at('2100-01-01T00:00:00Z'),
    });
    fc.assert(
      fc.property(instant, fc.integer({ min: -240, max: 240 }), (t, n) => {
        const d = new Date(t);
        const r = new Date(addMonths(t, n));
        const monthIndex = d.getUTCFullYear() * 12 + d.getUTCMonth() + n;
        expect(r.getUTCFullYear() * 12 + r.getUTCMonth()).toBe(monthIndex);
        expect(r.getUTCDate() <= d.getUTCDate()).toBe(true);
        expect(r.getUTCMilliseconds()).toBe(d.getUTCMilliseconds());
        expect(r.getUTCHours()).toBe(d.getUTCHours());
        // a day ≤ 28 is never clamped
        if (d.getUTCDate() <= 28) expect(r.getUTCDate()).toBe(d.getUTCDate());
      }),
    );
  });
});

describe('monthKey / isoDay / toIso', () => {
  it('names the UTC month and day', () => {
    expect(monthKey(at('2026-03-01T00:00:00Z'))).toBe('2026-03');
    expect(monthKey(at('2026-03-31T23:59:59.999Z'))).toBe('2026-03');
    expect(monthKey(at('2026-04-01T00:30:00+01:00'))).toBe('2026-03'); // still March in UTC
    expect(isoDay(at('2026-01-03T23:00:00-05:00'))).toBe('2026-01-04');
    expect(toIso(0)).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('parseInstant', () => {
  it.each([
    ['2026-01-03', '2026-01-03T00:00:00.000Z'],
    ['2026-01-03T10:00:00Z', '2026-01-03T10:00:00.000Z'],
    ['2026-01-03T10:00Z', '2026-01-03T10:00:00.000Z'],
    ['2026-01-03T10:00:00', '2026-01-03T10:00:00.000Z'], // no zone means UTC
    ['2026-01-03 10:00:00', '2026-01-03T10:00:00.000Z'],
    ['2026-01-03T10:00:00.123Z', '2026-01-03T10:00:00.123Z'],
    ['2026-01-03T10:00:00+02:00', '2026-01-03T08:00:00.000Z'],
    ['2026-01-03T10:00:00-05:30', '2026-01-03T15:30:00.000Z'],
    ['2026-01-03T10:00:00+0100', '2026-01-03T09:00:00.000Z'],
    ['2026-01-03T01:00:00+05:00', '2026-01-02T20:00:00.000Z'],
  ])('%s → %s', (text, iso) => {
    const ms = parseInstant(text);
    expect(ms).toBeDefined();
    expect(toIso(ms as number)).toBe(iso);
  });

  it.each([
    '',
    'garbage',
    'yesterday',
    '2026/01/03',
    '03-01-2026',
    '2026-1-3',
    '2026-01-03T',
    '2026-01-03T10',
    '2026-01-03T10:00:00+01',
    '2026-01-03T10:00:00 UTC',
    '20260103',
    '1767434400000',
    '2026-13-01',
    '2026-01-32',
    '2026-01-03T25:00:00Z',
    ' 2026-01-03',
  ])('rejects %j', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });

  // Regression (time.ts parseInstant): Date.parse rolls impossible calendar days over, so
  // "2026-02-30" was accepted as 2026-03-02 and an event stored two days off; parseInstant
  // now checks the day against the month.
  it('rejects impossible calendar days such as 2026-02-30', () => {
    expect(parseInstant('2026-02-30')).toBeUndefined();
    expect(parseInstant('2026-04-31T10:00:00Z')).toBeUndefined();
    expect(parseInstant('2026-02-29')).toBeUndefined(); // 2026 is not a leap year
  });

  it('accepts Feb 29 in a leap year', () => {
    expect(toIso(parseInstant('2028-02-29') as number)).toBe('2028-02-29T00:00:00.000Z');
  });
});
