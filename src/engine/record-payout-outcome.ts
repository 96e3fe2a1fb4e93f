import { TandemError } from '../core/errors.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import type { Payout, PayoutView } from './payout-records.js';
import {
  assertCanMove,
  loadPayout,
  movePayout,
  payoutView,
  refreshRunStatus,
} from './payout-records.js';
import { inTransaction, type Tx } from './transaction.js';

export interface PayoutOutcome {
  status: 'settled' | 'failed';
  /** The provider's transaction id or a bank reference; required to settle. */
  reference?: string | undefined;
  /** Why it failed; required to fail. */
  reason?: string | undefined;
  /** What the provider reports, for reconciliation. */
  confirmation?: Record<string, unknown>;
}

/**
 * Records what happened to a sent payout: `settled` moves its money from
 * processing to paid; `failed` returns every claimed currency to the
 * available balance, with the reason — also for a settled payout the bank
 * returned later. Recording the same outcome again changes nothing (a
 * result file imported twice); settling a failed or canceled payout is refused.
 * Errors: `payout_not_found`, `validation_failed`, `invalid_payout_transition`.
 */
export async function recordPayoutOutcome(
  deps: Deps,
  payoutId: string,
  outcome: PayoutOutcome,
  actor: string,
): Promise<{ payout: PayoutView; changed: boolean }> {
  if (outcome.status === 'settled' && !outcome.reference?.trim())
    throw new TandemError('validation_failed', 'settling a payout needs a reference', {
      issues: [{ path: 'reference', message: 'required to settle' }],
    });
  if (outcome.status === 'failed' && !outcome.reason?.trim())
    throw new TandemError('validation_failed', 'failing a payout needs a reason', {
      issues: [{ path: 'reason', message: 'required to fail' }],
    });
  return inTransaction(deps, async (tx) => {
    const p = await loadPayout(tx, payoutId);
    const changed = await applyOutcome(deps, tx, p, outcome, actor);
    return { payout: payoutView(await loadPayout(tx, payoutId)), changed };
  });
}

/** The outcome inside a caller's transaction (an import applies many). */
export async function applyOutcome(
  deps: Deps,
  tx: Tx,
  p: Payout,
  outcome: PayoutOutcome,
  actor: string,
): Promise<boolean> {
  if (p.status === outcome.status) {
    if (
      outcome.status === 'settled' &&
      p.reference &&
      outcome.reference &&
      p.reference !== outcome.reference
    )
      throw new TandemError(
        'invalid_payout_transition',
        `payout ${p.id} is already settled with reference ${p.reference}`,
      );
    return false;
  }
  if (p.status === 'pending' || p.status === 'approved')
    throw new TandemError(
      'invalid_payout_transition',
      `payout ${p.id} is ${p.status}: it has not been sent yet`,
      { current_status: p.status },
    );
  if (p.rail === 'stripe' && p.status === 'sending')
    // Stripe may have made the transfer or be making it: only its answer (or a lookup) decides.
    throw new TandemError(
      'invalid_payout_transition',
      `payout ${p.id} is being sent through Stripe; its outcome comes from Stripe (tandem payouts resume asks again)`,
      { current_status: p.status },
    );
  assertCanMove(p, outcome.status);
  const moved = await movePayout(deps, tx, p, outcome.status, {
    actor,
    ...(outcome.reference ? { reference: outcome.reference } : {}),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    ...(outcome.confirmation ? { data: { confirmation: outcome.confirmation } } : {}),
  });
  if (!moved) throw new TandemError('invalid_payout_transition', `payout ${p.id} moved meanwhile`);
  await refreshRunStatus(deps, tx, p.runId);
  await audit(deps, tx, {
    actor,
    action: `payout.${outcome.status}`,
    subject: p.id,
    data: { reference: outcome.reference, reason: outcome.reason },
  });
  return true;
}
