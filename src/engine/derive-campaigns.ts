import { sql } from 'kysely';
import type { DesiredAccrual } from '../core/accrual.js';
import { RUNNING_STATUSES } from '../core/campaign.js';
import { deriveCampaignBonuses } from '../core/derive-campaign-bonuses.js';
import { approvedAt } from '../core/derive-customer.js';
import { type ProgramWithVersions, versionInForce } from '../core/program-version.js';
import { loadCampaigns } from './campaigns.js';
import { EARLIER_MARK_WINS } from './dirty-units.js';
import { loadStatusHistory } from './load-histories.js';
import { measureCampaign } from './measure-campaign.js';
import { chunks, type Tx } from './transaction.js';

export interface CampaignDerivation {
  desired: Map<string, DesiredAccrual[]>;
  /** Units of running campaigns whose window has not closed: derived again at `ends_at`. */
  parked: Map<string, number>;
}

/**
 * Derives campaign units (`cm:<campaign>`): the target bonuses of each
 * campaign, evaluated once its window has closed (core
 * deriveCampaignBonuses). Before the close a campaign earns nothing; a
 * running one is parked until its `ends_at`, like a usage month. A campaign
 * that is not running (proposed, rejected, cancelled), that lost a bonus or
 * no longer exists derives nothing, so whatever was posted is reversed.
 */
export async function deriveCampaignUnits(
  tx: Tx,
  programs: readonly ProgramWithVersions[],
  units: readonly string[],
  now: number,
): Promise<CampaignDerivation> {
  const desired = new Map<string, DesiredAccrual[]>();
  const parked = new Map<string, number>();
  const ids = units.map((u) => u.slice(3));
  const campaigns = new Map((await loadCampaigns(tx, { ids })).map((c) => [c.id, c]));
  const partnerIds = [
    ...new Set([...campaigns.values()].flatMap((c) => c.partners.map((p) => p.partnerId))),
  ];
  const status = await loadStatusHistory(tx, partnerIds);
  for (const unit of units) {
    const c = campaigns.get(unit.slice(3));
    desired.set(unit, []);
    if (!c || c.bonuses.length === 0) continue;
    const running = RUNNING_STATUSES.includes(c.status);
    if (now < c.endsAt) {
      if (running) parked.set(unit, c.endsAt);
      continue;
    }
    if (!running) continue;
    const program = programs.find((p) => p.id === c.programId);
    const version = program && versionInForce(program.versions, c.endsAt);
    if (!version) continue;
    desired.set(
      unit,
      deriveCampaignBonuses({
        campaign: {
          id: c.id,
          code: c.code,
          programId: c.programId,
          endsAt: c.endsAt,
          currency: c.currency,
          partnerIds: c.partners.map((p) => p.partnerId),
          bonuses: c.bonuses,
          running,
        },
        measurement: await measureCampaign(tx, c),
        version,
        approved: (partnerId) => approvedAt(status, partnerId, c.endsAt),
        now,
      }),
    );
  }
  return { desired, parked };
}

/**
 * After customers were derived: marks the units of the campaigns their
 * events touched (their `campaign.touch` events and the campaign links of
 * the clicks they quote, as derivation read them), so a late signup or
 * activation re-evaluates a closed campaign and the ledger gets the
 * difference. A campaign still running is marked for its `ends_at` (it is
 * evaluated then); campaigns without bonuses are not marked. The earlier
 * mark wins: a unit parked for an `ends_at` that has since moved earlier
 * comes due at the new one. Customers without campaigns cost nothing.
 */
export async function markCampaigns(
  tx: Tx,
  campaignIds: readonly string[],
  now: number,
): Promise<void> {
  for (const part of chunks([...campaignIds].sort(), 500)) {
    await sql`
      INSERT INTO dirty_units (unit, marked_at)
      SELECT CAST(${'cm:'} AS TEXT) || c.id,
        CASE WHEN c.ends_at <= CAST(${now} AS BIGINT) THEN CAST(${now} AS BIGINT) ELSE c.ends_at END
      FROM campaigns c
      WHERE CAST(c.bonuses AS TEXT) <> '[]' AND c.id IN (${sql.join(part)})
      ${EARLIER_MARK_WINS}`.execute(tx);
  }
}
