import { z } from 'zod';
import type { DesiredAccrual } from './accrual.js';
import { allocate } from './money.js';

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
    /** The ceiling: incentive cost as a percentage of attributed revenue, in whole basis points. */
    max_percent: z
      .number()
      .gte(0.01, { message: 'must be ≥ 0.01', abort: true })
      .lte(1000, { message: 'must be ≤ 1000', abort: true })
      .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-9, {
        message: 'must have at most two decimals (whole basis points)',
      }),
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

/** What a staged candidate carries when its version has a budget. */
export interface BudgetRef {
  monthly: bigint;
  policy: BudgetPolicy;
}

/**
 * Spends a program-month's budget on its accruals (already capped per
 * partner, sorted by time). The strictest enforced (`stop` or `prorate`)
 * budget among the versions that produced them governs the month. It limits
 * only the accruals of versions that enforce a budget — a version published
 * mid-month never reduces what earlier terms paid — but everything the month
 * earned in the budget's currency counts as spent. Accruals in another
 * currency are not touched (no exchange rate is invented).
 */
export function applyBudget(
  accruals: readonly DesiredAccrual[],
  fmt: (amount: bigint, currency: DesiredAccrual['currency']) => string,
): DesiredAccrual[] {
  let budget: (BudgetRef & { currency: DesiredAccrual['currency'] }) | undefined;
  for (const a of accruals) {
    if (!a.budget || a.budget.policy === 'alert') continue;
    if (!budget || a.budget.monthly < budget.monthly)
      budget = { ...a.budget, currency: a.currency };
  }
  if (!budget) return [...accruals];
  const b = budget;
  const counts = (a: DesiredAccrual) => a.currency === b.currency;
  const limited = (a: DesiredAccrual) =>
    counts(a) && a.budget !== undefined && a.budget.policy !== 'alert';
  const step = (a: DesiredAccrual, amount: bigint, text: string): DesiredAccrual => ({
    ...a,
    amount,
    trace: { ...a.trace, steps: [...a.trace.steps, text] },
  });

  if (b.policy === 'stop') {
    let used = 0n;
    return accruals.map((a) => {
      if (!counts(a)) return a;
      const room = b.monthly > used ? b.monthly - used : 0n;
      const amount = limited(a) && a.amount > room ? room : a.amount;
      used += amount;
      if (amount === a.amount) return a;
      return step(
        a,
        amount,
        `monthly budget ${fmt(b.monthly, b.currency)} (stop): ${fmt(b.monthly - room, b.currency)} already spent → ${fmt(amount, b.currency)}`,
      );
    });
  }

  // prorate: the limited accruals of the month are scaled to what the others
  // leave of the budget, allocated by largest remainder so that the month
  // sums to the budget exactly.
  const scoped = accruals.filter(limited);
  const others = accruals
    .filter((a) => counts(a) && !limited(a))
    .reduce((s, a) => s + a.amount, 0n);
  const room = b.monthly > others ? b.monthly - others : 0n;
  const total = scoped.reduce((s, a) => s + a.amount, 0n);
  if (total <= room || total === 0n) return [...accruals];
  const parts = allocate(
    room,
    scoped.map((a) => a.amount),
  );
  const granted = new Map(scoped.map((a, i) => [a.key, parts[i] as bigint]));
  const why =
    others > 0n
      ? ` (${fmt(others, b.currency)} spent under terms without this budget leaves ${fmt(room, b.currency)})`
      : '';
  return accruals.map((a) => {
    const amount = granted.get(a.key);
    if (amount === undefined || !limited(a)) return a;
    return step(
      a,
      amount,
      `monthly budget ${fmt(b.monthly, b.currency)} (prorate)${why}: ${fmt(total, b.currency)} earned this month → × ${fmt(room, b.currency)}/${fmt(total, b.currency)} = ${fmt(amount, b.currency)}`,
    );
  });
}

export interface Alert {
  kind: 'budget' | 'margin';
  percent: number;
}

/**
 * The thresholds a program-month has reached: budget alerts at percentages of
 * the monthly budget, margin alerts at percentages of the margin ceiling
 * (cost as a share of attributed revenue). Each fires once per month; the
 * caller deduplicates by (kind, month, percent).
 */
export function reachedAlerts(input: {
  cost: bigint;
  revenue: bigint;
  budget?: { monthly: bigint; alertsAt: readonly number[] } | undefined;
  marginGuard?: MarginGuard | undefined;
}): Alert[] {
  const out: Alert[] = [];
  const { cost, revenue, budget, marginGuard } = input;
  if (budget && cost > 0n) {
    for (const p of budget.alertsAt)
      if (cost * 100n >= budget.monthly * BigInt(p)) out.push({ kind: 'budget', percent: p });
  }
  if (marginGuard && cost > 0n) {
    // cost / revenue ≥ max × p%  ⇔  cost × 10000 × 100 ≥ revenue × maxBps × p
    for (const p of marginGuard.alertsAt) {
      if (revenue <= 0n || cost * 1_000_000n >= revenue * marginGuard.maxBps * BigInt(p))
        out.push({ kind: 'margin', percent: p });
    }
  }
  return out;
}
