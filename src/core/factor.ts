import { z } from 'zod';

/**
 * A multiplier written as a decimal with at most four places (`1.25`,
 * `1.5`, `2`), kept exactly as parts per 10 000 (`12500n`) so that boosts
 * combine as rationals and round once, at the end.
 */
export const multiplierSchema = z
  .number()
  .gt(0, { message: 'must be > 0' })
  .lte(100, { message: 'must be ≤ 100' })
  .refine((m) => Math.abs(m * 10_000 - Math.round(m * 10_000)) < 1e-6, {
    message: 'must have at most four decimals',
  });

export const ONE = 10_000n;

export const toFactor = (m: number): bigint => BigInt(Math.round(m * 10_000));

/** `12500n` → "1.25". */
export function formatFactor(f: bigint): string {
  const whole = f / ONE;
  const frac = (f % ONE).toString().padStart(4, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

/** An exact ratio `num / den` as text with up to four decimals, for traces. */
export function formatRatio(num: bigint, den: bigint): string {
  const scaled = (num * ONE) / den;
  const exact = (num * ONE) % den === 0n;
  return `${exact ? '' : '≈'}${formatFactor(scaled)}`;
}

/** Basis points as a percent without trailing zeros: 2917n → "29.17", 2910n → "29.1", 5000n → "50". */
export function formatBasisPoints(bps: bigint): string {
  const whole = bps / 100n;
  const frac = bps % 100n;
  return frac === 0n
    ? `${whole}`
    : `${whole}.${frac.toString().padStart(2, '0').replace(/0$/, '')}`;
}
