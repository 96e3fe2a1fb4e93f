import { toIso } from '../core/time.js';
import { jsonOut, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { getPartner } from './partners.js';

/**
 * A partner's history, newest first: every status change with its reason,
 * and every tier change per program with the metrics it was decided on.
 * Errors: `partner_not_found`.
 */
export async function readPartnerHistory(deps: Deps, partnerId: string) {
  await getPartner(deps, partnerId);
  const db = deps.store.db;
  const [statuses, tiers] = await Promise.all([
    db
      .selectFrom('partner_status_history')
      .select(['status', 'at', 'reason'])
      .where('partner_id', '=', partnerId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .execute(),
    db
      .selectFrom('partner_tier_history')
      .innerJoin('programs', 'programs.id', 'partner_tier_history.program_id')
      .select([
        'programs.key as program',
        'partner_tier_history.tier',
        'partner_tier_history.previous',
        'partner_tier_history.at',
        'partner_tier_history.reason',
        'partner_tier_history.version_id',
        'partner_tier_history.metrics',
      ])
      .where('partner_tier_history.partner_id', '=', partnerId)
      .orderBy('partner_tier_history.at', 'desc')
      .orderBy('partner_tier_history.id', 'desc')
      .execute(),
  ]);
  return {
    partner_id: partnerId,
    statuses: statuses.map((s) => ({
      status: s.status,
      at: toIso(toNumber(s.at)),
      reason: s.reason,
    })),
    tiers: tiers.map((t) => ({
      program: t.program,
      tier: t.tier,
      previous: t.previous,
      at: toIso(toNumber(t.at)),
      reason: t.reason,
      version_id: t.version_id,
      metrics: jsonOut(t.metrics),
    })),
  };
}
