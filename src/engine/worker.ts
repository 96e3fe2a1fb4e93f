import { analyzeTables } from './analyze-tables.js';
import { closeBonusPeriods } from './bonus-periods.js';
import { advanceCampaigns } from './campaigns.js';
import { claimScheduledRun } from './claim-scheduled-run.js';
import { createDuePayoutRuns } from './create-due-payout-runs.js';
import type { Deps } from './deps.js';
import { deriveDirtyUnits, deriveIsolating } from './derive-dirty-units.js';
import { ensurePartitions } from './ensure-partitions.js';
import { evaluateTiers } from './evaluate-tiers.js';
import { expireMdfApprovals } from './expire-mdf-approvals.js';
import { releaseHolds } from './release-holds.js';
import { resumePayouts } from './resume-payouts.js';

export interface Worker {
  /** Wakes the worker now (after an ingest) instead of at the next tick. */
  poke(): void;
  /** Resolves when the queue was empty at least once after the call. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The background loop: drains dirty derivation units, releases due holds,
 * runs scheduled jobs that are due (closing bonus periods, tier evaluation,
 * resuming interrupted payout steps and creating scheduled payout runs,
 * creating PostgreSQL partitions ahead, refreshing PostgreSQL's planner
 * statistics of tables that changed a lot),
 * then sleeps until poked or `intervalMs` passes. Errors are logged and
 * retried; they never stop the loop. The sandbox's worker runs with
 * `payouts: false` (test money never reaches a payout) and `tiers: false`
 * (its tier state is mirrored from live).
 */
export function startWorker(
  deps: Deps,
  opts: {
    intervalMs?: number;
    batch?: number;
    tierIntervalMs?: number;
    /** Resume interrupted payout steps and create scheduled payout runs (default true). */
    payouts?: boolean;
    /** Evaluate tiers on schedule (default true). */
    tiers?: boolean;
  } = {},
): Worker {
  const interval = opts.intervalMs ?? 1000;
  const tierInterval = opts.tierIntervalMs ?? 3_600_000;
  let stopped = false;
  let wake: (() => void) | undefined;
  let idleWaiters: (() => void)[] = [];
  let poked = false;
  // The loop runs after every ingested batch: ask the database whether a
  // scheduled job is due at most once a minute per job, not on every pass.
  const asked = new Map<string, number>();
  const due = async (job: string, intervalMs: number) => {
    const now = deps.clock.now();
    if (now - (asked.get(job) ?? Number.NEGATIVE_INFINITY) < Math.min(intervalMs, 60_000))
      return false;
    asked.set(job, now);
    return claimScheduledRun(deps, job, intervalMs);
  };

  // Its own errors are logged here: a failed ANALYZE must not pass for a failed derivation round.
  const refreshStatistics = async () => {
    if (deps.store.dialect !== 'postgres') return;
    try {
      if (!(await due('analyze_tables', 60_000))) return;
      const analyzed = await analyzeTables(deps);
      if (analyzed.length) deps.log.info({ tables: analyzed }, 'planner statistics refreshed');
    } catch (err) {
      deps.log.warn({ err }, 'could not refresh planner statistics; will retry');
    }
  };

  const loop = async () => {
    while (!stopped) {
      poked = false;
      try {
        for (;;) {
          const r = await deriveDirtyUnits(deps, { limit: opts.batch ?? 500 });
          if (r.units === 0 || stopped) break;
          // Also inside a long drain: a backlog is when statistics go stale.
          await refreshStatistics();
        }
        if (!stopped) await refreshStatistics();
        while (!stopped && (await releaseHolds(deps)).released > 0) {}
        if (!stopped && (await due('close_bonus_periods', 60_000))) {
          const r = await closeBonusPeriods(deps);
          if (r.closed.length) deps.log.info({ periods: r.closed }, 'bonus periods closed');
        }
        if (!stopped && (await due('advance_campaigns', 60_000))) {
          const moved = await advanceCampaigns(deps);
          if (moved) deps.log.info({ campaigns: moved }, 'campaigns moved with their windows');
        }
        if (!stopped && (await due('expire_mdf_approvals', 60_000))) {
          const r = await expireMdfApprovals(deps);
          if (r.expired.length) deps.log.info({ requests: r.expired }, 'MDF approvals expired');
        }
        if (!stopped && opts.payouts !== false && (await due('payouts', 60_000))) {
          const resumed = await resumePayouts(deps);
          if (resumed.claimed + resumed.canceled + resumed.resent > 0)
            deps.log.info(resumed, 'interrupted payout steps resumed');
          const runs = await createDuePayoutRuns(deps);
          if (runs.length) deps.log.info({ runs }, 'scheduled payout runs created');
        }
        // Months ahead are created days before they start; a few hours between runs is plenty.
        if (!stopped && (await due('ensure_partitions', 6 * 3_600_000)))
          await ensurePartitions(deps);
        if (!stopped && opts.tiers !== false && (await due('evaluate_tiers', tierInterval))) {
          const r = await evaluateTiers(deps);
          if (r.changes.length) deps.log.info({ changes: r.changes.length }, 'tier changes');
        }
      } catch (e) {
        deps.log.error(
          { err: e },
          'derivation round failed; deriving unit by unit to isolate the cause',
        );
        try {
          await deriveIsolating(deps);
        } catch (inner) {
          deps.log.error({ err: inner }, 'worker iteration failed; retrying');
        }
        await sleep(interval);
      }
      if (!poked) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      }
      if (stopped) break;
      if (!poked) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, interval);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  };
  const running = loop();
  return {
    poke() {
      poked = true;
      wake?.();
    },
    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        poked = true;
        wake?.();
      });
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
      for (const w of idleWaiters) w();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
