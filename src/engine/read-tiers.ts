import { amountMetrics } from '../core/metrics.js';
import { formatAmount } from '../core/money.js';
import type { ProgramTerms } from '../core/program-terms.js';
import { versionInForce } from '../core/program-version.js';
import { highestQualified, longestWindowDays } from '../core/tiers.js';
import { DAY_MS, toIso } from '../core/time.js';
import { jsonOut, toNumber, toOptionalNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { measurer } from './evaluate-tiers.js';
import { certifiedIntegrations } from './integrations.js';
import { loadConversions } from './load-conversions.js';
import { loadPrograms } from './load-programs.js';
import { enrolledProgramIds, findPartner } from './partners.js';
import { findProgram } from './programs.js';

export interface RequirementProgress {
  metric: string;
  window_days: number;
  at_least: string;
  current: string;
  missing: string;
  /** 0–100, whole percent, floor: 100 only when met. */
  progress_percent: number;
}

export interface BenefitView {
  id: string;
  name: string;
  description: string | null;
  allowance: { amount?: string; count?: number; per: string; currency?: string } | null;
}

export interface PartnerTierView {
  program_id: string;
  program_key: string;
  tier: { id: string; name: string; since: string } | null;
  /** Set while the partner is below its tier: when the grace period ends. */
  grace: { below_since: string; demotion_due_at: string } | null;
  benefits: BenefitView[];
  /** Measured now, over each requirement's window (the tier itself changes at evaluations). */
  qualifies_now_for: string | null;
  next_tier: { id: string; name: string; requires: RequirementProgress[] } | null;
  evaluated_at: string | null;
}

/**
 * What a partner sees of its tiers, per program with tiers: the tier it holds
 * (as last evaluated), its benefits, and how far it is from the next tier,
 * measured live from its conversions.
 */
export async function readPartnerTiers(deps: Deps, partnerId: string): Promise<PartnerTierView[]> {
  const db = deps.store.db;
  await findPartner(db, partnerId);
  const now = deps.clock.now();
  const programs = await loadPrograms(db);
  const states = await db
    .selectFrom('partner_tiers')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .execute();
  const enrolled = await enrolledProgramIds(db, partnerId);
  const out: PartnerTierView[] = [];
  for (const program of programs) {
    const terms = versionInForce(program.versions, now)?.terms;
    const state = states.find((s) => s.program_id === program.id);
    if (!terms?.tiers && !state) continue;
    if (!state && !enrolled.has(program.id)) continue;
    const levels = terms?.tiers?.levels ?? [];
    const held = state?.tier ? levels.find((l) => l.id === state.tier) : undefined;
    const window = longestWindowDays(levels);
    const convs = window
      ? ((
          await loadConversions(db, {
            programId: program.id,
            partnerId,
            from: now - window * DAY_MS,
            to: now,
          })
        ).get(partnerId) ?? [])
      : [];
    const certified =
      (await certifiedIntegrations(db, program, now, partnerId)).get(partnerId) ?? 0;
    const { value } = terms
      ? measurer(convs, terms, now, { certified_integrations: BigInt(certified) })
      : { value: () => 0n };
    const qualifiesNow = highestQualified(levels, value);
    const heldIndex = held ? levels.indexOf(held) : -1;
    const next = levels[heldIndex + 1];
    const belowSince = state ? toOptionalNumber(state.below_since) : undefined;
    out.push({
      program_id: program.id,
      program_key: program.key,
      tier:
        held && state
          ? { id: held.id, name: held.name, since: toIso(toNumber(state.since)) }
          : null,
      grace:
        belowSince !== undefined && terms?.tiers
          ? {
              below_since: toIso(belowSince),
              demotion_due_at: toIso(belowSince + terms.tiers.graceDays * DAY_MS),
            }
          : null,
      benefits: held && terms ? benefitsOf(terms, held.benefits) : [],
      qualifies_now_for: qualifiesNow >= 0 ? (levels[qualifiesNow]?.id ?? null) : null,
      next_tier:
        next && terms
          ? {
              id: next.id,
              name: next.name,
              requires: next.requires.map((r) => {
                const current = value(r);
                const fmt = (v: bigint) =>
                  amountMetrics.has(r.metric) ? formatAmount(v, terms.currency) : v.toString();
                const missing = r.atLeast > current ? r.atLeast - current : 0n;
                const pct =
                  r.atLeast === 0n || current >= r.atLeast
                    ? 100
                    : current <= 0n
                      ? 0
                      : Number((current * 100n) / r.atLeast);
                return {
                  metric: r.metric,
                  window_days: r.windowDays,
                  at_least: fmt(r.atLeast),
                  current: fmt(current),
                  missing: fmt(missing),
                  progress_percent: pct,
                };
              }),
            }
          : null,
      evaluated_at: state ? toIso(toNumber(state.evaluated_at)) : null,
    });
  }
  return out;
}

export function benefitsOf(terms: ProgramTerms, ids: readonly string[]): BenefitView[] {
  return ids.flatMap((id) => {
    const b = terms.benefits.find((x) => x.id === id);
    if (!b) return [];
    const a = b.allowance;
    return [
      {
        id: b.id,
        name: b.name,
        description: b.description ?? null,
        allowance: a
          ? {
              per: a.per,
              ...(a.amount !== undefined
                ? { amount: formatAmount(a.amount, terms.currency), currency: terms.currency }
                : {}),
              ...(a.count !== undefined ? { count: a.count } : {}),
            }
          : null,
      },
    ];
  });
}

export interface EntitlementView extends BenefitView {
  program_id: string;
  tier: string;
  since: string;
}

/**
 * A partner's current non-monetary entitlements across programs: the
 * benefits of the tiers it holds, under the terms in force now. A partner
 * that is not approved (suspended, banned) has none.
 */
export async function readEntitlements(deps: Deps, partnerId: string): Promise<EntitlementView[]> {
  const db = deps.store.db;
  const partner = await findPartner(db, partnerId);
  if (partner.status !== 'approved') return [];
  const now = deps.clock.now();
  const programs = new Map((await loadPrograms(db)).map((p) => [p.id, p]));
  const states = await db
    .selectFrom('partner_tiers')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .where('tier', 'is not', null)
    .orderBy('program_id')
    .execute();
  return states.flatMap((s) => {
    const program = programs.get(s.program_id);
    const terms = program && versionInForce(program.versions, now)?.terms;
    const level = terms?.tiers?.levels.find((l) => l.id === s.tier);
    if (!terms || !level) return [];
    return benefitsOf(terms, level.benefits).map((b) => ({
      ...b,
      program_id: s.program_id,
      tier: level.id,
      since: toIso(toNumber(s.since)),
    }));
  });
}

export interface ProgramTierRow {
  partner_id: string;
  tier: string | null;
  since: string;
  below_since: string | null;
  evaluated_at: string;
  metrics: Record<string, string>;
}

/** Every partner's tier state in a program (operators). */
export async function listProgramTiers(
  deps: Deps,
  programIdOrKey: string,
): Promise<ProgramTierRow[]> {
  const db = deps.store.db;
  const programId = (await findProgram(db, programIdOrKey)).id;
  const rows = await db
    .selectFrom('partner_tiers')
    .selectAll()
    .where('program_id', '=', programId)
    .orderBy('partner_id')
    .execute();
  return rows.map((r) => {
    const below = toOptionalNumber(r.below_since);
    return {
      partner_id: r.partner_id,
      tier: r.tier,
      since: toIso(toNumber(r.since)),
      below_since: below === undefined ? null : toIso(below),
      evaluated_at: toIso(toNumber(r.evaluated_at)),
      metrics: jsonOut<Record<string, string>>(r.metrics),
    };
  });
}
