import { type Boost, stackBoosts } from './accelerators.js';
import type { AccrualTrace, DesiredAccrual } from './accrual.js';
import { evaluateCondition, type Facts } from './conditions.js';
import type { Currency } from './currency.js';
import type { ErrorCode } from './errors.js';
import { formatRatio } from './factor.js';
import {
  type CertificationLevel,
  compileIntegrationTerms,
  defaultIntegrationTerms,
  type IntegrationTerms,
  type UsageRule,
} from './integration-terms.js';
import { formatAmount } from './money.js';
import type { ProgramTerms } from './program-terms.js';
import { type ProgramVersion, versionInForce } from './program-version.js';
import { divideHalfEven } from './rounding.js';
import { type CompiledTier, tierAt } from './tiers.js';
import { addDays, addMonths, DAY_MS, toIso } from './time.js';

/** An integration as derivation sees it. */
export interface IntegrationFacts {
  id: string;
  partnerId: string;
  programId: string;
  createdAt: number;
}

/** One completion of a milestone: by an event (`ref` = event id) or an approved review (submission id). */
export interface Completion {
  milestone: string;
  completedAt: number;
  source: 'event' | 'review';
  ref: string;
}

const DEFAULT = compileIntegrationTerms(defaultIntegrationTerms(), 'USD' as Currency, 2);

/** The integration terms of a version: the default path when it says nothing about integrations. */
export function integrationTermsOf(terms: ProgramTerms): IntegrationTerms {
  return terms.integrations ?? DEFAULT;
}

/** The first completion of each milestone (what order checks and grants read). */
export function firstCompletions(completions: readonly Completion[]): Map<string, Completion> {
  const out = new Map<string, Completion>();
  for (const c of [...completions].sort(
    (a, b) => a.completedAt - b.completedAt || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0),
  )) {
    if (!out.has(c.milestone)) out.set(c.milestone, c);
  }
  return out;
}

export type MilestoneCheck =
  | { ok: true; renewal: boolean }
  | { ok: false; code: ErrorCode; message: string };

/**
 * Whether `milestone` may be completed at `at` by `via`, under `terms`:
 * it must be on the path, completable that way, and every milestone it
 * requires must have been completed at or before `at`. Completing it again
 * later is a renewal (re-certification), never a second grant.
 */
export function checkMilestone(
  terms: IntegrationTerms,
  completions: readonly Completion[],
  milestone: string,
  at: number,
  via: 'event' | 'review',
): MilestoneCheck {
  const m = terms.milestones.find((x) => x.id === milestone);
  if (!m)
    return {
      ok: false,
      code: 'unknown_milestone',
      message: `no milestone ${milestone} on this program's path (${terms.milestones.map((x) => x.id).join(' → ')})`,
    };
  if (m.completedBy !== 'either' && m.completedBy !== via)
    return {
      ok: false,
      code: 'milestone_completed_by_other',
      message:
        m.completedBy === 'review'
          ? `${milestone} is completed by a reviewed submission, not by an event`
          : `${milestone} is completed by an event from the marketplace's systems, not by a review`,
    };
  const first = firstCompletions(completions);
  const missing = m.requires.filter((r) => {
    const c = first.get(r);
    return !c || c.completedAt > at;
  });
  if (missing.length)
    return {
      ok: false,
      code: 'milestone_out_of_order',
      message: `${milestone} requires ${missing.join(', ')} to be completed first`,
    };
  // A completion after the first renews it; one dated before it (a late report) moves it earlier.
  const prior = first.get(milestone);
  return { ok: true, renewal: prior !== undefined && prior.completedAt <= at };
}

export interface MilestoneStatus {
  id: string;
  name: string;
  completed_by: 'event' | 'review' | 'either';
  requires: string[];
  status: 'completed' | 'available' | 'locked';
  completed_at: string | null;
  source: 'event' | 'review' | null;
  /** What completed it: the event's id (`evt_…`) or the approved submission's (`sub_…`). */
  ref: string | null;
  renewed_at: string | null;
}

