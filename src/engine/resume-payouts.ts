import { cancelOpenPayouts } from './cancel-payout.js';
import { claimRun } from './create-payout-run.js';
import type { Deps } from './deps.js';
import { refreshRunStatus } from './payout-records.js';
import { sendApiPayout } from './send-payout-run.js';
import { inTransaction } from './transaction.js';

/**
 * Brings every interrupted payout step to a definite state, as often as it
 * is called (the worker calls it every minute; `tandem payouts resume` on
 * demand): runs still claiming finish claiming; canceled runs cancel their
 * remaining payouts; runs being sent send what is left; API payouts left
 * `sending` (a crash or an unanswered call) are asked again with the same
 * idempotency key, so the rail answers with the transfer it already made
 * rather than making another. `staleMs` leaves alone what another process
 * may be doing right now.
 */
export async function resumePayouts(
  deps: Deps,
  opts: { staleMs?: number } = {},
): Promise<{ claimed: number; canceled: number; resent: number }> {
  const staleBefore = deps.clock.now() - (opts.staleMs ?? 60_000);
  const out = { claimed: 0, canceled: 0, resent: 0 };
  const runs = await deps.store.db
    .selectFrom('payout_runs')
    .select(['id', 'status'])
    .where('status', 'in', ['claiming', 'canceled', 'sending'])
    .where('updated_at', '<=', staleBefore)
    .orderBy('created_at')
    .execute();
  for (const run of runs) {
    if (run.status === 'claiming') {
      await claimRun(deps, run.id);
      out.claimed++;
      deps.faults?.hit('resume.claimed');
    } else if (run.status === 'canceled') {
      out.canceled += await cancelOpenPayouts(deps, run.id, 'system', 'run canceled');
    }
  }
  const stuck = await deps.store.db
    .selectFrom('payouts')
    .innerJoin('payout_runs', 'payout_runs.id', 'payouts.run_id')
    .select(['payouts.id', 'payouts.run_id'])
    .where('payout_runs.status', '=', 'sending')
    // The run's heartbeat: a process sending it touches it on every call.
    .where('payout_runs.updated_at', '<=', staleBefore)
    .where('payouts.status', 'in', ['approved', 'sending'])
    .where('payouts.updated_at', '<=', staleBefore)
    .orderBy('payouts.id')
    .execute();
  for (const p of stuck) {
    await sendApiPayout(deps, p.id, 'system');
    out.resent++;
  }
  // A run whose last payout was recorded just before a crash still says `sending`.
  for (const run of runs.filter((r) => r.status === 'sending'))
    await inTransaction(deps, (tx) => refreshRunStatus(deps, tx, run.id));
  return out;
}
