import type { DesiredAccrual } from './accrual.js';
import { byTime, capAccruals, reverseGranted } from './apply-partner-caps.js';
import { applyBudget } from './budget.js';
import { formatAmount } from './money.js';

/**
 * Grants the candidates of one staged unit (a partner-month under a monthly
 * cap, or a program-month under a budget): what the ledger must hold for it.
 * In time order: each partner's monthly cap first, then the program's
 * monthly budget; reversals are then recomputed as their refunded share of
 * what was finally granted. The live engine and the backtest both call this,
 * so they cannot disagree.
 */
export function settleStagedUnit(candidates: readonly DesiredAccrual[]): DesiredAccrual[] {
  const accruals = applyBudget(
    capAccruals(candidates.filter((c) => c.kind === 'accrual').sort(byTime)),
    formatAmount,
  );
  const reversals = candidates.filter((c) => c.kind === 'reversal').sort(byTime);
  const granted = new Map(accruals.map((a) => [a.key, a.amount]));
  const what = accruals.some((a) => a.budget) ? 'the monthly cap and budget' : 'the monthly cap';
  return [...accruals.filter((a) => a.amount > 0n), ...reverseGranted(reversals, granted, what)];
}
