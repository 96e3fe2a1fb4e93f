import { jsonIn } from '../store/values.js';
import type { Deps } from './deps.js';
import type { Tx } from './transaction.js';

/** Records who did what to which subject, in the same transaction as the change. */
export async function audit(
  deps: Pick<Deps, 'ids' | 'clock'>,
  tx: Tx,
  entry: { actor: string; action: string; subject: string; data?: Record<string, unknown> },
): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      id: deps.ids.next('aud'),
      at: deps.clock.now(),
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      data: jsonIn(entry.data ?? {}),
    })
    .execute();
}