/** The checklist of an integration: each milestone, done or not, and what unlocks it. */
export function milestoneChecklist(
  terms: IntegrationTerms,
  completions: readonly Completion[],
): MilestoneStatus[] {
  const first = firstCompletions(completions);
  return terms.milestones.map((m) => {
    const done = first.get(m.id);
    const latest = completions
      .filter((c) => c.milestone === m.id)
      .reduce<Completion | undefined>(
        (a, c) => (!a || c.completedAt > a.completedAt ? c : a),
        undefined,
      );
    return {
      id: m.id,
      name: m.name,
      completed_by: m.completedBy,
      requires: m.requires,
      status: done ? 'completed' : m.requires.every((r) => first.has(r)) ? 'available' : 'locked',
      completed_at: done ? toIso(done.completedAt) : null,
      source: done?.source ?? null,
      ref: done?.ref ?? null,
      renewed_at: latest && done && latest !== done ? toIso(latest.completedAt) : null,
    };
  });
}

export interface GrantInput {
  integration: IntegrationFacts;
  versions: readonly ProgramVersion[];
  completions: readonly Completion[];
  /** External ids of completing events, for traces. */
  refs?: ReadonlyMap<string, { externalId: string; type: string }>;
  approved: (partnerId: string, at: number) => boolean;
}

export const integrationUnit = (integrationId: string) => `i:${integrationId}`;
export const usageMonthUnit = (integrationId: string, month: string) =>
  `iu:${integrationId}:${month}`;

/**
 * The grants an integration's milestones earn: each grant rule of the
 * version in force when its milestone was first completed (for `on: path`,
 * when the last milestone of that version's path was), once per integration
 * and rule. Money waits out the program's hold; credits are usable at once.
 */
export function deriveGrants(input: GrantInput): DesiredAccrual[] {
  const { integration: it } = input;
  const first = firstCompletions(input.completions);
  const out: DesiredAccrual[] = [];
  // A grant belongs to the version in force when its milestone completed.
  const candidates = new Map<string, { at: number; completion: Completion }>();
  for (const c of first.values()) candidates.set(c.milestone, { at: c.completedAt, completion: c });
  const seen = new Set<string>();
  const times = [...first.values()].map((c) => c.completedAt).sort((a, b) => a - b);
  for (const t of times) {
    const version = versionInForce(input.versions, t);
    if (!version) continue;
    const terms = integrationTermsOf(version.terms);
    for (const g of terms.grants) {
      if (seen.has(g.id)) continue;
      let done: Completion | undefined;
      if (g.on === 'path') {
        const all = terms.milestones.map((m) => first.get(m.id));
        if (all.some((c) => !c)) continue;
        done = (all as Completion[]).reduce((a, c) => (c.completedAt > a.completedAt ? c : a));
      } else done = candidates.get(g.on)?.completion;
      if (!done || done.completedAt !== t) continue;
      seen.add(g.id);
      if (!input.approved(it.partnerId, t)) continue;
      const credits = 'credits' in g.pays ? g.pays.credits : undefined;
      const currency = (credits ? credits.asset : version.terms.currency) as Currency;
      const amount = credits ? credits.amount : (g.pays as { money: bigint }).money;
      const availableAt = credits ? t : addDays(t, version.terms.holdDays);
      const ref = input.refs?.get(done.ref);
      const trace: AccrualTrace = {
        program: { id: it.programId, version_id: version.id, version: version.number },
        rule: {
          id: g.id,
          ...(g.name ? { name: g.name } : {}),
          event: 'integration.milestone',
          pays: 'flat',
        },
        event: {
          id: done.ref,
          external_id: ref?.externalId ?? done.ref,
          type: done.source === 'event' ? (ref?.type ?? 'integration.milestone') : 'review',
          occurred_at: toIso(t),
        },
        inputs: {
          integration: it.id,
          milestone: g.on === 'path' ? `path (last: ${done.milestone})` : done.milestone,
          completed_by: done.source,
        },
        steps: [
          `${g.on === 'path' ? 'the whole milestone path' : `milestone ${done.milestone}`} completed at ${toIso(t)} (${done.source === 'review' ? 'approved review' : 'event'}) → grant ${formatAmount(amount, currency)} ${currency}, once per integration`,
        ],
        hold_days: credits ? 0 : version.terms.holdDays,
        available_at: toIso(availableAt),
      };
      out.push({
        key: `grant:${it.id}:${g.id}`,
        order: `${toIso(t)}|${g.id}`,
        unit: integrationUnit(it.id),
        kind: 'accrual',
        programId: it.programId,
        versionId: version.id,
        ruleId: g.id,
        partnerId: it.partnerId,
        customerId: it.id,
        eventId: done.ref,
        amount,
        currency,
        occurredAt: t,
        availableAt,
        trace,
      });
    }
  }
  return out;
}

