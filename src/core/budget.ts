import { z } from 'zod';

/**
 * A program's monthly budget and margin guard. The budget is spent by reward
 * accruals in the program currency, in (occurred_at, event) order across all
 * partners of the month. When it runs out: `stop` grants exactly what is left
 * and nothing after, `prorate` scales every accrual of the month so that they
 * sum to the budget, `alert` keeps accruing and raises alerts. The margin guard
 * raises alerts when incentive cost passes thresholds of a ceiling on cost as
 * a share of attributed revenue (the marketplace's take).
 */
export const budgetPolicies = ['stop', 'prorate', 'alert'] as const;
export type BudgetPolicy = (typeof budgetPolicies)[number];

const percentList = z
  .array(z.number().int().min(1).max(1000))
  .max(10)
  .refine((l) => l.every((v, i) => i === 0 || v > (l[i - 1] as number)), {
    message: 'must be ascending without repeats',
  });

export const budgetSchema = z
  .object({
    monthly: z.string().regex(/^\d{1,15}(\.\d{1,3})?$/, {
      message: 'must be a decimal amount such as "20000.00"',
    }),
    /** Optional; when written it must be the program currency. */
    currency: z.string().optional(),
    when_exhausted: z.enum(budgetPolicies).default('stop'),
    /** Percentages of the budget at which an alert is raised, once per month each. */
    alerts_at: percentList.default([80, 100]),
  })
  .strict();

export const marginGuardSchema = z
  .object({
    /** The ceiling: incentive cost as a percentage of attributed revenue. */
    max_percent: z.number().gt(0).lte(1000),
    /** Percentages of the ceiling at which an alert is raised, once per month each. */
    alerts_at: percentList.default([80, 100]),
  })
  .strict();

export interface Budget {
  monthly: bigint;
  policy: BudgetPolicy;
  alertsAt: number[];
}

export interface MarginGuard {
  /** Basis points of revenue. */
  maxBps: bigint;
  alertsAt: number[];
}
