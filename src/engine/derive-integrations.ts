import type { DesiredAccrual } from '../core/accrual.js';
import { approvedAt, tierKey } from '../core/derive-customer.js';
import { deriveGrants, deriveUsageMonth, monthBounds } from '../core/derive-integration.js';
import type { ProgramWithVersions } from '../core/program-version.js';
import { toNumber } from '../store/values.js';
import { factsOf, type IntegrationRow, loadCategories, loadCompletions } from './integrations.js';
import { loadStatusHistory, loadTierHistory } from './load-histories.js';
import { firstUsage, loadUsage } from './load-usage.js';
import { chunks, type Tx } from './transaction.js';

export interface IntegrationDerivation {
  desired: Map<string, DesiredAccrual[]>;
  /** Month units whose month has not ended: derived again when it does. */
  parked: Map<string, number>;
}

/**
 * Derives integration units: `i:<integration>` (milestone grants) and
 * `iu:<integration>:<YYYY-MM>` (one month of usage). A month is valued once
 * it has ended — so volume bands see the whole month — and again whenever a
 * late usage event for it arrives, which posts the difference.
 */
export async function deriveIntegrationUnits(
  tx: Tx,
  programs: readonly ProgramWithVersions[],
  units: readonly string[],
  now: number,
): Promise<IntegrationDerivation> {
  const desired = new Map<string, DesiredAccrual[]>();
  const parked = new Map<string, number>();
  const parsed = units.map((u) => {
    const [kind, id, month] = u.split(':') as [string, string, string?];
    return { unit: u, kind, id, month };
  });
  const ids = [...new Set(parsed.map((p) => p.id))];
  const rows = new Map<string, IntegrationRow>();
  for (const part of chunks(ids, 500)) {
    for (const r of await tx
      .selectFrom('integrations')
      .selectAll()
      .where('id', 'in', part)
      .execute())
      rows.set(r.id, {
        ...r,
        created_at: toNumber(r.created_at),
        updated_at: toNumber(r.updated_at),
      });
  }
  const completions = await loadCompletions(tx, ids);
  const categories = await loadCategories(tx, ids);
  const partnerIds = [...new Set([...rows.values()].map((r) => r.partner_id))];
  const status = await loadStatusHistory(tx, partnerIds);
  const tiers = await loadTierHistory(tx, { partnerIds });
  const approved = (partnerId: string, at: number) => approvedAt(status, partnerId, at);
  const versionsOf = (programId: string) =>
    programs.find((p) => p.id === programId)?.versions ?? [];

  // Several months of one integration in a batch share its first usage: read it once.
  const firsts = new Map<string, number | undefined>();
  const firstUsageOf = async (id: string) => {
    if (!firsts.has(id)) firsts.set(id, await firstUsage(tx, id));
    return firsts.get(id);
  };
  for (const p of parsed) {
    const row = rows.get(p.id);
    if (!row) {
      desired.set(p.unit, []);
      continue;
    }
    const facts = factsOf(row);
    if (p.kind === 'i') {
      const refs = await eventRefs(tx, completions.get(p.id) ?? []);
      desired.set(
        p.unit,
        deriveGrants({
          integration: facts,
          versions: versionsOf(row.program_id),
          completions: completions.get(p.id) ?? [],
          refs,
          approved,
        }),
      );
      continue;
    }
    const month = p.month as string;
    const { start, end } = monthBounds(month);
    if (now < end) {
      parked.set(p.unit, end);
      desired.set(p.unit, []);
      continue;
    }
    desired.set(
      p.unit,
      deriveUsageMonth({
        integration: facts,
        month,
        versions: versionsOf(row.program_id),
        usage: await loadUsage(tx, p.id, start, end),
        completions: completions.get(p.id) ?? [],
        firstUsageAt: await firstUsageOf(p.id),
        approved,
        categories: categories.get(p.id),
        tiers: tiers.get(tierKey(row.program_id, row.partner_id)),
      }),
    );
  }
  return { desired, parked };
}

async function eventRefs(tx: Tx, completions: readonly { source: string; ref: string }[]) {
  const ids = completions.filter((c) => c.source === 'event').map((c) => c.ref);
  const out = new Map<string, { externalId: string; type: string }>();
  if (ids.length === 0) return out;
  for (const r of await tx
    .selectFrom('events')
    .select(['id', 'external_id', 'type'])
    .where('id', 'in', ids)
    .execute())
    out.set(r.id, { externalId: r.external_id, type: r.type });
  return out;
}