/** One usage event as month derivation reads it. */
export interface UsageRecord {
  id: string;
  externalId: string;
  customerId: string;
  occurredAt: number;
  metric: string;
  quantity: bigint;
  revenue?: bigint;
  currency?: string;
}

/** Distinct installs (customers) with usage of more than zero units. */
export function activeInstalls(usage: readonly UsageRecord[]): number {
  return new Set(usage.filter((u) => u.quantity > 0n).map((u) => u.customerId)).size;
}

/** The category an integration had at `at` (its first one before it was registered). */
export function categoryAt(
  history: readonly { since: number; category: string | null }[] | undefined,
  at: number,
): string | undefined {
  let found = history?.[0]?.category ?? undefined;
  for (const h of history ?? []) {
    if (h.since > at) break;
    found = h.category ?? undefined;
  }
  return found;
}

/** The most one usage rule can earn in one month, in minor units: far above any real figure, far below 2^63. */
export const LARGEST_MONTH = 10n ** 15n;

/** `YYYY-MM` → [start, end) in epoch ms (UTC). */
export function monthBounds(month: string): { start: number; end: number } {
  const start = Date.parse(`${month}-01T00:00:00Z`);
  return { start, end: addMonths(start, 1) };
}

export interface UsageMonthInput {
  integration: IntegrationFacts;
  month: string;
  versions: readonly ProgramVersion[];
  usage: readonly UsageRecord[];
  completions: readonly Completion[];
  firstUsageAt: number | undefined;
  approved: (partnerId: string, at: number) => boolean;
  /** The integration's categories in time order, for accelerators scoped with `when: integration.category`. */
  categories?: readonly { since: number; category: string | null }[] | undefined;
  /** The partner's tier changes in this program, in time order. */
  tiers?: readonly { at: number; tier: string | null }[] | undefined;
}

function tierOf(input: UsageMonthInput, terms: ProgramTerms, at: number) {
  const id = tierAt(input.tiers, at);
  return id ? terms.tiers?.levels.find((l) => l.id === id) : undefined;
}

/**
 * What one closed month of usage earns under the version in force when the
 * month began (a version published mid-month applies from the next month,
 * so no month is valued under two sets of prices). Each usage rule counts
 * only usage inside its duration; the amount is exact until one half-even
 * rounding per rule and month, then capped.
 */
