import { checkPoolAmount, type PoolUsage } from '../core/mdf.js';
import { formatAmount, parseAmount } from '../core/money.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { invalid, loadMdfPool, type MdfPoolView, mdfPoolUsage, mdfPoolView } from './mdf-pools.js';
import { emitEvent } from './outbox.js';
import { inTransaction } from './transaction.js';

/**
 * Raises or lowers a pool, never below what it has committed. The pool row
 * is locked while its usage is recomputed, so a resize and an approval
 * cannot both pass against the old numbers. Errors: `mdf_pool_not_found`,
 * `invalid_amount`, `validation_failed`, `mdf_pool_below_committed`.
 */
export async function updateMdfPool(
  deps: Deps,
  id: string,
  patch: { amount: string },
  actor: string,
): Promise<MdfPoolView> {
  return inTransaction(deps, async (tx) => {
    const pool = await loadMdfPool(deps, tx, id, { lock: true });
    const amount = parseAmount(patch.amount, pool.currency);
    if (amount <= 0n) throw invalid('amount', 'must be above 0');
    const usage = (await mdfPoolUsage(tx, [pool.id])).get(pool.id) as PoolUsage;
    checkPoolAmount(amount, usage);
    const now = deps.clock.now();
    await tx
      .updateTable('mdf_pools')
      .set({ amount, updated_at: now })
      .where('id', '=', pool.id)
      .execute();
    const view = mdfPoolView({ ...pool, amount, updatedAt: now }, usage);
    await audit(deps, tx, {
      actor,
      action: 'mdf_pool.updated',
      subject: pool.id,
      data: { from: formatAmount(pool.amount, pool.currency), to: view.amount },
    });
    await emitEvent(deps, tx, { type: 'mdf_pool.updated', subject: pool.id, data: { ...view } });
    return view;
  });
}
