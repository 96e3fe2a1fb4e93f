import { sql } from 'kysely';
import { toIso } from '../core/time.js';
import { jsonIn, jsonOut, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import type { Tx } from './transaction.js';

/**
 * Webhook-ready events, written in the same transaction as the change they
 * announce (a tier change, a budget alert), so one is never sent for a change
 * that rolled back nor lost for one that committed. Each is shaped as a
 * Standard Webhooks payload (`type`, `timestamp`, `data`); delivery to
 * subscribed endpoints reads from here. A `dedupeKey` makes an alert fire
 * once however often the state that raises it is derived.
 */
export async function emitEvent(
  deps: Pick<Deps, 'ids' | 'clock'>,
  tx: Tx,
  e: { type: string; subject: string; data: Record<string, unknown>; dedupeKey?: string },
): Promise<boolean> {
  const now = deps.clock.now();
  const id = deps.ids.next('whe');
  const r = await sql`
    INSERT INTO outbox_events (id, type, subject, dedupe_key, payload, created_at)
    VALUES (${id}, ${e.type}, ${e.subject}, ${e.dedupeKey ?? null},
      ${jsonIn({ type: e.type, timestamp: toIso(now), data: e.data })}, ${now})
    ON CONFLICT (dedupe_key) DO NOTHING`.execute(tx);
  return Number(r.numAffectedRows ?? 0n) > 0;
}

export interface OutboxEventView {
  id: string;
  type: string;
  subject: string;
  timestamp: string;
  data: unknown;
}

/** The feed, oldest first, after a cursor (an event id); optionally one subject or type. */
export async function listOutboxEvents(
  deps: Deps,
  q: {
    after?: string | undefined;
    subject?: string | undefined;
    type?: string | undefined;
    limit: number;
  },
): Promise<{ data: OutboxEventView[]; next_cursor: string | null }> {
  let query = deps.store.db.selectFrom('outbox_events').selectAll().orderBy('id').limit(q.limit);
  if (q.after) query = query.where('id', '>', q.after);
  if (q.subject) query = query.where('subject', '=', q.subject);
  if (q.type) query = query.where('type', '=', q.type);
  const rows = await query.execute();
  const data = rows.map((r) => {
    const payload = jsonOut<{ data: unknown }>(r.payload);
    return {
      id: r.id,
      type: r.type,
      subject: r.subject,
      timestamp: toIso(toNumber(r.created_at)),
      data: payload.data,
    };
  });
  return { data, next_cursor: rows.length === q.limit ? (data.at(-1)?.id ?? null) : null };
}
