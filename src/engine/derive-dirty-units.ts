import { sql } from 'kysely';
import type { DesiredAccrual } from '../core/accrual.js';
import type { Currency } from '../core/currency.js';
import { type CustomerDerivation, deriveCustomer } from '../core/derive-customer.js';
import { type AccrualDelta, diffAccruals, type PostedAccrual } from '../core/diff-accruals.js';
import { settleStagedUnit } from '../core/settle-staged-unit.js';
import { toBigInt, toNumber } from '../store/values.js';
import { attachTraces, loadCandidates, replaceCandidates } from './accrual-candidates.js';
import { deriveBonusUnits, markBonusPeriods } from './bonus-periods.js';
import type { Deps } from './deps.js';
import { deriveCampaignUnits, markCampaigns } from './derive-campaigns.js';
import { deriveIntegrationUnits } from './derive-integrations.js';
import { moveMarks } from './dirty-units.js';
import { loadCustomerInputs } from './load-derivation-inputs.js';
import { loadStatusHistory, loadTierHistory } from './load-histories.js';
import { loadPrograms } from './load-programs.js';
import { markMarginMonths } from './mark-margin-months.js';
import { postDeltas } from './post-lines.js';
import { raiseBudgetAlerts } from './raise-budget-alerts.js';
import { replaceReadModels } from './replace-read-models.js';
import { chunks, inTransaction, type Tx } from './transaction.js';

/** How long a partner-month unit waits after its first mark before it is re-capped (worker). */
export const DEFAULT_SETTLE_MS = 1000;
/**
 * How long it waits instead while customers are backlogged (the round's
 * customers filled it). Each re-cap reads every candidate of its month, and
 * a backlog's customers carry whole histories, so every round touches every
 * month: re-capping after each round made draining quadratic (measured:
 * 1,000,000 events acknowledged on PostgreSQL in 330 s left 210,000 units
 * draining at 90 a second).
 */
export const BACKLOG_SETTLE_MS = 30_000;

export interface DeriveResult {
  units: number;
  lines: number;
}

/**
 * Drains up to `limit` dirty derivation units in one transaction: re-derives
 * each from its stored events with the pure core functions, compares with
 * what the ledger holds for it and posts only the difference. Customer units
 * (`c:…`) come first; partner-month units (`pm:…`, monthly caps) are fed by
 * them and drained after. On PostgreSQL several workers share the queue with
 * `FOR UPDATE SKIP LOCKED`; a unit marked again while being derived stays
 * dirty: marks land in the dirty_marks inbox, moved into dirty_units first
 * (moveMarks), so a mark made mid-derivation is moved by a later round.
 */
