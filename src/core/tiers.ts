import { z } from 'zod';
import type { Currency } from './currency.js';
import { multiplierSchema, toFactor } from './factor.js';
import { amountMetrics, type MetricName, metricNames } from './metrics.js';
import { formatAmount, parseAmount } from './money.js';

/**
 * Partner tiers: ordered levels a partner qualifies for by metrics over
 * rolling windows. A tier boosts the program's rates (a multiplier) or
 * replaces its rules, and grants benefits. Promotion takes effect at the
 * evaluation that finds the partner qualified; demotion only after the
 * partner has been below its tier for `grace_days` in a row (hysteresis), so
 * a partner near a threshold is not bounced between tiers daily.
 */
export const tierIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  message: 'must be lowercase letters, digits, - or _ (max 63)',
});

/**
 * A target: an amount for amount metrics, a whole number for counts. Which one
 * fits depends on the metric, so the union only rules out other types and
 * `requirementThreshold` says what the metric needs.
 */
export const atLeastSchema = z.union([z.string(), z.number()], {
  message: 'must be an amount in quotes such as "5000.00" or a whole number such as 50',
});

export const requirementSchema = z
  .object({
    metric: z.enum(metricNames, {
      message: `must be one of ${metricNames.join(', ')}`,
    }),
    window_days: z.number().int().min(1).max(730).default(90),
    /** An amount ("5000.00") for referred_revenue, a whole number for counts. */
    at_least: atLeastSchema,
  })
  .strict();

export interface Requirement {
  metric: MetricName;
  windowDays: number;
  atLeast: bigint;
}

export interface CompiledTier<R> {
  id: string;
  name: string;
  requires: Requirement[];
  /** Parts per 10 000 (1.25 → 12500n); undefined when the tier has its own rules or no boost. */
  factor: bigint | undefined;
  /** Replaces the version's reward rules for partners in this tier. */
  rewards: R[] | undefined;
  benefits: string[];
}

export function tierLevelSchema<R extends z.ZodTypeAny>(rule: R) {
  return z
    .object({
      id: tierIdSchema,
      name: z.string().min(1).max(200).optional(),
      requires: z.array(requirementSchema).max(10).default([]),
      multiplier: multiplierSchema.optional(),
      rewards: z.array(rule).max(100).optional(),
      benefits: z.array(z.string()).max(50).default([]),
    })
    .strict()
    .refine((t) => !(t.multiplier !== undefined && t.rewards !== undefined), {
      path: ['multiplier'],
      message: 'a tier either multiplies the rates or has its own rewards, not both',
      // Reported even when another field of the level is invalid, so one pass shows both.
      when: (p) => typeof p.value === 'object' && p.value !== null,
    });
}

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