export function deriveUsageMonth(input: UsageMonthInput): DesiredAccrual[] {
  const { integration: it, month } = input;
  const { start, end } = monthBounds(month);
  const firstEvent = input.usage.reduce<number | undefined>(
    (a, u) => (a === undefined || u.occurredAt < a ? u.occurredAt : a),
    undefined,
  );
  const version =
    versionInForce(input.versions, start) ??
    (firstEvent === undefined ? undefined : versionInForce(input.versions, firstEvent));
  if (!version) return [];
  const occurredAt = end - 1;
  if (!input.approved(it.partnerId, occurredAt)) return [];
  const terms = integrationTermsOf(version.terms);
  const cur = version.terms.currency;
  const first = firstCompletions(input.completions);
  const category = categoryAt(input.categories, start);
  const last = [...input.usage].sort(
    (a, b) => b.occurredAt - a.occurredAt || (a.id < b.id ? 1 : -1),
  )[0];
  const out: DesiredAccrual[] = [];
  for (const rule of terms.usage) {
    const window = durationWindow(rule, it, terms, first, input.firstUsageAt);
    if (!window) continue;
    const counted = input.usage.filter(
      (u) =>
        (rule.metric === undefined || u.metric === rule.metric) &&
        u.occurredAt >= window.from &&
        u.occurredAt < window.until,
    );
    if (counted.length === 0) continue;
    const priced = priceUsage(rule, counted, cur);
    const steps = [...priced.steps];
    const inputs = { ...priced.inputs };
    let amount = boostUsage(
      priced,
      rule,
      version.terms,
      {
        at: start,
        tier: tierOf(input, version.terms, start),
        facts: {
          'event.type': 'usage',
          'integration.id': it.id,
          ...(category ? { 'integration.category': category } : {}),
        },
      },
      cur,
      inputs,
      steps,
    );
    if (rule.capPerMonth !== undefined && amount > rule.capPerMonth) {
      steps.push(`capped at ${formatAmount(rule.capPerMonth, cur)} per month`);
      amount = rule.capPerMonth;
    }
    if (amount > LARGEST_MONTH) {
      // Absurd usage (a sender's bug) must not make the month unpostable for everyone.
      steps.push(
        `limited to ${formatAmount(LARGEST_MONTH, cur)}, the most one month of one rule may earn`,
      );
      amount = LARGEST_MONTH;
    }
    if (amount === 0n) continue;
    const availableAt = addDays(occurredAt, version.terms.holdDays);
    out.push({
      key: `usage:${it.id}:${month}:${rule.id}`,
      order: `${month}|${rule.id}`,
      unit: usageMonthUnit(it.id, month),
      kind: 'accrual',
      programId: it.programId,
      versionId: version.id,
      ruleId: rule.id,
      partnerId: it.partnerId,
      customerId: it.id,
      eventId: (last as UsageRecord).id,
      amount,
      currency: cur,
      occurredAt,
      availableAt,
      trace: {
        program: { id: it.programId, version_id: version.id, version: version.number },
        rule: {
          id: rule.id,
          ...(rule.name ? { name: rule.name } : {}),
          event: 'usage',
          pays: rule.per === 'revenue' ? 'percent' : 'flat',
        },
        event: {
          id: (last as UsageRecord).id,
          external_id: (last as UsageRecord).externalId,
          type: 'usage',
          occurred_at: toIso((last as UsageRecord).occurredAt),
        },
        inputs: {
          integration: it.id,
          month,
          per: rule.per,
          ...(rule.metric ? { metric: rule.metric } : {}),
          ...inputs,
          ...(window.from > start || window.until < end
            ? {
                counted_from: toIso(Math.max(window.from, start)),
                counted_until: toIso(Math.min(window.until, end)),
              }
            : {}),
        },
        steps,
        hold_days: version.terms.holdDays,
        available_at: toIso(availableAt),
      },
    });
  }
  return out;
}

/**
 * Where a rule's duration runs: from registration, from certification (the
 * first completion of the path's last milestone, `certification` on the
 * default path) or from the first usage ever reported.
 */
function durationWindow(
  rule: UsageRule,
  it: IntegrationFacts,
  terms: IntegrationTerms,
  first: ReadonlyMap<string, Completion>,
  firstUsageAt: number | undefined,
): { from: number; until: number } | undefined {
  const d = rule.duration;
  if (!d) return { from: Number.NEGATIVE_INFINITY, until: Number.POSITIVE_INFINITY };
  const last = terms.milestones.at(-1)?.id;
  const from =
    d.from === 'registration'
      ? it.createdAt
      : d.from === 'certification'
        ? last === undefined
          ? undefined
          : first.get(last)?.completedAt
        : firstUsageAt;
  if (from === undefined) return undefined;
  const until = d.months !== undefined ? addMonths(from, d.months) : from + (d.days ?? 0) * DAY_MS;
  return { from, until };
}

/**
 * The exact amount (a fraction of minor units, not yet rounded) a month's
 * counted usage earns under one rule, with its arithmetic.
 */
