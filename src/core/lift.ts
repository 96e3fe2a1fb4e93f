/**
 * Incremental lift of a campaign (issue 6): a share of the audience is held
 * out by a stable hash of the customer id, so assignment is reproducible on
 * any machine and never depends on arrival order; the report compares the
 * conversion rate of exposed and held-out customers with a 95% confidence
 * interval for the difference. Statistics, not money: floats are fine here.
 */

/** The largest holdout share a campaign may keep from its audience, in basis points (50%). */
export const MAX_HOLDOUT_BPS = 5_000;

/**
 * FNV-1a (32-bit) over the UTF-16 code units of the text: a small, fixed,
 * well-spread hash that needs no crypto module and never changes.
 */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Whether a customer is held out of a campaign whose holdout is `holdoutBps` of its audience. */
export function isHeldOut(campaignId: string, customerId: string, holdoutBps: number): boolean {
  if (!Number.isInteger(holdoutBps) || holdoutBps < 0 || holdoutBps > MAX_HOLDOUT_BPS)
    throw new RangeError(`a holdout is 0–${MAX_HOLDOUT_BPS} basis points; got ${holdoutBps}`);
  return stableHash(`${campaignId}\u001f${customerId}`) % 10_000 < holdoutBps;
}

export interface Arm {
  customers: number;
  conversions: number;
}

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** Wilson score interval of a proportion. */
export function wilson(arm: Arm, z = Z95): { rate: number; low: number; high: number } {
  const { customers: n, conversions: x } = arm;
  if (n === 0) return { rate: 0, low: 0, high: 1 };
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { rate: p, low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

export interface LiftReport {
  exposed: Arm & { rate: number };
  holdout: Arm & { rate: number };
  /** Exposed rate minus held-out rate (a difference of proportions, 0.01 = one point). */
  lift: number;
  /** 95% interval of `lift` (Newcombe's hybrid score method: good coverage at small rates). */
  interval: { low: number; high: number };
  /** Lift relative to the held-out rate (null when nobody held out converted). */
  relative: number | null;
  /** True when the interval's lower bound is above zero. */
  significant: boolean;
  /** Where the lift declared at planning stands against the interval. */
  expected?: { lift: number; verdict: 'below_interval' | 'within_interval' | 'above_interval' };
}

/**
 * Compares exposed and held-out conversion. The interval is Newcombe's
 * method 10 (the Wilson intervals of both rates combined), which keeps
 * close to its 95% coverage where the plain normal interval does not
 * (rates near 0, small holdouts). Errors: a side without customers.
 */
export function liftReport(exposed: Arm, holdout: Arm, expectedLift?: number): LiftReport {
  if (exposed.customers === 0 || holdout.customers === 0)
    throw new RangeError('lift needs customers on both sides');
  for (const a of [exposed, holdout])
    if (a.conversions < 0 || a.conversions > a.customers)
      throw new RangeError('conversions must be between 0 and the number of customers');
  const e = wilson(exposed);
  const h = wilson(holdout);
  const lift = e.rate - h.rate;
  const low = lift - Math.sqrt((e.rate - e.low) ** 2 + (h.high - h.rate) ** 2);
  const high = lift + Math.sqrt((e.high - e.rate) ** 2 + (h.rate - h.low) ** 2);
  return {
    exposed: { ...exposed, rate: e.rate },
    holdout: { ...holdout, rate: h.rate },
    lift,
    interval: { low, high },
    relative: h.rate === 0 ? null : lift / h.rate,
    significant: low > 0,
    ...(expectedLift === undefined
      ? {}
      : {
          expected: {
            lift: expectedLift,
            verdict:
              expectedLift < low
                ? 'below_interval'
                : expectedLift > high
                  ? 'above_interval'
                  : 'within_interval',
          },
        }),
  };
}
