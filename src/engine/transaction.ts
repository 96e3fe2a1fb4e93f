import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../store/schema.js';
import type { Deps } from './deps.js';

export type Tx = Transaction<Schema>;
export type Db = Kysely<Schema>;

// PostgreSQL: serialization_failure, deadlock_detected — safe to retry whole —
// and unique_violation: two requests raced to create the same thing; on the
// retry the use case's own check sees the winner and answers 409 (or picks
// the next version number) instead of a 500.
const RETRYABLE = new Set(['40001', '40P01', '23505']);

/**
 * Runs `fn` in one database transaction, retrying a few times when
 * PostgreSQL aborts it for a deadlock or serialization failure. Everything a
 * use case writes (ledger, read models, outbox) goes through here, so it all
 * commits or none of it does.
 */
export async function inTransaction<T>(
  deps: Pick<Deps, 'store'>,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.store.db.transaction().execute(fn);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (attempt >= 5 || !code || !RETRYABLE.has(code)) throw e;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.floor(Math.random() * 10)));
    }
  }
}

/** Splits rows so a multi-row statement stays under the drivers' bind-parameter limits. */
export function chunks<T>(rows: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
