import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCurrency, minorUnits, supportedCurrencies } from './currency.js';
import { TandemError } from './errors.js';
import {
  add,
  allocate,
  currency,
  formatAmount,
  formatMoney,
  money,
  parseAmount,
  subtract,
} from './money.js';

const JPY = currency('JPY');
const USD = currency('USD');
const KWD = currency('KWD');

/** Runs `f` and returns the TandemError code it throws (fails the test if it does not throw one). */
function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TandemError);
    return (e as TandemError).code;
  }
  throw new Error('expected a TandemError, nothing was thrown');
}

describe('currency', () => {
  it('knows the minor units of 0-, 2- and 3-decimal currencies', () => {
    expect(minorUnits(JPY)).toBe(0);
    expect(minorUnits(USD)).toBe(2);
    expect(minorUnits(KWD)).toBe(3);
  });

  it('rejects an unknown or lower-case code with unknown_currency', () => {
    expect(codeOf(() => currency('XXX'))).toBe('unknown_currency');
    expect(codeOf(() => currency('usd'))).toBe('unknown_currency');
    expect(codeOf(() => money('1.00', 'ABC'))).toBe('unknown_currency');
  });

  it('does not treat Object.prototype members as currencies', () => {
    expect(isCurrency('toString')).toBe(false);
    expect(isCurrency('__proto__')).toBe(false);
    expect(isCurrency('constructor')).toBe(false);
  });

  it('lists supported currencies sorted and without duplicates', () => {
    expect([...supportedCurrencies].sort()).toEqual(supportedCurrencies);
    expect(new Set(supportedCurrencies).size).toBe(supportedCurrencies.length);
    expect(supportedCurrencies).toContain('USD');
  });
});

describe('parseAmount', () => {
  it.each([
    ['100.00', USD, 10000n],
    ['100', USD, 10000n],
    ['0.5', USD, 50n],
    ['12.4', USD, 1240n],
    ['0.01', USD, 1n],
    ['1500', JPY, 1500n],
    ['1.234', KWD, 1234n],
    ['1.2', KWD, 1200n],
    ['0', KWD, 0n],
    ['  7.25 ', USD, 725n],
  ] as const)('%s %s → %s', (text, cur, minor) => {
    expect(parseAmount(text, cur)).toBe(minor);
  });

  it('rejects more fraction digits than the currency has with invalid_amount', () => {
    expect(codeOf(() => parseAmount('1.005', USD))).toBe('invalid_amount');
    expect(codeOf(() => parseAmount('1.5', JPY))).toBe('invalid_amount');
    expect(codeOf(() => parseAmount('1.0', JPY))).toBe('invalid_amount');
    expect(codeOf(() => parseAmount('1.0000', KWD))).toBe('invalid_amount');
  });

  it('rejects text that is not a plain decimal with invalid_amount', () => {
    for (const bad of [
      '',
      'abc',
      '1,00',
      '1.',
      '.5',
      '1e3',
      '+1',
      '0x10',
      '1.2.3',
      'NaN',
      '1 000',
    ]) {
      expect(
        codeOf(() => parseAmount(bad, USD)),
        bad,
      ).toBe('invalid_amount');
    }
  });

  it('accepts at most 15 whole digits', () => {
    expect(parseAmount('999999999999999.99', USD)).toBe(99999999999999999n);
    expect(codeOf(() => parseAmount('1000000000000000', USD))).toBe('invalid_amount');
  });

  it('rejects negative amounts unless allowed', () => {
    expect(codeOf(() => parseAmount('-1.00', USD))).toBe('invalid_amount');
    expect(parseAmount('-1.00', USD, { allowNegative: true })).toBe(-100n);
    expect(parseAmount('-0.07', USD, { allowNegative: true })).toBe(-7n);
    expect(parseAmount('-3', JPY, { allowNegative: true })).toBe(-3n);
  });
});

describe('formatAmount', () => {
  it.each([
    [10000n, USD, '100.00'],
    [1240n, USD, '12.40'],
    [7n, USD, '0.07'],
    [0n, USD, '0.00'],
    [-1240n, USD, '-12.40'],
    [-5n, USD, '-0.05'],
    [1500n, JPY, '1500'],
    [-3n, JPY, '-3'],
    [1234n, KWD, '1.234'],
    [5n, KWD, '0.005'],
    [-1n, KWD, '-0.001'],
  ] as const)('%s %s → %s', (minor, cur, text) => {
    expect(formatAmount(minor, cur)).toBe(text);
  });

  it('formatMoney appends the currency', () => {
    expect(formatMoney(money('12.40', 'USD'))).toBe('12.40 USD');
  });

  it.each([JPY, USD, KWD])('round-trips with parseAmount for %s (property)', (cur) => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n - 1n), max: 10n ** 15n - 1n }), (minor) => {
        const text = formatAmount(minor, cur);
        expect(parseAmount(text, cur, { allowNegative: true })).toBe(minor);
      }),
    );
  });

  it('round-trips written decimals to their canonical form', () => {
    expect(formatAmount(parseAmount('12.4', USD), USD)).toBe('12.40');
    expect(formatAmount(parseAmount('1.2', KWD), KWD)).toBe('1.200');
    expect(formatAmount(parseAmount('007', JPY), JPY)).toBe('7');
  });
});