/** Parses `at_least` for its metric, adding an issue when it does not fit. */
export function requirementThreshold(
  metric: MetricName,
  atLeast: string | number,
  currency: Currency,
): { ok: true; value: bigint } | { ok: false; message: string } {
  if (amountMetrics.has(metric)) {
    if (typeof atLeast !== 'string')
      return {
        ok: false,
        message: `${metric} is an amount: write it as a string such as "5000.00"`,
      };
    try {
      return { ok: true, value: parseAmount(atLeast, currency) };
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
  }
  if (typeof atLeast !== 'number')
    return {
      ok: false,
      message: `${metric} is a count: write a whole number without quotes, such as 50`,
    };
  if (!Number.isSafeInteger(atLeast) || atLeast < 0)
    return {
      ok: false,
      message: `${metric} is a count: write a whole number of 0 or more, such as 50 (got ${atLeast})`,
    };
  return { ok: true, value: BigInt(atLeast) };
}

/**
 * Levels must be listed lowest first and must not overlap: every higher level
 * asks at least as much of each metric (same metric and window) a lower one
 * asks, and strictly more of one. Otherwise one set of metrics could qualify
 * for both in either order and "the partner's tier" would not be defined.
 * A level names each metric and window once; a pair of levels with an
 * invalid target is not compared (its own issue says what is wrong).
 */
export function checkTierOrder(
  levels: readonly {
    requires: readonly { metric: MetricName; window_days: number; at_least: string | number }[];
  }[],
  currency: Currency,
  ctx: Ctx,
  path: Path,
): void {
  const issue = (at: Path, message: string) =>
    ctx.addIssue({ code: 'custom', path: [...path, ...at], message });
  const describe = (k: string) => `${k.replace('/', ' over ')} days`;
  const show = (k: string, v: bigint) =>
    amountMetrics.has(k.split('/')[0] as MetricName) ? formatAmount(v, currency) : `${v}`;
  const parsed = levels.map((l, i) => {
    const m = new Map<string, bigint>();
    let complete = true;
    l.requires.forEach((r, j) => {
      const k = `${r.metric}/${r.window_days}`;
      const t = requirementThreshold(r.metric, r.at_least, currency);
      if (!t.ok) complete = false;
      else if (m.has(k))
        issue(
          [i, 'requires', j],
          `${describe(k)} is required twice in this level; write each metric and window once`,
        );
      else m.set(k, t.value);
    });
    return complete ? m : undefined;
  });
  for (let i = 1; i < parsed.length; i++) {
    const lower = parsed[i - 1];
    const higher = parsed[i];
    if (!lower || !higher) continue;
    let stricter = false;
    let problem: string | undefined;
    for (const [k, v] of lower) {
      const h = higher.get(k);
      if (h === undefined) {
        problem = `does not require ${describe(k)}, which the level below requires`;
        break;
      }
      if (h < v) {
        problem = `asks ${show(k, h)} of ${describe(k)}, less than the level below (${show(k, v)})`;
        break;
      }
      if (h > v) stricter = true;
    }
    if (!problem && !stricter) {
      for (const k of higher.keys()) if (!lower.has(k)) stricter = true;
    }
    if (!problem && !stricter) problem = 'requires nothing more than the level below';
    if (problem)
      issue(
        [i, 'requires'],
        `overlapping tiers: this level ${problem} (list levels lowest first, each asking more)`,
      );
  }
}

export function compileRequirements(
  requires: readonly { metric: MetricName; window_days: number; at_least: string | number }[],
  currency: Currency,
): Requirement[] {
  return requires.map((r) => {
    const t = requirementThreshold(r.metric, r.at_least, currency);
    if (!t.ok) throw new Error(t.message);
    return { metric: r.metric, windowDays: r.window_days, atLeast: t.value };
  });
}

export const compileFactor = (m: number | undefined) => (m === undefined ? undefined : toFactor(m));

/** A partner's tier state in one program, as evaluation keeps it. */
export interface TierState {
  tier: string | null;
  since: number;
  /** When the partner was first found below its tier, in the current run of such findings. */
  belowSince: number | null;
}

export interface TierDecision {
  state: TierState;
  change?: {
    from: string | null;
    to: string | null;
    reason: 'promotion' | 'demotion' | 'tier_removed';
  };
}

/**
 * The hysteresis rule. `qualified` is the highest level (by index) whose every
 * requirement the partner meets now, or -1. Promotion is immediate; a partner
 * below its tier keeps it until `graceDays` have passed since it was first
 * found below, then drops to the level it qualifies for at that moment.
 */
export function decideTier(
  levels: readonly { id: string }[],
  graceDays: number,
  state: TierState,
  qualified: number,
  at: number,
): TierDecision {
  const current = state.tier === null ? -1 : levels.findIndex((l) => l.id === state.tier);
  const target = qualified >= 0 ? (levels[qualified] as { id: string }).id : null;
  if (state.tier !== null && current < 0) {
    // The tier is gone from the terms in force: there is nothing to keep.
    return {
      state: { tier: target, since: at, belowSince: null },
      change: { from: state.tier, to: target, reason: 'tier_removed' },
    };
  }
  if (qualified > current) {
    return {
      state: { tier: target, since: at, belowSince: null },
      change: { from: state.tier, to: target, reason: 'promotion' },
    };
  }
  if (qualified === current) return { state: { ...state, belowSince: null } };
  const belowSince = state.belowSince ?? at;
  if (at - belowSince < graceDays * 86_400_000) return { state: { ...state, belowSince } };
  return {
    state: { tier: target, since: at, belowSince: null },
    change: { from: state.tier, to: target, reason: 'demotion' },
  };
}

/** The highest level whose requirements `value` meets, or -1. */
export function highestQualified(
  levels: readonly { requires: readonly Requirement[] }[],
  value: (r: Requirement) => bigint,
): number {
  let best = -1;
  levels.forEach((l, i) => {
    if (l.requires.every((r) => value(r) >= r.atLeast)) best = i;
  });
  return best;
}

/** The tier in force at `at` from a partner's tier history (time order), or null. */
export function tierAt(
  history: readonly { at: number; tier: string | null }[] | undefined,
  at: number,
): string | null {
  let tier: string | null = null;
  for (const h of history ?? []) {
    if (h.at > at) break;
    tier = h.tier;
  }
  return tier;
}

/** The longest window any level's requirements measure over, in days (0 without any). */
export function longestWindowDays(levels: readonly { requires: readonly Requirement[] }[]): number {
  return Math.max(0, ...levels.flatMap((l) => l.requires.map((r) => r.windowDays)));
}
