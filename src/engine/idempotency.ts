import { createHash } from 'node:crypto';
import { TandemError } from '../core/errors.js';
import { canonicalJson } from '../core/event-input.js';
import { toNumber } from '../store/values.js';
import type { Deps } from './deps.js';

/** How long a reservation may stay unanswered before a retry may take it over. */
export const STALE_RESERVATION_MS = 60_000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/**
 * Runs a write at most once per idempotency key. The key is reserved before
 * the write runs, so two concurrent requests with one key cannot both act.
 * Same key and same request → the stored answer (also for a 4xx); same key
 * and a different request → `idempotency_conflict`. A write that fails
 * unexpectedly (5xx) releases the key so the client can retry.
 */
export async function withIdempotency(
  deps: Deps,
  scope: string,
  key: string,
  request: unknown,
  run: () => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  const hash = createHash('sha256').update(canonicalJson(request)).digest('hex');
  const db = deps.store.db;
  const reserved = await db
    .insertInto('idempotency')
    .values({ scope, key, request_hash: hash, status: 0, body: '', created_at: deps.clock.now() })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!reserved) {
    const row = await db
      .selectFrom('idempotency')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (row.request_hash !== hash) {
      throw new TandemError(
        'idempotency_conflict',
        `Idempotency-Key "${key}" was used for a different request`,
      );
    }
    if (toNumber(row.status) !== 0) {
      return { status: toNumber(row.status), body: JSON.parse(row.body), replayed: true };
    }
    // A reservation this old belongs to a process that died mid-request; one
    // retry may take it over (the conditional update lets only one win).
    const now = deps.clock.now();
    const stale = toNumber(row.created_at) < now - STALE_RESERVATION_MS;
    const taken = stale
      ? await db
          .updateTable('idempotency')
          .set({ created_at: now })
          .where('scope', '=', scope)
          .where('key', '=', key)
          .where('status', '=', 0)
          .where('created_at', '=', row.created_at)
          .executeTakeFirst()
      : undefined;
    if (!taken || Number(taken.numUpdatedRows) !== 1) {
      throw new TandemError(
        'idempotency_conflict',
        `a request with Idempotency-Key "${key}" is still in progress; retry shortly`,
      );
    }
  }
  let response: StoredResponse;
  try {
    response = await run();
  } catch (e) {
    if (!(e instanceof TandemError)) {
      await db
        .deleteFrom('idempotency')
        .where('scope', '=', scope)
        .where('key', '=', key)
        .execute();
    }
    throw e;
  }
  await db
    .updateTable('idempotency')
    .set({ status: response.status, body: JSON.stringify(response.body) })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
  return { ...response, replayed: false };
}