export async function deriveDirtyUnits(
  deps: Deps,
  opts: { limit?: number; settleMs?: number; backlogSettleMs?: number; only?: string[] } = {},
): Promise<DeriveResult> {
  const limit = opts.limit ?? 500;
  await moveMarks(deps);
  return inTransaction(deps, async (tx) => {
    const now = deps.clock.now();
    const lock = deps.store.dialect === 'postgres' ? sql` FOR UPDATE SKIP LOCKED` : sql``;
    const only = opts.only ? sql` AND unit IN (${sql.join(opts.only)})` : sql``;
    // `marked_at <= now`: a unit parked after failing waits out its back-off.
    const claimCustomers = await sql<{ unit: string }>`
      SELECT unit FROM dirty_units WHERE unit LIKE 'c:%' AND marked_at <= ${now}${only}
      ORDER BY marked_at, unit LIMIT ${limit}${lock}`.execute(tx);
    // A partner-month unit sums every candidate of its month: re-applying the
    // cap after each batch of customers would make ingestion quadratic. It is
    // derived once its first mark is `settleMs` old (BACKLOG_SETTLE_MS while
    // customers fill the round), so a month is re-capped at most about once
    // per settle interval however busy it is.
    const settleMs = opts.settleMs ?? DEFAULT_SETTLE_MS;
    const backlog = claimCustomers.rows.length >= limit;
    const settled =
      now - (backlog ? Math.max(settleMs, opts.backlogSettleMs ?? BACKLOG_SETTLE_MS) : settleMs);
    const claimMonths = await sql<{ unit: string }>`
      SELECT unit FROM dirty_units
      WHERE (unit LIKE 'pm:%' OR unit LIKE 'bm:%' OR unit LIKE 'pb:%') AND marked_at <= ${settled}${only}
      ORDER BY marked_at, unit LIMIT ${limit}${lock}`.execute(tx);
    const claimIntegrations = await sql<{ unit: string }>`
      SELECT unit FROM dirty_units WHERE unit LIKE 'i%:%' AND marked_at <= ${now}${only}
      ORDER BY marked_at, unit LIMIT ${limit}${lock}`.execute(tx);
    // Campaign units wait until their window closes (parked with marked_at = ends_at).
    const claimCampaigns = await sql<{ unit: string }>`
      SELECT unit FROM dirty_units WHERE unit LIKE 'cm:%' AND marked_at <= ${now}${only}
      ORDER BY marked_at, unit LIMIT ${limit}${lock}`.execute(tx);
    const units = [
      ...claimCustomers.rows,
      ...claimMonths.rows,
      ...claimIntegrations.rows,
      ...claimCampaigns.rows,
    ].map((r) => r.unit);
    if (units.length === 0) return { units: 0, lines: 0 };

    const customers = units.filter((u) => u.startsWith('c:')).map((u) => u.slice(2));
    const partnerMonths = units.filter((u) => u.startsWith('pm:') || u.startsWith('bm:'));
    const bonusUnits = units.filter((u) => u.startsWith('pb:'));
    const integrationUnits = units.filter((u) => u.startsWith('i:') || u.startsWith('iu:'));
    const campaignUnits = units.filter((u) => u.startsWith('cm:'));
    const programs = await loadPrograms(tx);
    const byUnit = new Map<string, AccrualDelta[]>();

    if (customers.length) {
      const { derived, campaignIds } = await deriveCustomers(tx, customers, programs);
      const direct = new Map<string, DesiredAccrual[]>();
      const candidates: DesiredAccrual[] = [];
      for (const d of derived.values()) {
        for (const a of d.accruals) {
          if (!a.unit.startsWith('c:')) candidates.push(a);
          else if (direct.has(a.unit)) direct.get(a.unit)?.push(a);
          else direct.set(a.unit, [a]);
        }
      }
      const unitsOfCustomers = customers.map((c) => `c:${c}`);
      const posted = await loadPosted(tx, unitsOfCustomers);
      for (const u of unitsOfCustomers)
        byUnit.set(u, diffAccruals(direct.get(u) ?? [], posted.get(u) ?? []));
      const touched = await replaceReadModels(tx, customers, derived);
      await markBonusPeriods(tx, programs, touched, now);
      await markMarginMonths(tx, programs, touched, now);
      await replaceCandidates(tx, customers, candidates, now);
      // Late signups and activations re-evaluate the closed campaigns of these customers.
      await markCampaigns(tx, campaignIds, now);
    }

    if (partnerMonths.length) {
      const cands = await loadCandidates(tx, partnerMonths);
      const posted = await loadPosted(tx, partnerMonths);
      const settledOf = new Map<string, DesiredAccrual[]>();
      for (const u of partnerMonths) {
        const settled = settleStagedUnit(cands.get(u) ?? []);
        settledOf.set(u, settled);
        byUnit.set(u, diffAccruals(settled, posted.get(u) ?? []));
      }
      // One look-up for all the months' traces: per month it was one query each, ~60 a round.
      await attachTraces(
        tx,
        partnerMonths.flatMap((u) => byUnit.get(u) ?? []),
      );
      for (const [u, settled] of settledOf)
        if (u.startsWith('bm:')) await raiseBudgetAlerts(deps, tx, programs, u, settled);
    }

    if (bonusUnits.length) {
      const desired = await deriveBonusUnits(tx, programs, bonusUnits, now);
      const posted = await loadPosted(tx, bonusUnits);
      for (const u of bonusUnits)
        byUnit.set(u, diffAccruals(desired.get(u) ?? [], posted.get(u) ?? []));
    }

    let parked = new Map<string, number>();
    if (integrationUnits.length) {
      const derived = await deriveIntegrationUnits(tx, programs, integrationUnits, now);
      const posted = await loadPosted(tx, integrationUnits);
      parked = derived.parked;
      // A month still running is not compared with anything: what it holds stays as it is.
      for (const u of integrationUnits)
        if (!parked.has(u))
          byUnit.set(u, diffAccruals(derived.desired.get(u) ?? [], posted.get(u) ?? []));
    }

    if (campaignUnits.length) {
      const derived = await deriveCampaignUnits(tx, programs, campaignUnits, now);
      const posted = await loadPosted(tx, campaignUnits);
      // A campaign whose window is open earns nothing yet; a running one waits for its ends_at.
      for (const [u, until] of derived.parked) parked.set(u, until);
      for (const u of campaignUnits)
        byUnit.set(u, diffAccruals(derived.desired.get(u) ?? [], posted.get(u) ?? []));
    }

    const lines = await postDeltas(deps, tx, byUnit, now);
    for (const part of chunks(units, 500))
      await tx.deleteFrom('dirty_units').where('unit', 'in', part).execute();
    // A usage month still running is valued when it ends: its unit waits until then.
    for (const [unit, until] of parked)
      await sql`INSERT INTO dirty_units (unit, marked_at) VALUES (${unit}, ${until})
        ON CONFLICT (unit) DO NOTHING`.execute(tx);
    return { units: units.length, lines };
  });
}

