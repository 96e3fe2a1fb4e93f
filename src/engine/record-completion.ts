import { toIso } from '../core/time.js';
import type { Deps } from './deps.js';
import { markIntegrationUnits } from './mark-integration-units.js';
import { emitEvent } from './outbox.js';
import type { Tx } from './transaction.js';

export interface NewCompletion {
  integrationId: string;
  partnerId: string;
  milestone: string;
  at: number;
  source: 'event' | 'review';
  /** The completing event's id, or the approved submission's id. */
  ref: string;
  renewal: boolean;
}

/**
 * Records a milestone completion (append-only), announces it in the
 * webhook-ready feed, and marks the integration for re-derivation: its
 * grants, and the closed usage months a duration counted from this
 * completion may now reach.
 */
export async function recordCompletion(
  deps: Pick<Deps, 'ids' | 'clock'>,
  tx: Tx,
  c: NewCompletion,
  now: number,
): Promise<void> {
  await tx
    .insertInto('integration_completions')
    .values({
      id: deps.ids.next('imc'),
      integration_id: c.integrationId,
      milestone: c.milestone,
      completed_at: c.at,
      source: c.source,
      ref: c.ref,
      created_at: now,
    })
    .execute();
  await markIntegrationUnits(tx, [c.integrationId], c.at, now);
  await emitEvent(deps, tx, {
    type: c.renewal ? 'integration.milestone_renewed' : 'integration.milestone_completed',
    subject: c.integrationId,
    data: {
      integration_id: c.integrationId,
      partner_id: c.partnerId,
      milestone: c.milestone,
      source: c.source,
      ...(c.source === 'event' ? { event_id: c.ref } : { submission_id: c.ref }),
      completed_at: toIso(c.at),
    },
  });
}
