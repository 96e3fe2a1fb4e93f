import { toIso } from '../core/time.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { findMdfRequest, mdfRequestView } from './mdf-requests.js';
import { emitEvent } from './outbox.js';
import { inTransaction } from './transaction.js';

/**
 * Expires approvals whose claim deadline has passed unclaimed (deadline ≤
 * now), up to `limit` per call: their funds return to the pool. Each moves
 * `approved → expired` by a conditional UPDATE, so an approval expires
 * exactly once however many workers run this, and one claimed meanwhile is
 * left alone. The worker calls it about once a minute.
 */
export async function expireMdfApprovals(
  deps: Deps,
  opts: { limit?: number } = {},
): Promise<{ expired: string[] }> {
  return inTransaction(deps, async (tx) => {
    const now = deps.clock.now();
    const due = await tx
      .selectFrom('mdf_requests')
      .select('id')
      .where('status', '=', 'approved')
      .where('claim_deadline', '<=', now)
      .orderBy('claim_deadline')
      .orderBy('id')
      .limit(opts.limit ?? 500)
      .execute();
    const expired: string[] = [];
    for (const { id } of due) {
      const res = await tx
        .updateTable('mdf_requests')
        .set({ status: 'expired', updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'approved')
        .where('claim_deadline', '<=', now)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) continue;
      expired.push(id);
      const view = mdfRequestView(await findMdfRequest(tx, id));
      await audit(deps, tx, {
        actor: 'system',
        action: 'mdf.expired',
        subject: id,
        data: { approved: view.approved, claim_deadline: view.claim_deadline, at: toIso(now) },
      });
      await emitEvent(deps, tx, { type: 'mdf.expired', subject: id, data: { ...view } });
    }
    return { expired };
  });
}
