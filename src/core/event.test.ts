import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareEvents } from './event.js';

describe('compareEvents', () => {
  it('orders by occurred_at, then by id, never by arrival', () => {
    const a = { occurredAt: 1, id: 'evt_b' };
    const b = { occurredAt: 2, id: 'evt_a' };
    const c = { occurredAt: 2, id: 'evt_c' };
    expect([c, b, a].sort(compareEvents)).toEqual([a, b, c]);
    expect(compareEvents(b, b)).toBe(0);
  });

  it('sorts any permutation into the same order (property)', () => {
    const ev = fc.record({
      occurredAt: fc.integer({ min: 0, max: 5 }),
      id: fc.string({ maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(ev, { selector: (e) => `${e.occurredAt}|${e.id}` }), (events) => {
        const sorted = [...events].sort(compareEvents);
        expect([...events].reverse().sort(compareEvents)).toEqual(sorted);
        for (let i = 1; i < sorted.length; i++) {
          expect(compareEvents(sorted[i - 1]!, sorted[i]!)).toBeLessThan(0);
          expect(compareEvents(sorted[i]!, sorted[i - 1]!)).toBeGreaterThan(0);
        }
      }),
    );
  });
});
