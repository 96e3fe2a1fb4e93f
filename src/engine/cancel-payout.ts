import { TandemError } from '../core/errors.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import {
  assertCanMove,
  emitRunEvent,
  loadPayout,
  movePayout,
  runStatus,
} from './payout-records.js';
import { type PayoutRunView, readPayoutRun } from './read-payout-runs.js';
import { chunks, inTransaction } from './transaction.js';

/**
 * Cancels a run before it is sent: the run is marked canceled first, then
 * each payout is canceled with its claim mirrored back to the available
 * balance (a crash in between is finished by `resumePayouts`). Its period
 * can then be run again. Errors: `payout_run_not_found`, `invalid_payout_transition`.
 */
export async function cancelPayoutRun(
  deps: Deps,
  runId: string,
  actor: string,
  reason: string,
): Promise<PayoutRunView> {
  await inTransaction(deps, async (tx) => {
    const run = { status: await runStatus(deps, tx, runId) };
    if (run.status === 'canceled') return;
    if (!['pending', 'approved'].includes(run.status))
      throw new TandemError(
        'invalid_payout_transition',
        `run ${runId} is ${run.status}; only a run that has not been sent can be canceled`,
        { current_status: run.status },
      );
    const res = await tx
      .updateTable('payout_runs')
      .set({ status: 'canceled', updated_at: deps.clock.now() })
      .where('id', '=', runId)
      .where('status', 'in', ['pending', 'approved'])
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new TandemError('invalid_payout_transition', `run ${runId} moved meanwhile`);
    await audit(deps, tx, {
      actor,
      action: 'payout_run.canceled',
      subject: runId,
      data: { reason },
    });
    await emitRunEvent(deps, tx, runId, 'canceled');
  });
  deps.faults?.hit('cancel.marked');
  await cancelOpenPayouts(deps, runId, actor, reason);
  return readPayoutRun(deps, runId);
}

/** Cancels every payout of a canceled run that is not canceled yet. */
export async function cancelOpenPayouts(
  deps: Deps,
  runId: string,
  actor: string,
  reason: string,
): Promise<number> {
  const open = await deps.store.db
    .selectFrom('payouts')
    .select('id')
    .where('run_id', '=', runId)
    .where('status', 'in', ['pending', 'approved'])
    .orderBy('id')
    .execute();
  let n = 0;
  for (const part of chunks(open, 200)) {
    n += await inTransaction(deps, async (tx) => {
      let moved = 0;
      for (const { id } of part) {
        const p = await loadPayout(tx, id);
        if (!['pending', 'approved'].includes(p.status)) continue;
        if (await movePayout(deps, tx, p, 'canceled', { actor, reason })) moved++;
      }
      return moved;
    });
    deps.faults?.hit('cancel.chunk');
  }
  return n;
}

/**
 * Cancels one payout that has not been sent (for example, a partner under
 * review): its money returns to the available balance with the reason.
 * Errors: `payout_not_found`, `invalid_payout_transition`.
 */
export async function cancelPayout(
  deps: Deps,
  payoutId: string,
  actor: string,
  reason: string,
): Promise<void> {
  await inTransaction(deps, async (tx) => {
    const p = await loadPayout(tx, payoutId);
    if (p.status === 'canceled') return;
    assertCanMove(p, 'canceled');
    if (!(await movePayout(deps, tx, p, 'canceled', { actor, reason })))
      throw new TandemError('invalid_payout_transition', `payout ${payoutId} moved meanwhile`);
    await audit(deps, tx, {
      actor,
      action: 'payout.canceled',
      subject: payoutId,
      data: { reason },
    });
  });
}
