import { createHash } from 'node:crypto';
import { TandemError } from '../core/errors.js';
import { canonicalJson } from '../core/event-input.js';
import { toNumber } from '../store/values.js';
import type { Deps } from './deps.js';

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
    if (toNumber(row.status) === 0) {
      throw new TandemError(
        'idempotency_conflict',
        `a request with Idempotency-Key "${key}" is still in progress; retry shortly`,
      );
    }
    return { status: toNumber(row.status), body: JSON.parse(row.body), replayed: true };
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
