import { sql } from 'kysely';
import { TandemError } from '../core/errors.js';
import { toBool } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { emitRunEvent } from './payout-records.js';
import { type PayoutRunView, readPayoutRun } from './read-payout-runs.js';
import { inTransaction } from './transaction.js';

/**
 * Approves a claimed run so it can be sent. With four-eyes terms the
 * approver must be another person (API key) than the one who created it.
 * Approving an approved run again changes nothing.
 * Errors: `payout_run_not_found`, `four_eyes_required`, `invalid_payout_transition`.
 */
export async function approvePayoutRun(
  deps: Deps,
  runId: string,
  actor: string,
): Promise<PayoutRunView> {
  await inTransaction(deps, async (tx) => {
    const lock = deps.store.dialect === 'postgres' ? sql` FOR UPDATE` : sql``;
    const run = (
      await sql<{
        status: string;
        created_by: string;
        requires_approval: unknown;
      }>`SELECT status, created_by, requires_approval FROM payout_runs WHERE id = ${runId}${lock}`.execute(
        tx,
      )
    ).rows[0];
    if (!run) throw new TandemError('payout_run_not_found', `no payout run ${runId}`);
    if (run.status === 'approved') return;
    if (run.status !== 'pending')
      throw new TandemError(
        'invalid_payout_transition',
        run.status === 'claiming'
          ? `run ${runId} is still claiming balances`
          : `run ${runId} is ${run.status}; only a pending run can be approved`,
        { current_status: run.status },
      );
    if (toBool(run.requires_approval) && run.created_by === actor)
      throw new TandemError(
        'four_eyes_required',
        'this program requires a second person to approve payout runs: the creator cannot approve',
        { created_by: run.created_by },
      );
    const now = deps.clock.now();
    await tx
      .updateTable('payout_runs')
      .set({ status: 'approved', approved_by: actor, updated_at: now })
      .where('id', '=', runId)
      .execute();
    // One statement for every payout of the run, however many: ids of these events are derived.
    await sql`INSERT INTO payout_events (id, payout_id, at, status, actor, data)
      SELECT 'pev_' || id || '_approved', id, ${now}, 'approved', ${actor}, ${
        deps.store.dialect === 'postgres'
          ? sql`'{"from":"pending"}'::jsonb`
          : sql`'{"from":"pending"}'`
      }
      FROM payouts WHERE run_id = ${runId} AND status = 'pending'`.execute(tx);
    await tx
      .updateTable('payouts')
      .set({ status: 'approved', updated_at: now })
      .where('run_id', '=', runId)
      .where('status', '=', 'pending')
      .execute();
    await audit(deps, tx, { actor, action: 'payout_run.approved', subject: runId });
    await emitRunEvent(deps, tx, runId, 'approved');
    deps.faults?.hit('approve.in_tx');
  });
  deps.faults?.hit('approve.done');
  return readPayoutRun(deps, runId);
}
