import { sql } from 'kysely';
import type { Deps } from './deps.js';

/**
 * Claims the next run of a scheduled job (tier evaluation, period closing)
 * if `intervalMs` has passed since the last claimed run. The claim is one
 * conditional UPDATE, so of several nodes (or a node and an operator's
 * on-demand call) exactly one wins each interval.
 */
export async function claimScheduledRun(
  deps: Deps,
  job: string,
  intervalMs: number,
): Promise<boolean> {
  const now = deps.clock.now();
  const key = `job:${job}:last_run`;
  await sql`INSERT INTO settings (key, value) VALUES (${key}, ${'0'}) ON CONFLICT (key) DO NOTHING`.execute(
    deps.store.db,
  );
  const r = await sql`
    UPDATE settings SET value = ${String(now)}
    WHERE key = ${key} AND CAST(value AS BIGINT) <= ${now - intervalMs}`.execute(deps.store.db);
  return Number(r.numAffectedRows ?? 0n) > 0;
}
