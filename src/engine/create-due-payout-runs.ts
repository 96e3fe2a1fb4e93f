import { periodOf } from '../core/bonuses.js';
import { isTandemError } from '../core/errors.js';
import { payoutDueAt } from '../core/payout-terms.js';
import { versionInForce } from '../core/program-version.js';
import { createPayoutRun } from './create-payout-run.js';
import type { Deps } from './deps.js';
import { loadPrograms } from './load-programs.js';

/**
 * The schedule's part of payouts: for every program whose terms say
 * `auto_create`, creates the run of the last ended period once it is due
 * (`day_of_month` or `net_days` after the period ends) — unless a run for
 * that period exists, canceled ones included (a person canceled it; the
 * schedule does not overrule them). Sending still waits for a person.
 */
export async function createDuePayoutRuns(deps: Deps): Promise<string[]> {
  const now = deps.clock.now();
  const created: string[] = [];
  for (const program of await loadPrograms(deps.store.db)) {
    const terms = versionInForce(program.versions, now)?.terms.payouts;
    if (!terms?.autoCreate) continue;
    const last = periodOf(terms.period, periodOf(terms.period, now).start - 1);
    if (payoutDueAt(terms, last.end) > now) continue;
    const exists = await deps.store.db
      .selectFrom('payout_runs')
      .select('id')
      .where('program_id', '=', program.id)
      .where('period', '=', last.key)
      .executeTakeFirst();
    if (exists) continue;
    try {
      const run = await createPayoutRun(deps, {
        program: program.id,
        period: last.key,
        actor: 'schedule',
      });
      created.push(run.id);
    } catch (e) {
      // Another node created it first.
      if (!isTandemError(e) || e.code !== 'payout_run_exists') throw e;
    }
  }
  return created;
}
