import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTerms, parseTerms } from './program-terms.js';
import { type ProgramVersion, versionInForce } from './program-version.js';

const terms = compileTerms(parseTerms({ currency: 'USD', rewards: [] }));
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

const version = (number: number, effectiveFrom: number): ProgramVersion => ({
  id: `ver_${number}`,
  programId: 'prg_1',
  number,
  effectiveFrom,
  publishedAt: effectiveFrom,
  correction: false,
  terms,
});

describe('versionInForce', () => {
  const v1 = version(1, day('2026-01-01'));
  const v2 = version(2, day('2026-04-01'));
  const v3 = version(3, day('2026-07-01'));
  const all = [v3, v1, v2]; // any order

  it('is undefined before the first version and with no versions', () => {
    expect(versionInForce(all, day('2025-12-31'))).toBeUndefined();
    expect(versionInForce(all, day('2026-01-01') - 1)).toBeUndefined();
    expect(versionInForce([], day('2026-05-01'))).toBeUndefined();
  });

  it('picks the latest effectiveFrom not after t (inclusive)', () => {
    expect(versionInForce(all, day('2026-01-01'))?.number).toBe(1);
    expect(versionInForce(all, day('2026-03-31'))?.number).toBe(1);
    expect(versionInForce(all, day('2026-04-01'))?.number).toBe(2);
    expect(versionInForce(all, day('2026-06-30'))?.number).toBe(2);
    expect(versionInForce(all, day('2030-01-01'))?.number).toBe(3);
  });

  it('breaks ties of effectiveFrom by the higher number, whatever the order', () => {
    const correction = { ...version(4, day('2026-04-01')), correction: true };
    expect(versionInForce([v1, correction, v2], day('2026-05-01'))?.id).toBe('ver_4');
    expect(versionInForce([v2, correction, v1], day('2026-05-01'))?.id).toBe('ver_4');
  });

  it('matches a brute-force definition for any order of versions (property)', () => {
    const versions = fc
      .uniqueArray(fc.integer({ min: 1, max: 50 }), { minLength: 0, maxLength: 8 })
      .chain((numbers) =>
        fc.tuple(
          ...numbers.map((n) => fc.integer({ min: 0, max: 10 }).map((from) => version(n, from))),
        ),
      );
    fc.assert(
      fc.property(versions, fc.integer({ min: -1, max: 11 }), (vs, t) => {
        const inForce = vs.filter((v) => v.effectiveFrom <= t);
        const latestFrom = Math.max(...inForce.map((v) => v.effectiveFrom));
        const expected = inForce
          .filter((v) => v.effectiveFrom === latestFrom)
          .sort((a, b) => b.number - a.number)[0];
        expect(versionInForce(vs, t)).toBe(expected);
        expect(versionInForce([...vs].reverse(), t)).toBe(expected);
      }),
    );
  });
});