export function priceUsage(
  rule: UsageRule,
  usage: readonly UsageRecord[],
  cur: Currency,
): { num: bigint; den: bigint; inputs: Record<string, string>; steps: string[] } {
  const fmt = (a: bigint) => formatAmount(a, cur);
  if (rule.per === 'active_install') {
    const installs = activeInstalls(usage);
    const flat = rule.flat ?? 0n;
    return {
      num: flat * BigInt(installs),
      den: 1n,
      inputs: { active_installs: String(installs), per_install: fmt(flat) },
      steps: [
        `${installs} active installs × ${fmt(flat)} = ${fmt(flat * BigInt(installs))} ${cur}`,
      ],
    };
  }
  if (rule.per === 'revenue') {
    const revenue = usage
      .filter((u) => u.currency === cur && u.revenue !== undefined)
      .reduce((a, u) => a + (u.revenue ?? 0n), 0n);
    const bps = rule.bps ?? 0n;
    const skipped = usage.filter((u) => u.revenue !== undefined && u.currency !== cur).length;
    return {
      num: revenue * bps,
      den: 10_000n,
      inputs: { revenue: fmt(revenue), percent: (Number(bps) / 100).toString() },
      steps: [
        `${Number(bps) / 100}% of ${fmt(revenue)} paid-install revenue`,
        // No rate is invented: revenue in another currency is left out, and said so.
        ...(skipped ? [`${skipped} usage records in other currencies not counted`] : []),
      ],
    };
  }
  const quantity = usage.reduce((a, u) => a + u.quantity, 0n);
  const { num, den, steps } = tieredPrice(rule, quantity);
  return { num, den, inputs: { units: quantity.toString(), tiering: rule.tiering }, steps };
}

/**
 * The partner's tier multiplier and the accelerators in force when the month
 * began, stacked by the version's policy, applied to the exact amount: one
 * half-even rounding for the whole computation.
 */
export function boostUsage(
  exact: { num: bigint; den: bigint },
  rule: UsageRule,
  terms: ProgramTerms,
  context: { at: number; tier: CompiledTier<unknown> | undefined; facts: Facts },
  cur: Currency,
  inputs: Record<string, string>,
  steps: string[],
): bigint {
  const boosts: Boost[] = [];
  if (context.tier?.factor !== undefined)
    boosts.push({ id: 'tier', label: `tier ${context.tier.name}`, factor: context.tier.factor });
  for (const a of terms.accelerators) {
    if (context.at < a.from || context.at >= a.to) continue;
    if (a.rules && !a.rules.has(rule.id)) continue;
    if (a.when && !evaluateCondition(a.when, context.facts)) continue;
    boosts.push({ id: a.id, label: `accelerator ${a.name ?? a.id}`, factor: a.factor });
  }
  if (boosts.length === 0) {
    const amount = divideHalfEven(exact.num, exact.den);
    steps.push(`= ${formatAmount(amount, cur)} ${cur} (rounded half-even, once)`);
    return amount;
  }
  const stacked = stackBoosts(boosts, terms.stacking);
  const amount = divideHalfEven(exact.num * stacked.num, exact.den * stacked.den);
  inputs.multiplier = formatRatio(stacked.num, stacked.den);
  steps.push(
    ...stacked.steps,
    `× ${formatRatio(stacked.num, stacked.den)} = ${formatAmount(amount, cur)} ${cur} (rounded half-even, once)`,
  );
  return amount;
}

/**
 * The price of `quantity` units over the bands, as an exact fraction of
 * minor units. Graduated: units 1..up_to of the first band at its price, the
 * next band's units at its price, and so on. Volume: every unit at the price
 * of the band `quantity` falls in (a band includes its up_to).
 */
export function tieredPrice(
  rule: Pick<UsageRule, 'bands' | 'tiering'>,
  quantity: bigint,
): { num: bigint; den: bigint; steps: string[] } {
  const den = rule.bands.reduce((a, b) => (b.each.den > a ? b.each.den : a), 1n);
  const at = (units: bigint, each: { num: bigint; den: bigint }) =>
    units * each.num * (den / each.den);
  const steps: string[] = [];
  let num = 0n;
  if (rule.tiering === 'volume') {
    const band =
      rule.bands.find((b) => b.upTo === undefined || quantity <= b.upTo) ?? rule.bands.at(-1);
    if (band) {
      num = at(quantity, band.each);
      steps.push(
        `${quantity} units, all at ${band.each.text} (volume band${band.upTo ? ` up to ${band.upTo}` : ' above'})`,
      );
    }
    return { num, den, steps };
  }
  let below = 0n;
  for (const b of rule.bands) {
    if (quantity <= below) break;
    const top = b.upTo === undefined || b.upTo > quantity ? quantity : b.upTo;
    const units = top - below;
    num += at(units, b.each);
    steps.push(`units ${below + 1n}–${top}: ${units} × ${b.each.text}`);
    below = top;
  }
  return { num, den, steps };
}

