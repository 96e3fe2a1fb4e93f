import { sql } from 'kysely';
import type { DesiredAccrual } from '../core/accrual.js';
import { parsePeriodKey } from '../core/bonuses.js';
import { reachedAlerts } from '../core/budget.js';
import { formatAmount } from '../core/money.js';
import { type ProgramWithVersions, versionInForce } from '../core/program-version.js';
import { toBigInt } from '../store/values.js';
import type { Deps } from './deps.js';
import { emitEvent } from './outbox.js';
import type { Tx } from './transaction.js';

/**
 * After a program-month is settled: raises the budget and margin alerts its
 * spending has reached, each once per month (`budget.threshold_reached`,
 * `margin.threshold_reached` outbox events). Cost is what the month's
 * accruals net to after caps and budget; revenue is the month's attributed
 * revenue in the program currency. The terms are those in force at the end
 * of the month (or now, for the current month).
 */
export async function raiseBudgetAlerts(
  deps: Deps,
  tx: Tx,
  programs: readonly ProgramWithVersions[],
  unit: string,
  settled: readonly DesiredAccrual[],
): Promise<void> {
  const [, programId, month] = unit.split(':') as [string, string, string];
  const program = programs.find((p) => p.id === programId);
  const period = parsePeriodKey(month);
  if (!period) return;
  const { start, end } = period;
  const terms =
    program && versionInForce(program.versions, Math.min(end - 1, deps.clock.now()))?.terms;
  if (!terms || (!terms.budget && !terms.marginGuard)) return;
  const cost = settled
    .filter((a) => a.currency === terms.currency)
    .reduce((s, a) => s + a.amount, 0n);
  const rev = await sql<{ revenue: unknown }>`
    SELECT COALESCE(SUM(revenue), 0) AS revenue FROM conversions
    WHERE program_id = ${programId} AND currency = ${terms.currency}
      AND occurred_at >= ${start} AND occurred_at < ${end}`.execute(tx);
  const revenue = toBigInt(rev.rows[0]?.revenue ?? 0);
  for (const alert of reachedAlerts({
    cost,
    revenue,
    budget: terms.budget,
    marginGuard: terms.marginGuard,
  })) {
    const fmt = (v: bigint) => formatAmount(v, terms.currency);
    await emitEvent(deps, tx, {
      type: alert.kind === 'budget' ? 'budget.threshold_reached' : 'margin.threshold_reached',
      subject: programId,
      dedupeKey: `${alert.kind}:${programId}:${month}:${alert.percent}`,
      data: {
        program_id: programId,
        month,
        threshold_percent: alert.percent,
        currency: terms.currency,
        cost: fmt(cost),
        attributed_revenue: fmt(revenue),
        ...(alert.kind === 'budget' && terms.budget
          ? { budget: fmt(terms.budget.monthly), policy: terms.budget.policy }
          : {}),
        ...(alert.kind === 'margin' && terms.marginGuard
          ? { max_percent_of_revenue: Number(terms.marginGuard.maxBps) / 100 }
          : {}),
      },
    });
  }
}
