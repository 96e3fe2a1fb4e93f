import { budgetMonthUnit } from '../core/accrual.js';
import type { ProgramWithVersions } from '../core/program-version.js';
import { monthKey } from '../core/time.js';
import { markDirty } from './dirty-units.js';
import type { ConversionTouch } from './replace-read-models.js';
import type { Tx } from './transaction.js';

/**
 * Attributed revenue is the denominator of the margin guard: when a month's
 * conversions change (a refund of a payment that earned nothing, a late
 * payment under no rule), its program-month unit is marked so that margin
 * alerts are checked against the new revenue, not only when accruals change.
 */
export async function markMarginMonths(
  tx: Tx,
  programs: readonly ProgramWithVersions[],
  touched: readonly ConversionTouch[],
  now: number,
): Promise<void> {
  const guarded = new Set(
    programs.filter((p) => p.versions.some((v) => v.terms.marginGuard)).map((p) => p.id),
  );
  if (guarded.size === 0) return;
  const units = new Set<string>();
  for (const t of touched)
    if (guarded.has(t.programId)) units.add(budgetMonthUnit(t.programId, monthKey(t.at)));
  if (units.size) await markDirty(tx, units, now);
}
