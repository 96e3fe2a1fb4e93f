import { describe, expect, it } from 'vitest';
import { earliestEffectiveFrom, versionStatuses } from './version-schedule.js';

const at = (iso: string) => Date.parse(iso);
const v = (number: number, from: string, noticeDays = 0) => ({
  number,
  effectiveFrom: at(from),
  noticeDays,
});

describe('versionStatuses', () => {
  it('one current, later ones upcoming, earlier ones superseded', () => {
    const versions = [
      v(1, '2026-01-01'),
      v(2, '2026-03-01'),
      v(3, '2026-06-01'),
      v(4, '2026-09-01'),
    ];
    expect([...versionStatuses(versions, at('2026-04-15')).entries()]).toEqual([
      [1, 'superseded'],
      [2, 'current'],
      [3, 'upcoming'],
      [4, 'upcoming'],
    ]);
    // The instant a version takes effect, it is current.
    expect(versionStatuses(versions, at('2026-06-01')).get(3)).toBe('current');
  });

  it('a future version outranked at its own instant by a later-published one never comes', () => {
    const versions = [v(1, '2026-01-01'), v(2, '2026-06-01'), v(3, '2026-06-01')];
    const s = versionStatuses(versions, at('2026-02-01'));
    expect(s.get(2)).toBe('superseded');
    expect(s.get(3)).toBe('upcoming');
  });

  it('before the first version takes effect, nothing is current', () => {
    const s = versionStatuses([v(1, '2026-06-01')], at('2026-02-01'));
    expect([...s.values()]).toEqual(['upcoming']);
  });
});

describe('earliestEffectiveFrom', () => {
  it('is now plus the notice of the version in force now', () => {
    const now = at('2026-04-15T10:30:00Z');
    // Version 2 asks for 30 days; version 3 (not yet in force) asks for 60, which does not count yet.
    const versions = [v(1, '2026-01-01', 7), v(2, '2026-03-01', 30), v(3, '2026-06-01', 60)];
    expect(earliestEffectiveFrom(versions, now)).toEqual({
      earliest: at('2026-05-15T10:30:00Z'),
      noticeDays: 30,
      inForce: 2,
    });
  });

  it('is now for a first version, or when no version is in force yet', () => {
    const now = at('2026-04-15T10:30:00Z');
    expect(earliestEffectiveFrom([], now)).toEqual({
      earliest: now,
      noticeDays: 0,
      inForce: undefined,
    });
    expect(earliestEffectiveFrom([v(1, '2026-05-01', 30)], now).earliest).toBe(now);
  });
});
