import { z } from 'zod';
import { type MetricName, metricNames } from './metrics.js';
import { atLeastSchema } from './tiers.js';
import { addMonths } from './time.js';

/**
 * Performance bonuses: a fixed amount when a partner reaches a target in a
 * calendar period (500.00 for 50 activations in a month). Steps are targets;
 * the highest step reached pays, once per partner and period. A period is
 * evaluated when it closes; late events re-derive it and the ledger gets the
 * difference, so running the evaluation twice posts nothing new.
 */
export const bonusPeriods = ['month', 'quarter'] as const;
export type BonusPeriod = (typeof bonusPeriods)[number];

export const bonusSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
      message: 'must be lowercase letters, digits, - or _ (max 63)',
    }),
    name: z.string().max(200).optional(),
    metric: z.enum(metricNames, { message: `must be one of ${metricNames.join(', ')}` }),
    period: z.enum(bonusPeriods).default('month'),
    steps: z
      .array(
        z
          .object({
            /** An amount for amount metrics, a whole number for counts; more than 0. */
            at_least: atLeastSchema,
            pays: z.string().regex(/^\d{1,15}(\.\d{1,3})?$/, {
              message: 'must be a decimal amount such as "500.00"',
            }),
          })
          .strict(),
      )
      .min(1)
      .max(20),
  })
  .strict();

export interface CompiledBonus {
  id: string;
  name: string | undefined;
  metric: MetricName;
  period: BonusPeriod;
  /** Ascending by target. */
  steps: { atLeast: bigint; pays: bigint }[];
}

/** The period containing `at`: its key ("2026-11", "2026-Q4") and [start, end). */
export function periodOf(
  period: BonusPeriod,
  at: number,
): { key: string; start: number; end: number } {
  const d = new Date(at);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (period === 'month') {
    const start = Date.UTC(y, m, 1);
    return { key: new Date(start).toISOString().slice(0, 7), start, end: addMonths(start, 1) };
  }
  const q = Math.floor(m / 3);
  const start = Date.UTC(y, q * 3, 1);
  return { key: `${y}-Q${q + 1}`, start, end: addMonths(start, 3) };
}

/** Parses a period key back ("2026-11" or "2026-Q4"); undefined if malformed or before 1970. */
export function parsePeriodKey(
  key: string,
): { period: BonusPeriod; start: number; end: number } | undefined {
  // Date.UTC reads years 0–99 as 1900–1999: periods start at the epoch.
  if (Number(key.slice(0, 4)) < 1970) return undefined;
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  if (month) {
    const start = Date.UTC(Number(month[1]), Number(month[2]) - 1, 1);
    return { period: 'month', start, end: addMonths(start, 1) };
  }
  const quarter = /^(\d{4})-Q([1-4])$/.exec(key);
  if (quarter) {
    const start = Date.UTC(Number(quarter[1]), (Number(quarter[2]) - 1) * 3, 1);
    return { period: 'quarter', start, end: addMonths(start, 3) };
  }
  return undefined;
}

/** The step a value reaches (the highest whose target it meets), if any. */
export function reachedStep(
  bonus: CompiledBonus,
  value: bigint,
): { atLeast: bigint; pays: bigint; index: number } | undefined {
  let hit: { atLeast: bigint; pays: bigint; index: number } | undefined;
  bonus.steps.forEach((s, index) => {
    if (value >= s.atLeast) hit = { ...s, index };
  });
  return hit;
}
