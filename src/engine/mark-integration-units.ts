import { integrationUnit, monthBounds, usageMonthUnit } from '../core/derive-integration.js';
import { addMonths, monthKey } from '../core/time.js';
import { markDirty } from './dirty-units.js';
import { chunks, type Tx } from './transaction.js';

/**
 * Marks integrations for re-derivation after a change that can reach back in
 * time — a milestone completed (grants; usage durations counted from
 * certification), a version published with a past effective date: the
 * grants unit, and every closed usage month from `since`'s month on. The
 * month still running is valued when it ends anyway.
 */
export async function markIntegrationUnits(
  tx: Tx,
  integrationIds: readonly string[],
  since: number,
  now: number,
): Promise<void> {
  if (integrationIds.length === 0) return;
  const months: string[] = [];
  const current = monthBounds(monthKey(now)).start;
  // At most ten years of months, whatever `since` says.
  for (
    let m = Math.max(monthBounds(monthKey(since)).start, addMonths(current, -120));
    m < current;
    m = addMonths(m, 1)
  )
    months.push(monthKey(m));
  const units: string[] = [];
  for (const id of integrationIds) {
    units.push(integrationUnit(id));
    for (const m of months) units.push(usageMonthUnit(id, m));
  }
  for (const part of chunks(units, 5000)) await markDirty(tx, part, now);
}

/** The integrations of a program, for marking. */
export async function integrationsOf(tx: Tx, programId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('integrations')
    .select('id')
    .where('program_id', '=', programId)
    .execute();
  return rows.map((r) => r.id);
}
