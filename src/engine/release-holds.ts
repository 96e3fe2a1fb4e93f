import { sql } from 'kysely';
import { toBigInt } from '../store/values.js';
import type { Deps } from './deps.js';
import { releaseLines } from './post-lines.js';
import { chunks, inTransaction } from './transaction.js';

/**
 * Moves every accrual line whose hold has passed (available_at ≤ now, now from
 * the injected clock) from the partner's pending to available balance, up to
 * `limit` lines per call. Safe to run twice or on several workers: a line
 * leaves the hold queue in the transaction that releases it, and the release
 * table's primary key refuses a second release.
 */
export async function releaseHolds(
  deps: Deps,
  opts: { limit?: number } = {},
): Promise<{ released: number }> {
  const limit = opts.limit ?? 5000;
  return inTransaction(deps, async (tx) => {
    const now = deps.clock.now();
    const lock = deps.store.dialect === 'postgres' ? sql` FOR UPDATE SKIP LOCKED` : sql``;
    const due = await sql<{
      line_id: string;
      partner_id: string;
      program_id: string;
      amount: unknown;
      currency: string;
    }>`
      SELECT line_id, partner_id, program_id, amount, currency FROM hold_queue
      WHERE available_at <= ${now} ORDER BY available_at, line_id LIMIT ${limit}${lock}`.execute(
      tx,
    );
    if (due.rows.length === 0) return { released: 0 };
    await releaseLines(
      deps,
      tx,
      due.rows.map((r) => ({ ...r, amount: toBigInt(r.amount) })),
      now,
    );
    for (const part of chunks(due.rows, 500)) {
      await tx
        .deleteFrom('hold_queue')
        .where(
          'line_id',
          'in',
          part.map((r) => r.line_id),
        )
        .execute();
    }
    return { released: due.rows.length };
  });
}

/** Releases until nothing more is due. */
export async function releaseAllDue(deps: Deps): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await releaseHolds(deps);
    total += r.released;
    if (r.released === 0) return total;
  }
}
