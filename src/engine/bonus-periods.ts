import { sql } from 'kysely';
import type { DesiredAccrual } from '../core/accrual.js';
import { parsePeriodKey, periodOf } from '../core/bonuses.js';
import {
  bonusPeriodsOf,
  bonusUnit,
  deriveBonuses,
  parseBonusUnit,
} from '../core/derive-bonuses.js';
import { approvedAt } from '../core/derive-customer.js';
import type { ProgramWithVersions } from '../core/program-version.js';
import { toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { markDirty } from './dirty-units.js';
import { loadConversions } from './load-conversions.js';
import { loadStatusHistory } from './load-histories.js';
import { loadPrograms } from './load-programs.js';
import type { ConversionTouch } from './replace-read-models.js';
import { inTransaction, type Tx } from './transaction.js';

/** How long after its end a period is marked again by every close run. */
export const RECLOSE_MS = 10 * 60_000;

/**
 * Marks the bonus units of ended periods whose conversions changed (a late
 * activation for last month): they are re-derived and the ledger gets the
 * difference. Running periods are not marked; they are evaluated when they
 * close (`closeBonusPeriods`).
 */
export async function markBonusPeriods(
  tx: Tx,
  programs: readonly ProgramWithVersions[],
  touched: readonly ConversionTouch[],
  now: number,
): Promise<void> {
  if (touched.length === 0) return;
  const units = new Set<string>();
  for (const program of programs) {
    const kinds = bonusPeriodsOf(program);
    if (kinds.size === 0) continue;
    for (const t of touched) {
      if (t.programId !== program.id) continue;
      for (const kind of kinds) {
        const p = periodOf(kind, t.at);
        if (now >= p.end) units.add(bonusUnit(program.id, t.partnerId, p.key));
      }
    }
  }
  if (units.size) await markDirty(tx, units, now);
}

/**
 * Marks the bonus units of every period that ended after `since` (and by
 * now), for each partner with conversions in it: a correction effective
 * from `since` may change what those periods earn. Both period kinds, since
 * the correction itself may add bonuses the program had not used before.
 */
export async function markEndedBonusPeriodsSince(
  tx: Tx,
  programId: string,
  since: number,
  now: number,
): Promise<void> {
  const programs = await loadPrograms(tx);
  const program = programs.find((p) => p.id === programId);
  if (!program || bonusPeriodsOf(program).size === 0) return;
  const from = periodOf('quarter', since).start;
  const rows = await tx
    .selectFrom('conversions')
    .select(['partner_id', 'occurred_at'])
    .where('program_id', '=', programId)
    .where('occurred_at', '>=', from)
    .where('occurred_at', '<', now)
    .execute();
  const units = new Set<string>();
  for (const r of rows) {
    for (const kind of ['month', 'quarter'] as const) {
      const p = periodOf(kind, toNumber(r.occurred_at));
      if (p.end > since && p.end <= now) units.add(bonusUnit(programId, r.partner_id, p.key));
    }
  }
  if (units.size) await markDirty(tx, units, now);
}

/**
 * Opens every ended bonus period not yet closed for evaluation: marks the
 * bonus unit of each partner with conversions in it, and records the close
 * so that it happens once. Safe to run twice or on several nodes: the close
 * is keyed (program, period) and derivation posts only differences.
 */
export async function closeBonusPeriods(deps: Deps): Promise<{ closed: string[] }> {
  const now = deps.clock.now();
  const closed: string[] = [];
  const programs = await loadPrograms(deps.store.db);
  for (const program of programs) {
    const kinds = bonusPeriodsOf(program);
    if (kinds.size === 0) continue;
    const first = Math.min(...program.versions.map((v) => v.effectiveFrom));
    await inTransaction(deps, async (tx) => {
      const done = new Set(
        (
          await tx
            .selectFrom('closed_periods')
            .select('period')
            .where('program_id', '=', program.id)
            .execute()
        ).map((r) => r.period),
      );
      for (const kind of kinds) {
        for (let p = periodOf(kind, first); p.end <= now; p = periodOf(kind, p.end)) {
          // A period that ended moments ago is marked again on every run for a while:
          // a derivation that read the clock before the end may commit its conversions
          // after this job looked (PostgreSQL runs them concurrently).
          const recent = now - p.end < RECLOSE_MS;
          if (done.has(p.key) && !recent) continue;
          if (!done.has(p.key)) {
            const inserted = await sql`
              INSERT INTO closed_periods (program_id, period, closed_at) VALUES (${program.id}, ${p.key}, ${now})
              ON CONFLICT (program_id, period) DO NOTHING`.execute(tx);
            if (Number(inserted.numAffectedRows ?? 0n) > 0) closed.push(`${program.id}:${p.key}`);
            else if (!recent) continue;
          }
          const partners = await tx
            .selectFrom('conversions')
            .select('partner_id')
            .distinct()
            .where('program_id', '=', program.id)
            .where('occurred_at', '>=', p.start)
            .where('occurred_at', '<', p.end)
            .execute();
          await markDirty(
            tx,
            partners.map((r) => bonusUnit(program.id, r.partner_id, p.key)),
            now,
          );
        }
      }
    });
  }
  return { closed };
}

/** Derives bonus units from the stored conversions and partner status. */
export async function deriveBonusUnits(
  tx: Tx,
  programs: readonly ProgramWithVersions[],
  units: readonly string[],
  now: number,
): Promise<Map<string, DesiredAccrual[]>> {
  const out = new Map<string, DesiredAccrual[]>();
  const parsed = units.map((unit) => ({ unit, u: parseBonusUnit(unit) }));
  const status = await loadStatusHistory(
    tx,
    parsed.flatMap(({ u }) => (u ? [u.partnerId] : [])),
  );
  for (const { unit, u } of parsed) {
    const program = u && programs.find((p) => p.id === u.programId);
    const period = u && parsePeriodKey(u.periodKey);
    if (!u || !program || !period) {
      out.set(unit, []);
      continue;
    }
    const conversions = await loadConversions(tx, {
      programId: u.programId,
      partnerId: u.partnerId,
      from: period.start,
      to: period.end,
    });
    out.set(
      unit,
      deriveBonuses({
        program,
        partnerId: u.partnerId,
        periodKey: u.periodKey,
        conversions: conversions.get(u.partnerId) ?? [],
        approved: approvedAt(status, u.partnerId, period.end - 1),
        now,
      }),
    );
  }
  return out;
}