/** The latest quality report at or before an instant (hundredths of a percent). */
export interface QualityReport {
  at: number;
  uptime?: number;
  errorRate?: number;
}

export interface CertificationInput {
  versions: readonly ProgramVersion[];
  completions: readonly Completion[];
  quality: readonly QualityReport[];
  /** Distinct installs with usage in the last closed month before `at`. */
  activeInstalls: number;
  at: number;
}

export interface CertificationStatus {
  level: string | null;
  name: string | null;
  since: string | null;
  expires_at: string | null;
  entitlements: string[];
  /** Per level: whether it holds, and what is missing when not. */
  levels: {
    id: string;
    name: string;
    held: boolean;
    missing: string[];
    expires_at: string | null;
  }[];
}

/**
 * The certification an integration holds at `at`: the highest level (the
 * last listed) whose milestones are complete, whose quality thresholds the
 * latest report meets, with enough active installs, and whose validity —
 * counted from the latest (re)completion of its last required milestone —
 * has not run out. An expired level demotes by itself; renewing the
 * milestone restores it.
 */
export function certificationAt(input: CertificationInput): CertificationStatus {
  const version = versionInForce(input.versions, input.at);
  const levels: CertificationLevel[] = version ? integrationTermsOf(version.terms).levels : [];
  const done = input.completions.filter((c) => c.completedAt <= input.at);
  const latestOf = (m: string) =>
    done.filter((c) => c.milestone === m).reduce((a, c) => Math.max(a, c.completedAt), -1);
  const report = [...input.quality].filter((q) => q.at <= input.at).sort((a, b) => b.at - a.at);
  const latestUptime = report.find((q) => q.uptime !== undefined)?.uptime;
  const latestErrors = report.find((q) => q.errorRate !== undefined)?.errorRate;
  const pct = (h: number) => (h / 100).toString();
  const evaluated = levels.map((l) => {
    const missing: string[] = [];
    for (const m of l.milestones) if (latestOf(m) < 0) missing.push(`milestone ${m}`);
    if (l.activeInstalls !== undefined && input.activeInstalls < l.activeInstalls)
      missing.push(`${l.activeInstalls} active installs (has ${input.activeInstalls})`);
    if (l.uptimeAtLeast !== undefined && (latestUptime ?? -1) < l.uptimeAtLeast)
      missing.push(
        `uptime ≥ ${pct(l.uptimeAtLeast)}% (latest ${latestUptime === undefined ? 'not reported' : `${pct(latestUptime)}%`})`,
      );
    if (
      l.errorRateAtMost !== undefined &&
      (latestErrors ?? Number.POSITIVE_INFINITY) > l.errorRateAtMost
    )
      missing.push(
        `error rate ≤ ${pct(l.errorRateAtMost)}% (latest ${latestErrors === undefined ? 'not reported' : `${pct(latestErrors)}%`})`,
      );
    const anchor = l.milestones.length ? Math.max(...l.milestones.map(latestOf)) : -1;
    const expiresAt =
      l.validDays !== undefined && anchor >= 0 ? anchor + l.validDays * DAY_MS : undefined;
    if (expiresAt !== undefined && expiresAt <= input.at)
      missing.push(`renewal (expired ${toIso(expiresAt)})`);
    return { level: l, missing, expiresAt, since: anchor };
  });
  const held = [...evaluated].reverse().find((e) => e.missing.length === 0);
  return {
    level: held?.level.id ?? null,
    name: held?.level.name ?? null,
    since: held && held.since >= 0 ? toIso(held.since) : null,
    expires_at: held?.expiresAt === undefined ? null : toIso(held.expiresAt),
    entitlements: held ? [...held.level.entitlements] : [],
    levels: evaluated.map((e) => ({
      id: e.level.id,
      name: e.level.name,
      held: e === held,
      missing: e.missing,
      expires_at: e.expiresAt === undefined ? null : toIso(e.expiresAt),
    })),
  };
}
