import type { Currency } from './currency.js';
import { minorUnits } from './currency.js';
import { divideHalfEven } from './rounding.js';

/** An exchange rate as an exact rational: `num / den` quote units per base unit. */
export interface Rate {
  num: bigint;
  den: bigint;
}

/** A stored rate between two currencies, as recorded on the payouts that use it. */
export interface FxRate {
  id: string;
  base: Currency;
  quote: Currency;
  /** The exact decimal text, e.g. "1.0842". */
  rate: string;
  asOf: number;
}

const RATE = /^(\d{1,9})(?:\.(\d{1,12}))?$/;

/**
 * Parses a positive decimal rate ("1.0842", "151.3") exactly; undefined when
 * it is not one (no exponents, no signs, at most 12 decimals, not zero).
 */
export function parseRate(text: string): Rate | undefined {
  const m = RATE.exec(text);
  if (!m) return undefined;
  const frac = m[2] ?? '';
  const num = BigInt(`${m[1]}${frac}`);
  if (num === 0n) return undefined;
  return { num, den: 10n ** BigInt(frac.length) };
}

/**
 * Converts minor units of `from` into minor units of `to` at `rate` (units of
 * `to` per unit of `from`), rounding once, half-even, like every amount in
 * Tandem. 100.00 EUR at 1.0842 → 108.42 USD; 1 000 JPY at 0.0067 → 6.70 USD.
 */
export function convert(amount: bigint, from: Currency, to: Currency, rate: Rate): bigint {
  const scale = 10n ** BigInt(minorUnits(to));
  const down = 10n ** BigInt(minorUnits(from));
  return divideHalfEven(amount * rate.num * scale, rate.den * down);
}

/** The rate the other way round, exactly. */
export function invert(rate: Rate): Rate {
  return { num: rate.den, den: rate.num };
}
