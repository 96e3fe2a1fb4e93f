import type { DesiredAccrual } from './accrual.js';
import { applyPartnerCaps } from './apply-partner-caps.js';

/**
 * Grants the candidates of one staged unit (a partner-month under a monthly
 * cap, or a program-month under a budget): what the ledger must hold for it.
 * The live engine and the backtest both call this, so they cannot disagree.
 */
export function settleStagedUnit(candidates: readonly DesiredAccrual[]): DesiredAccrual[] {
  return applyPartnerCaps(candidates);
}
