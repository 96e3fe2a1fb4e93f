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
      return await deps.store.db.transaction().execute(async (tx) => {
        const hooks: (() => Promise<void>)[] = [];
        beforeCommit.set(tx, hooks);
        const result = await fn(tx);
        for (let i = 0; i < hooks.length; i++) await (hooks[i] as () => Promise<void>)();
        return result;
      });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (attempt >= 5 || !code || !RETRYABLE.has(code)) throw e;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.floor(Math.random() * 10)));
    }
  }
}

const beforeCommit = new WeakMap<Tx, (() => Promise<void>)[]>();

/**
 * Runs `write` at the end of this transaction, just before it commits, if the
 * transaction was opened by `inTransaction`; returns false otherwise (the
 * caller then writes at once). For writes to rows every transaction shares (a
 * day's totals): written last, their row locks are held for the commit only,
 * not for the rest of the transaction.
 */
export function deferUntilCommit(tx: Tx, write: () => Promise<void>): boolean {
  const hooks = beforeCommit.get(tx);
  if (!hooks) return false;
  hooks.push(write);
  return true;
}

/** Splits rows so a multi-row statement stays under the drivers' bind-parameter limits. */
export function chunks<T>(rows: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
