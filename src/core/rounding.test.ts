import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBasisPoints, applyRatio, divideHalfEven } from './rounding.js';

/** Floor division for bigints of any sign (bigint `/` truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * Independent reference: round half up as floor((2n + d) / 2d), i.e. floor(n/d + 1/2),
 * then, when n/d + 1/2 is an exact integer (a tie), step down to the even neighbour.
 */
function referenceHalfEven(n: bigint, d: bigint): bigint {
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const up = floorDiv(2n * n + d, 2n * d);
  const tie = (2n * n + d) % (2n * d) === 0n;
  return tie && up % 2n !== 0n ? up - 1n : up;
}

describe('divideHalfEven', () => {
  it.each([
    [1n, 2n, 0n], // 0.5 → 0
    [3n, 2n, 2n], // 1.5 → 2
    [5n, 2n, 2n], // 2.5 → 2
    [7n, 2n, 4n], // 3.5 → 4
    [-5n, 2n, -2n], // -2.5 → -2
    [-3n, 2n, -2n], // -1.5 → -2
    [-1n, 2n, 0n], // -0.5 → 0
    [5n, -2n, -2n], // negative denominator: -2.5 → -2
    [-5n, -2n, 2n], // 2.5 → 2
  ])('%s / %s → %s on ties', (n, d, q) => {
    expect(divideHalfEven(n, d)).toBe(q);
  });

  it.each([
    [10n, 3n, 3n], // 3.33
    [20n, 3n, 7n], // 6.67
    [-20n, 3n, -7n],
    [-10n, 3n, -3n],
    [251n, 100n, 3n], // 2.51 is not a tie
    [249n, 100n, 2n],
    [-251n, 100n, -3n],
    [0n, 7n, 0n],
    [12n, 4n, 3n], // exact
  ])('%s / %s → %s off ties', (n, d, q) => {
    expect(divideHalfEven(n, d)).toBe(q);
  });

  it('refuses division by zero', () => {
    expect(() => divideHalfEven(1n, 0n)).toThrow(RangeError);
  });

  it('agrees with an independent half-even reference (property)', () => {
    const n = fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n });
    const d = fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }).filter((x) => x !== 0n);
    fc.assert(
      fc.property(n, d, (a, b) => {
        expect(divideHalfEven(a, b)).toBe(referenceHalfEven(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the reference on generated exact ties (property)', () => {
    // n/d = k + 1/2 exactly: n = (2k + 1)·m, d = 2m
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (k, m) => {
          const q = divideHalfEven((2n * k + 1n) * m, 2n * m);
          expect(q).toBe(referenceHalfEven((2n * k + 1n) * m, 2n * m));
          expect(q % 2n).toBe(0n);
          expect(q === k || q === k + 1n).toBe(true);
        },
      ),
    );
  });

  it('is odd-symmetric and never off by more than half (property)', () => {
    const n = fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n });
    const d = fc.bigInt({ min: 1n, max: 10n ** 9n });
    fc.assert(
      fc.property(n, d, (a, b) => {
        const q = divideHalfEven(a, b);
        expect(divideHalfEven(-a, b)).toBe(-q);
        // |q − a/b| ≤ 1/2  ⇔  |2(q·b − a)| ≤ b
        const err = 2n * (q * b - a);
        expect((err < 0n ? -err : err) <= b).toBe(true);
      }),
    );
  });
});

describe('applyBasisPoints', () => {
  it.each([
    [10000n, 2000n, 2000n], // 100.00 × 20% = 20.00
    [1n, 5000n, 0n], // 0.5 → 0 (half-even)
    [3n, 5000n, 2n], // 1.5 → 2
    [5n, 5000n, 2n], // 2.5 → 2
    [9900n, 2000n, 1980n], // 99.00 × 20% = 19.80
    [12345n, 1250n, 1543n], // 1543.125 → 1543
    [10000n, 10000n, 10000n], // 100%
    [-10000n, 2000n, -2000n],
    [0n, 2000n, 0n],
  ])('%s × %s bps → %s', (amount, bps, out) => {
    expect(applyBasisPoints(amount, bps)).toBe(out);
  });
});

describe('applyRatio', () => {
  it('multiplies before rounding, once', () => {
    expect(applyRatio(2000n, 3000n, 10000n)).toBe(600n);
    expect(applyRatio(2000n, 1n, 3n)).toBe(667n); // 666.67
    expect(applyRatio(1n, 1n, 2n)).toBe(0n);
    expect(applyRatio(3n, 1n, 2n)).toBe(2n);
    expect(applyRatio(2000n, 1n, 1n)).toBe(2000n);
  });
});
