import { z } from 'zod';
import type { Currency } from './currency.js';
import { isCurrency } from './currency.js';
import { parseAmount } from './money.js';
import { addDays } from './time.js';

/**
 * The `payouts` block of a program version: when a period's run is due, the
 * smallest amount worth sending (smaller balances carry forward), the payout
 * currency partners without a preference are paid in, the holds, and whether
 * a run needs a second person's approval.
 *
 * ```yaml
 * payouts:
 *   period: month          # or quarter
 *   schedule: { day_of_month: 5 }   # or { net_days: 15 } after the period ends
 *   minimum: "50.00"       # in the program currency
 *   currency: USD          # default: the program currency
 *   require_tax_info: true
 *   approval: four_eyes    # or single
 * ```
 */
export const payoutTermsSchema = z
  .object({
    period: z.enum(['month', 'quarter']).default('month'),
    schedule: z
      .union([
        z.object({ day_of_month: z.number().int().min(1).max(28) }).strict(),
        z.object({ net_days: z.number().int().min(0).max(120) }).strict(),
      ])
      .default({ net_days: 0 }),
    minimum: z
      .string()
      .regex(/^\d{1,15}(\.\d{1,3})?$/, { message: 'must be a non-negative decimal amount' })
      .default('0'),
    currency: z
      .string()
      .refine(isCurrency, { message: 'must be a supported ISO 4217 currency code' })
      .optional(),
    require_tax_info: z.boolean().default(false),
    approval: z.enum(['single', 'four_eyes']).default('single'),
    /** The worker creates each period's run when it is due (sending still waits for a person). */
    auto_create: z.boolean().default(false),
  })
  .strict();

export type PayoutTermsDocument = z.output<typeof payoutTermsSchema>;

export interface PayoutTerms {
  period: 'month' | 'quarter';
  schedule: { dayOfMonth: number } | { netDays: number };
  /** Minor units of the program currency. */
  minimum: bigint;
  minimumCurrency: Currency;
  /** Payout currency for partners whose profile names none. */
  currency: Currency;
  requireTaxInfo: boolean;
  fourEyes: boolean;
  autoCreate: boolean;
}

/** Terms of a version without a `payouts` block: monthly, due when the month ends, no minimum. */
export function compilePayoutTerms(
  doc: PayoutTermsDocument | undefined,
  programCurrency: Currency,
): PayoutTerms {
  const d = doc ?? payoutTermsSchema.parse({});
  return {
    period: d.period,
    schedule:
      'day_of_month' in d.schedule
        ? { dayOfMonth: d.schedule.day_of_month }
        : { netDays: d.schedule.net_days },
    minimum: parseAmount(d.minimum, programCurrency),
    minimumCurrency: programCurrency,
    currency: (d.currency ?? programCurrency) as Currency,
    requireTaxInfo: d.require_tax_info,
    fourEyes: d.approval === 'four_eyes',
    autoCreate: d.auto_create,
  };
}

/** When the run of a period that ends at `periodEnd` is due. */
export function payoutDueAt(terms: Pick<PayoutTerms, 'schedule'>, periodEnd: number): number {
  const s = terms.schedule;
  if ('netDays' in s) return addDays(periodEnd, s.netDays);
  // The given day of the month the period ends into (periodEnd is the 1st at 00:00 UTC).
  return addDays(periodEnd, s.dayOfMonth - 1);
}
