import { sql } from 'kysely';
import {
  amountMetrics,
  type MetricConversion,
  type MetricName,
  measure,
  stateMetrics,
} from '../core/metrics.js';
import { formatAmount } from '../core/money.js';
import type { ProgramTerms } from '../core/program-terms.js';
import { type ProgramWithVersions, versionInForce } from '../core/program-version.js';
import {
  decideTier,
  highestQualified,
  longestWindowDays,
  type Requirement,
  type TierState,
} from '../core/tiers.js';
import { DAY_MS, toIso } from '../core/time.js';
import { jsonIn, toNumber, toOptionalNumber } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { markCustomersIn } from './dirty-units.js';
import { certifiedIntegrations } from './integrations.js';
import { loadConversions } from './load-conversions.js';
import { loadPrograms } from './load-programs.js';
import { emitEvent } from './outbox.js';
import { inTransaction, type Tx } from './transaction.js';

export interface TierChange {
  program_id: string;
  partner_id: string;
  from: string | null;
  to: string | null;
  reason: 'promotion' | 'demotion' | 'tier_removed';
  at: string;
}

/** `referred_revenue/90` → "1234.00" or "17": what a requirement measured, for audit and progress. */
export type MetricSnapshot = Record<string, string>;

export const requirementKey = (r: Pick<Requirement, 'metric' | 'windowDays'>) =>
  `${r.metric}/${r.windowDays}`;

/**
 * Re-evaluates partner tiers now: for every program whose terms in force have
 * tiers (or whose partners still hold one), measures each partner's metrics
 * over the requirements' rolling windows and applies the hysteresis rule.
 * A change is recorded in the append-only tier history (which derivation
 * reads: the new rate applies from this instant on), announced as a
 * `partner.tier_changed` outbox event and audited. Running it twice at the
 * same instant changes nothing the second time. One transaction per program,
 * which is locked on PostgreSQL so a scheduled and an on-demand run take turns.
 */
export async function evaluateTiers(
  deps: Deps,
  opts: { programId?: string; partnerId?: string; actor?: string } = {},
): Promise<{ evaluated: number; changes: TierChange[] }> {
  const programs = (await loadPrograms(deps.store.db)).filter(
    (p) => opts.programId === undefined || p.id === opts.programId,
  );
  const total = { evaluated: 0, changes: [] as TierChange[] };
  for (const program of programs) {
    const r = await inTransaction(deps, (tx) => evaluateProgram(deps, tx, program, opts));
    total.evaluated += r.evaluated;
    total.changes.push(...r.changes);
  }
  return total;
}

async function evaluateProgram(
  deps: Deps,
  tx: Tx,
  program: ProgramWithVersions,
  opts: { partnerId?: string; actor?: string },
): Promise<{ evaluated: number; changes: TierChange[] }> {
  if (deps.store.dialect === 'postgres')
    await sql`SELECT id FROM programs WHERE id = ${program.id} FOR UPDATE`.execute(tx);
  // The clock is read under the lock, so runs record their changes in time order.
  const now = deps.clock.now();
  const version = versionInForce(program.versions, now);
  const terms = version?.terms;
  const levels = terms?.tiers?.levels ?? [];

  const states = new Map<string, TierState>();
  let stateQuery = tx
    .selectFrom('partner_tiers')
    .select(['partner_id', 'tier', 'since', 'below_since', 'evaluated_at'])
    .where('program_id', '=', program.id);
  if (opts.partnerId) stateQuery = stateQuery.where('partner_id', '=', opts.partnerId);
  const stale = new Set<string>();
  for (const s of await stateQuery.execute()) {
    // Never decide before a decision already recorded (a clock behind another node's).
    if (toNumber(s.evaluated_at) > now) stale.add(s.partner_id);
    states.set(s.partner_id, {
      tier: s.tier,
      since: toNumber(s.since),
      belowSince: toOptionalNumber(s.below_since) ?? null,
    });
  }
  if (!version || !terms || (levels.length === 0 && states.size === 0))
    return { evaluated: 0, changes: [] };

  const partners = new Set(states.keys());
  const enrolled = await sql<{ partner_id: string }>`
    SELECT partner_id FROM enrollments WHERE program_id = ${program.id}
    UNION SELECT DISTINCT partner_id FROM attributions WHERE program_id = ${program.id}`.execute(
    tx,
  );
  for (const r of enrolled.rows)
    if (opts.partnerId === undefined || r.partner_id === opts.partnerId) partners.add(r.partner_id);

  const conversions = await loadConversions(tx, {
    programId: program.id,
    partnerId: opts.partnerId,
    from: now - longestWindowDays(levels) * DAY_MS,
    to: now,
  });
  const certified = levels.some((l) =>
    l.requires.some((r) => r.metric === 'certified_integrations'),
  )
    ? await certifiedIntegrations(tx, program, now)
    : new Map<string, number>();
  const changes: TierChange[] = [];
  for (const partnerId of [...partners].sort()) {
    if (stale.has(partnerId)) continue;
    const convs = conversions.get(partnerId) ?? [];
    const { value, snapshot } = measurer(convs, terms, now, {
      certified_integrations: BigInt(certified.get(partnerId) ?? 0),
    });
    const qualified = highestQualified(levels, value);
    const prior = states.get(partnerId) ?? { tier: null, since: now, belowSince: null };
    const decision = decideTier(levels, terms.tiers?.graceDays ?? 0, prior, qualified, now);
    const next = decision.state;
    const row = {
      tier: next.tier,
      since: next.since,
      below_since: next.belowSince,
      evaluated_at: now,
      version_id: version.id,
      metrics: jsonIn(snapshot),
    };
    await tx
      .insertInto('partner_tiers')
      .values({ program_id: program.id, partner_id: partnerId, ...row })
      .onConflict((oc) => oc.columns(['program_id', 'partner_id']).doUpdateSet(row))
      .execute();
    if (!decision.change) continue;
    const change: TierChange = {
      program_id: program.id,
      partner_id: partnerId,
      from: decision.change.from,
      to: decision.change.to,
      reason: decision.change.reason,
      at: toIso(now),
    };
    changes.push(change);
    await recordChange(deps, tx, change, now, version.id, snapshot, terms, opts.actor ?? 'system');
  }
  return { evaluated: partners.size, changes };
}

