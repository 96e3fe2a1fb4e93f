/**
 * The one place where Tandem rounds. Policy (docs/rounding.md): every
 * fractional amount of minor units is rounded half-to-even ("banker's
 * rounding"), once, at the end of the exact rational computation. Rates are
 * kept as exact rationals (basis points are n/10000) until then.
 */

/** Rounds the exact rational `numerator / denominator` half-to-even. */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let q = n / denominator;
  const r = n % denominator;
  const twice = r * 2n;
  if (twice > denominator || (twice === denominator && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

/** `amount × bps / 10 000`, rounded half-to-even. */
export function applyBasisPoints(amount: bigint, bps: bigint): bigint {
  return divideHalfEven(amount * bps, 10_000n);
}

/** `amount × numerator / denominator`, rounded half-to-even. */
export function applyRatio(amount: bigint, numerator: bigint, denominator: bigint): bigint {
  return divideHalfEven(amount * numerator, denominator);
}