/** Drains the queue until it is empty (or `maxRounds`); for tests, the seed and the CLI. */
export async function deriveAll(
  deps: Deps,
  opts: { limit?: number; maxRounds?: number } = {},
): Promise<DeriveResult> {
  const total = { units: 0, lines: 0 };
  for (let round = 0; round < (opts.maxRounds ?? 1_000_000); round++) {
    const r = await deriveDirtyUnits(deps, { ...opts, settleMs: 0, backlogSettleMs: 0 });
    total.units += r.units;
    total.lines += r.lines;
    if (r.units === 0) break;
  }
  return total;
}

async function deriveCustomers(
  tx: Tx,
  customers: string[],
  programs: Awaited<ReturnType<typeof loadPrograms>>,
): Promise<{ derived: Map<string, CustomerDerivation>; campaignIds: string[] }> {
  const { events, clicks, codes: codeRecords, campaigns } = await loadCustomerInputs(tx, customers);
  const partnerIds = new Set<string>([
    ...[...clicks.values(), ...codeRecords.values()].map((x) => x.partnerId),
    ...[...campaigns.values()].flatMap((c) => c.partnerIds),
  ]);
  const partnerStatus = await loadStatusHistory(tx, [...partnerIds]);
  const partnerTiers = await loadTierHistory(tx, { partnerIds: [...partnerIds] });
  const out = new Map<string, CustomerDerivation>();
  for (const customerId of customers) {
    out.set(
      customerId,
      deriveCustomer({
        customerId,
        events: events.get(customerId) ?? [],
        clicks,
        codes: codeRecords,
        campaigns,
        programs,
        partnerStatus,
        partnerTiers,
      }),
    );
  }
  // The campaigns their touches and campaign links name (read with their events).
  return { derived: out, campaignIds: [...campaigns.keys()] };
}

/** The net of posted lines per accrual identity, per unit. */
async function loadPosted(tx: Tx, units: string[]): Promise<Map<string, PostedAccrual[]>> {
  const acc = new Map<string, Map<string, PostedAccrual>>();
  for (const part of chunks(units, 500)) {
    // Only what the comparison needs: traces are large and never read here.
    const rows = await tx
      .selectFrom('accrual_lines')
      .select([
        'unit',
        'key',
        'partner_id',
        'currency',
        'available_at',
        'amount',
        'program_id',
        'customer_id',
        'event_id',
        'rule_id',
        'version_id',
        'occurred_at',
      ])
      .where('unit', 'in', part)
      .execute();
    for (const r of rows) {
      const perUnit = acc.get(r.unit) ?? new Map<string, PostedAccrual>();
      acc.set(r.unit, perUnit);
      const availableAt = toNumber(r.available_at);
      const id = `${r.key}|${r.partner_id}|${r.currency}|${availableAt}`;
      const prior = perUnit.get(id);
      if (prior) {
        prior.amount += toBigInt(r.amount);
        continue;
      }
      perUnit.set(id, {
        key: r.key,
        partnerId: r.partner_id,
        currency: r.currency as Currency,
        availableAt,
        amount: toBigInt(r.amount),
        programId: r.program_id,
        customerId: r.customer_id,
        eventId: r.event_id,
        ruleId: r.rule_id,
        versionId: r.version_id,
        occurredAt: toNumber(r.occurred_at),
      });
    }
  }
  const out = new Map<string, PostedAccrual[]>();
  for (const [u, m] of acc) out.set(u, [...m.values()]);
  return out;
}

/** How long a unit that failed to derive waits before it is tried again. */
export const PARK_MS = 60_000;

/**
 * The fallback when a round fails: derives the due units one per transaction,
 * so one unit that cannot be derived (a bug, bad data) is parked for PARK_MS
 * and logged instead of rolling back — and stalling — everyone else's round.
 */
export async function deriveIsolating(
  deps: Deps,
  opts: { limit?: number } = {},
): Promise<DeriveResult & { parked: string[] }> {
  const now = deps.clock.now();
  await moveMarks(deps);
  const due = await deps.store.db
    .selectFrom('dirty_units')
    .select('unit')
    .where('marked_at', '<=', now)
    .orderBy('marked_at')
    .orderBy('unit')
    .limit(opts.limit ?? 100)
    .execute();
  const total = { units: 0, lines: 0, parked: [] as string[] };
  for (const { unit } of due) {
    try {
      const r = await deriveDirtyUnits(deps, { only: [unit], settleMs: 0 });
      total.units += r.units;
      total.lines += r.lines;
    } catch (err) {
      deps.log.error({ err, unit }, 'cannot derive this unit; parked, will retry');
      await deps.store.db
        .updateTable('dirty_units')
        .set({ marked_at: now + PARK_MS })
        .where('unit', '=', unit)
        .execute();
      total.parked.push(unit);
    }
  }
  return total;
}
