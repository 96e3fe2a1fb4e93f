import type { ChangeList } from './change-list.js';
import { type PayoutTermsDocument, payoutTermsSchema } from './payout-terms.js';

/** How a schedule reads: "on day 5 of the month after the period ends", "15 days after the period ends". */
export function describeSchedule(s: PayoutTermsDocument['schedule']): string {
  return 'day_of_month' in s
    ? `on day ${s.day_of_month} of the month after the period ends`
    : s.net_days === 0
      ? 'as soon as the period ends'
      : `${s.net_days} days after the period ends`;
}

/**
 * Compares the payout terms of two versions field by field. A version
 * without a `payouts` block pays under the defaults, so it is compared as
 * those defaults rather than reported as "removed".
 */
export function diffPayouts(
  out: ChangeList,
  before: PayoutTermsDocument | undefined,
  after: PayoutTermsDocument | undefined,
): void {
  const b = before ?? payoutTermsSchema.parse({});
  const a = after ?? payoutTermsSchema.parse({});
  if (b.period !== a.period)
    out.changed(
      'payouts.period',
      b.period,
      a.period,
      `Payouts every ${b.period} → every ${a.period}`,
    );
  if (describeSchedule(b.schedule) !== describeSchedule(a.schedule))
    out.changed(
      'payouts.schedule',
      b.schedule,
      a.schedule,
      `Payout run due ${describeSchedule(b.schedule)} → ${describeSchedule(a.schedule)}`,
    );
  if (!out.sameAmount(b.minimum, a.minimum))
    out.changed(
      'payouts.minimum',
      b.minimum,
      a.minimum,
      `Minimum payout ${out.moneyChange(b.minimum, a.minimum)} (smaller balances carry forward)`,
    );
  if ((b.currency ?? null) !== (a.currency ?? null))
    out.changed(
      'payouts.currency',
      b.currency ?? null,
      a.currency ?? null,
      `Default payout currency ${b.currency ?? 'the program currency'} → ${a.currency ?? 'the program currency'}`,
    );
  if (b.require_tax_info !== a.require_tax_info)
    out.changed(
      'payouts.require_tax_info',
      b.require_tax_info,
      a.require_tax_info,
      a.require_tax_info
        ? 'Payouts now wait for tax details (a W-9 with a tax id, or a W-8)'
        : 'Payouts no longer wait for tax details',
    );
  if (b.approval !== a.approval)
    out.changed(
      'payouts.approval',
      b.approval,
      a.approval,
      a.approval === 'four_eyes'
        ? 'Payout runs now need a second person to approve them'
        : 'Payout runs no longer need a second approver',
    );
  if (b.auto_create !== a.auto_create)
    out.changed(
      'payouts.auto_create',
      b.auto_create,
      a.auto_create,
      a.auto_create ? 'Payout runs are created on schedule' : 'Payout runs are created by hand',
    );
}
