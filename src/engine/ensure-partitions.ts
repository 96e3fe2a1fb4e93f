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
 * clock typeids are made from. Attaching a partition locks its parent, so the
 * locking steps are short transactions with a lock timeout (better to skip a
 * month and retry at the next run than to queue every insert behind a
 * long-running query), and the check that `_default` holds none of the new
 * month's rows is a constraint validated beforehand without blocking writes.
 * Several nodes may run this at once; a partition another node created
 * meanwhile counts as present.
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
      // Attaching a range checks that `_default` holds no row of it, by scanning it under the
      // parent's lock, unless a valid constraint already says so. So: declare the exclusion
      // (a brief lock), validate it (a scan that does not block writes), then attach.
      const excluded = `${p.name}_excluded`;
      const column = t.column;
      let added = false;
      try {
        await deps.store.db.transaction().execute(async (tx) => {
          await sql`SET LOCAL lock_timeout = '2s'`.execute(tx);
          await sql
            .raw(
              `ALTER TABLE ${t.table}_default ADD CONSTRAINT ${excluded}
               CHECK (NOT (${column} >= ${p.from} AND ${column} < ${p.to})) NOT VALID`,
            )
            .execute(tx);
        });
        added = true;
        await sql
          .raw(`ALTER TABLE ${t.table}_default VALIDATE CONSTRAINT ${excluded}`)
          .execute(deps.store.db);
        await deps.store.db.transaction().execute(async (tx) => {
          await sql`SET LOCAL lock_timeout = '2s'`.execute(tx);
          await sql
            .raw(
              `CREATE TABLE ${p.name} PARTITION OF ${t.table} FOR VALUES FROM (${p.from}) TO (${p.to})`,
            )
            .execute(tx);
          await sql.raw(`ALTER TABLE ${t.table}_default DROP CONSTRAINT ${excluded}`).execute(tx);
          if (t.table === 'ledger_entries') await sql.raw(truncateGuard(p.name)).execute(tx);
        });
        result.created.push(p.name);
      } catch (e) {
        // Leave no exclusion of ours behind: it would refuse that month's rows in `_default`.
        if (added)
          await sql
            .raw(`ALTER TABLE ${t.table}_default DROP CONSTRAINT IF EXISTS ${excluded}`)
            .execute(deps.store.db)
            .catch(() => {});
        const code = (e as { code?: string }).code;
        // 42P07 / 42710: another node created it (or its exclusion) first.
        if (code === '42P07' || code === '42710') continue;
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
