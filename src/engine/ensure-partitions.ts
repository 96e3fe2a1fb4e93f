import { sql } from 'kysely';
import { MONTHS_AHEAD, monthPartitions, PARTITIONED_TABLES } from '../core/partitions.js';
import { truncateGuard } from '../store/migrations/0012-partitions.js';
import type { Deps } from './deps.js';

export interface EnsurePartitionsResult {
  created: string[];
  /** Partitions that could not be created now, and why; the next run tries again. */
  skipped: { name: string; reason: string }[];
}

/**
 * Creates the monthly partitions of events, clicks and ledger entries for
 * this month and the next MONTHS_AHEAD, if missing (PostgreSQL; SQLite has
 * none). The worker runs it every few hours, so a month's partition exists
 * long before its first row; should it not, the row goes to `_default` and
 * nothing fails.
 *
 * `now` is the wall clock, not the domain clock: it must agree with the
 * clock typeids are made from. Each partition is one short transaction with a
 * lock timeout, because attaching a partition locks its parent: better to
 * skip a month and retry at the next run than to queue every insert behind a
 * long-running query. Several nodes may run this at once; a partition another
 * node created meanwhile counts as present.
 */
export async function ensurePartitions(
  deps: Pick<Deps, 'store' | 'log'>,
  opts: { now?: number; monthsAhead?: number } = {},
): Promise<EnsurePartitionsResult> {
  const result: EnsurePartitionsResult = { created: [], skipped: [] };
  if (deps.store.dialect !== 'postgres') return result;
  const now = opts.now ?? Date.now();
  for (const t of PARTITIONED_TABLES) {
    for (const p of monthPartitions(t, now, opts.monthsAhead ?? MONTHS_AHEAD)) {
      const exists = await sql<{ r: string | null }>`SELECT to_regclass(${p.name}) AS r`.execute(
        deps.store.db,
      );
      if (exists.rows[0]?.r) continue;
      try {
        await deps.store.db.transaction().execute(async (tx) => {
          await sql`SET LOCAL lock_timeout = '2s'`.execute(tx);
          await sql
            .raw(
              `CREATE TABLE ${p.name} PARTITION OF ${t.table} FOR VALUES FROM (${p.from}) TO (${p.to})`,
            )
            .execute(tx);
          if (t.table === 'ledger_entries') await sql.raw(truncateGuard(p.name)).execute(tx);
        });
        result.created.push(p.name);
      } catch (e) {
        const code = (e as { code?: string }).code;
        // 42P07: another node created it first.
        if (code === '42P07') continue;
        // 23514: rows of that month already sit in `_default` (the partition
        // came too late); 42P17: the range overlaps `_history` (a clock that
        // went back); 55P03: the parent was busy.
        const reason = e instanceof Error ? e.message : String(e);
        result.skipped.push({ name: p.name, reason });
        deps.log.warn({ partition: p.name, code, reason }, 'partition not created; retried later');
      }
    }
  }
  if (result.created.length) deps.log.info({ partitions: result.created }, 'partitions created');
  return result;
}