async function recordChange(
  deps: Deps,
  tx: Tx,
  change: TierChange,
  now: number,
  versionId: string,
  snapshot: MetricSnapshot,
  terms: ProgramTerms,
  actor: string,
): Promise<void> {
  await tx
    .insertInto('partner_tier_history')
    .values({
      id: deps.ids.next('tch'),
      program_id: change.program_id,
      partner_id: change.partner_id,
      tier: change.to,
      previous: change.from,
      at: now,
      reason: change.reason,
      version_id: versionId,
      metrics: jsonIn(snapshot),
    })
    .execute();
  const level = terms.tiers?.levels.find((l) => l.id === change.to);
  await emitEvent(deps, tx, {
    type: 'partner.tier_changed',
    subject: change.partner_id,
    data: { ...change, metrics: snapshot, benefits: level?.benefits ?? [] },
  });
  await audit(deps, tx, {
    actor,
    action: 'partner.tier_changed',
    subject: change.partner_id,
    data: { ...change, metrics: snapshot },
  });
  // Rates follow the tier from this instant on: events at or after it (late
  // or future-dated) are re-derived; earlier ones keep the tier they had.
  await markCustomersIn(
    tx,
    sql`SELECT a.customer_id FROM attributions a JOIN events e ON e.customer_id = a.customer_id
        WHERE a.program_id = ${change.program_id} AND a.partner_id = ${change.partner_id}
          AND e.occurred_at >= ${now}`,
    now,
  );
}

/** Measures requirements over their windows ending at `now` (memoized per metric/window). */
export function measurer(
  conversions: readonly MetricConversion[],
  terms: ProgramTerms,
  now: number,
  state: Partial<Record<MetricName, bigint>> = {},
): { value: (r: Requirement) => bigint; snapshot: MetricSnapshot } {
  const snapshot: MetricSnapshot = {};
  const memo = new Map<string, bigint>();
  const value = (r: Requirement) => {
    const key = requirementKey(r);
    let v = memo.get(key);
    if (v === undefined) {
      v = stateMetrics.has(r.metric)
        ? (state[r.metric] ?? 0n)
        : measure(r.metric, conversions, {
            from: now - r.windowDays * DAY_MS,
            to: now,
            currency: terms.currency,
          });
      memo.set(key, v);
      snapshot[key] = amountMetrics.has(r.metric) ? formatAmount(v, terms.currency) : v.toString();
    }
    return v;
  };
  // Measure every requirement, not only until the first miss: the snapshot shows progress.
  for (const l of terms.tiers?.levels ?? []) for (const r of l.requires) value(r);
  return { value, snapshot };
}