describe('add / subtract', () => {
  it('adds and subtracts in one currency', () => {
    expect(add(money('1.10', 'USD'), money('2.25', 'USD'))).toEqual({
      amount: 335n,
      currency: 'USD',
    });
    expect(subtract(money('1.10', 'USD'), money('2.25', 'USD'))).toEqual({
      amount: -115n,
      currency: 'USD',
    });
  });

  it('refuses to mix currencies', () => {
    expect(() => add(money('1', 'USD'), money('1', 'EUR'))).toThrow(/currency mismatch/);
    expect(() => subtract(money('1', 'JPY'), money('1', 'USD'))).toThrow(/currency mismatch/);
  });
});

describe('allocate', () => {
  it('splits 100 by 1:1:1 as 34, 33, 33 (tie goes to the earliest weight)', () => {
    expect(allocate(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocate(101n, [1n, 1n, 1n])).toEqual([34n, 34n, 33n]);
  });

  it('gives the extra unit to the largest remainder, not to the first weight', () => {
    // exact shares 3.3, 6.6 → 3 + 7
    expect(allocate(10n, [1n, 2n])).toEqual([3n, 7n]);
    // exact shares 1.5, 2.5, 1.0 → tie at .5 between the first two: earlier wins
    expect(allocate(5n, [3n, 5n, 2n])).toEqual([2n, 2n, 1n]);
  });

  it('mirrors positive splits for negative totals', () => {
    expect(allocate(-100n, [1n, 1n, 1n])).toEqual([-34n, -33n, -33n]);
    expect(allocate(-10n, [1n, 2n])).toEqual([-3n, -7n]);
  });

  it('handles zero weights and a zero total', () => {
    expect(allocate(10n, [0n, 1n, 0n])).toEqual([0n, 10n, 0n]);
    expect(allocate(0n, [1n, 2n])).toEqual([0n, 0n]);
  });

  it('rejects no weights, negative weights and all-zero weights', () => {
    expect(() => allocate(10n, [])).toThrow(RangeError);
    expect(() => allocate(10n, [1n, -1n])).toThrow(RangeError);
    expect(() => allocate(10n, [0n, 0n])).toThrow(RangeError);
  });

  const weights = fc
    .array(fc.bigInt({ min: 0n, max: 1_000_000n }), { minLength: 1, maxLength: 12 })
    .filter((ws) => ws.some((w) => w > 0n));
  const totals = fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n });

  it('parts always sum to the total, each within 1 of its exact share (property)', () => {
    fc.assert(
      fc.property(totals, weights, (total, ws) => {
        const parts = allocate(total, ws);
        expect(parts).toHaveLength(ws.length);
        expect(parts.reduce((s, p) => s + p, 0n)).toBe(total);
        const sum = ws.reduce((s, w) => s + w, 0n);
        ws.forEach((w, i) => {
          const part = parts[i] as bigint;
          // |part − total·w/sum| < 1  ⇔  |part·sum − total·w| < sum
          const diff = part * sum - total * w;
          expect(diff < 0n ? -diff : diff).toBeLessThan(sum);
          // a zero weight never gets anything, and parts never have the wrong sign
          if (w === 0n) expect(part).toBe(0n);
          if (total >= 0n) expect(part >= 0n).toBe(true);
          else expect(part <= 0n).toBe(true);
        });
      }),
    );
  });

  it('is deterministic and sign-symmetric (property)', () => {
    fc.assert(
      fc.property(totals, weights, (total, ws) => {
        expect(allocate(total, ws)).toEqual(allocate(total, [...ws]));
        expect(allocate(-total, ws)).toEqual(allocate(total, ws).map((p) => -p));
      }),
    );
  });

  it('equal weights get parts differing by at most 1, larger ones first (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        fc.integer({ min: 1, max: 20 }),
        (total, n) => {
          const parts = allocate(
            total,
            Array.from({ length: n }, () => 1n),
          );
          const sorted = [...parts].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
          expect(parts).toEqual(sorted);
          const first = parts[0] as bigint;
          const last = parts[parts.length - 1] as bigint;
          expect(first - last <= 1n).toBe(true);
        },
      ),
    );
  });
});
