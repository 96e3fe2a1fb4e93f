import { type Boost, stackBoosts } from './accelerators.js';
import {
  type AccrualTrace,
  budgetMonthUnit,
  customerUnit,
  type DesiredAccrual,
  partnerMonthUnit,
} from './accrual.js';
import { type AttributionReason, chooseTouch } from './attribution.js';
import { periodOf } from './bonuses.js';
import { evaluateCondition, type Facts } from './conditions.js';
import { type CreditSplit, creditSplitAt, splitAccrual } from './credit-attribution.js';
import type { Currency } from './currency.js';
import { compareEvents, senderKey, type TandemEvent } from './event.js';
import { formatBasisPoints, formatRatio } from './factor.js';
import { isHeldOut } from './lift.js';
import { formatAmount } from './money.js';
import type { CompiledRule } from './program-terms.js';
import {
  type ProgramVersion,
  type ProgramWithVersions,
  versionInForce,
} from './program-version.js';
import { type PaidAccrual, reverseRefund, type Share } from './reverse-refund.js';
import { applyBasisPoints, divideHalfEven } from './rounding.js';
import { type CompiledTier, tierAt } from './tiers.js';
import { addDays, addMonths, monthKey, toIso } from './time.js';
import {
  type CampaignRecord,
  type ClickRecord,
  type CodeRecord,
  normalizeCode,
  type Touch,
} from './touch.js';

export interface Attribution {
  programId: string;
  customerId: string;
  partnerId: string;
  eventId: string;
  versionId: string;
  attributedAt: number;
  reason: AttributionReason & {
    /** Several partners share the conversion: each one's share and why. */
    credit?: {
      split: string;
      shares: { partner_id: string; percent: string; why: string }[];
    };
  };
  /** Set when several partners share the credit (not stored as a column: in `reason`). */
  credit?: CreditSplit;
}

/** An attributed event, for conversion statistics. Refund revenue is negative. */
export interface Conversion {
  eventId: string;
  programId: string;
  partnerId: string;
  customerId: string;
  type: TandemEvent['type'];
  occurredAt: number;
  currency: Currency | undefined;
  revenue: bigint;
}

export interface CustomerDerivation {
  attributions: Attribution[];
  conversions: Conversion[];
  accruals: DesiredAccrual[];
}

export interface DeriveCustomerInput {
  customerId: string;
  events: readonly TandemEvent[];
  clicks: ReadonlyMap<string, ClickRecord>;
  /** By normalized code. */
  codes: ReadonlyMap<string, CodeRecord>;
  programs: readonly ProgramWithVersions[];
  /**
   * Each partner's status changes in time order. A partner earns, and its
   * touches count, only while approved. Without this map every partner counts
   * as approved (pure tests of the reward rules).
   */
  partnerStatus?: ReadonlyMap<string, readonly { at: number; status: string }[]>;
  /**
   * Each partner's tier changes per program, in time order, keyed
   * `${programId}\u001f${partnerId}` (see `tierKey`). A partner without
   * history has no tier.
   */
  partnerTiers?: ReadonlyMap<string, readonly { at: number; tier: string | null }[]>;
  /** Campaigns the customer's `campaign.touch` events and campaign-link clicks name, by id. */
  campaigns?: ReadonlyMap<string, CampaignRecord>;
}

export const tierKey = (programId: string, partnerId: string): string =>
  `${programId}\u001f${partnerId}`;

/** Whether a partner was approved at `at`, by its status history (none: approved). */
export function approvedAt(
  history: DeriveCustomerInput['partnerStatus'],
  partnerId: string,
  at: number,
): boolean {
  if (!history) return true;
  const changes = history.get(partnerId) ?? [];
  // Before its first recorded status a partner is taken to have had that
  // status: one created approved today can be credited for a backfilled
  // history, one that applied is not approved until approved.
  let status: string | undefined = changes[0]?.status;
  for (const h of changes) {
    if (h.at > at) break;
    status = h.status;
  }
  return status === 'approved';
}

const ATTRIBUTABLE = new Set(['signup', 'activation', 'payment']);

/**
 * Derives everything one customer's events earn, under every program: who
 * gets credit (pinned at the first attributable event with a touch in the
 * window), which events count as conversions, and the accruals and reversals
 * the ledger must hold. Pure and deterministic: events are evaluated in
 * (occurred_at, id) order whatever order they arrived in, each under the
 * version in force at its own occurred_at.
 */
export function deriveCustomer(input: DeriveCustomerInput): CustomerDerivation {
  const events = [...input.events].sort(compareEvents);
  const touches = resolveTouches(
    input.customerId,
    events,
    input.clicks,
    input.codes,
    input.campaigns,
  );
  const out: CustomerDerivation = { attributions: [], conversions: [], accruals: [] };
  const approved = (partnerId: string, at: number) =>
    approvedAt(input.partnerStatus, partnerId, at);
  for (const program of input.programs) {
    deriveProgram(input.customerId, events, touches, program, approved, input.partnerTiers, out);
  }
  return out;
}

function resolveTouches(
  customerId: string,
  events: readonly TandemEvent[],
  clicks: ReadonlyMap<string, ClickRecord>,
  codes: ReadonlyMap<string, CodeRecord>,
  campaigns: ReadonlyMap<string, CampaignRecord> | undefined,
): Touch[] {
  const seen = new Set<string>();
  const touches: Touch[] = [];
  const add = (t: Touch) => {
    const k = `${t.kind}|${t.ref}|${t.at}|${t.partnerId}`;
    if (!seen.has(k)) {
      seen.add(k);
      touches.push(t);
    }
  };
  for (const e of events) {
    if (e.clickId) {
      const c = clicks.get(e.clickId);
      // Bot clicks are stored for reporting but never earn credit.
      if (c && !c.bot) {
        add({
          kind: 'click',
          programId: c.programId,
          partnerId: c.partnerId,
          at: c.occurredAt,
          ref: c.id,
          linkId: c.linkId,
          ...(c.campaignId ? { campaignId: c.campaignId } : {}),
        });
      }
    }
    if (e.type === 'campaign.touch' && e.campaignId) {
      const c = campaigns?.get(e.campaignId);
      // A touch counts while the campaign runs, inside its window, and never
      // for a customer held out of it (they are the baseline lift is measured against).
      if (
        c?.running &&
        e.occurredAt >= c.startsAt &&
        e.occurredAt < Math.min(c.endsAt, c.cancelledAt ?? c.endsAt) &&
        !isHeldOut(c.id, customerId, c.holdoutBps)
      ) {
        // The lead comes first in `partnerIds`.
        const partners =
          e.touchPartnerId !== undefined
            ? c.partnerIds.filter((p) => p === e.touchPartnerId)
            : c.partnerIds;
        partners.forEach((partnerId, i) => {
          add({
            kind: 'campaign',
            programId: c.programId,
            partnerId,
            at: e.occurredAt,
            ref: c.code,
            campaignId: c.id,
            ...(e.touchPartnerId === undefined && i > 0 ? { member: true } : {}),
          });
        });
      }
    }
    for (const raw of [e.referralCode, e.coupon]) {
      if (!raw) continue;
      const code = codes.get(normalizeCode(raw));
      if (!code || (code.disabledAt !== undefined && e.occurredAt >= code.disabledAt)) continue;
      add({
        kind: code.kind,
        programId: code.programId,
        partnerId: code.partnerId,
        at: e.occurredAt,
        ref: code.code,
      });
    }
  }
  return touches;
}

function deriveProgram(
  customerId: string,
  events: readonly TandemEvent[],
  touches: readonly Touch[],
  program: ProgramWithVersions,
  approved: (partnerId: string, at: number) => boolean,
  partnerTiers: DeriveCustomerInput['partnerTiers'],
  out: CustomerDerivation,
): void {
  let attribution: Attribution | undefined;
  const firstPaymentAt = events.find((e) => e.type === 'payment')?.occurredAt;
  const signupAt = events.find((e) => e.type === 'signup')?.occurredAt;
  const capUsed = new Map<string, bigint>();
  const paid = new Map<string, PaidAccrual[]>();
  const refunded = new Map<string, Share>();
  const payments = new Map<string, TandemEvent>();
  const facts: Record<string, string | number | boolean | undefined> = {};
  const converted = new Set<string>();
  const budgetMonth = budgetMonths(program);

  for (const e of events) {
    mergeCustomerFacts(facts, e);
    // A campaign touch is evidence of influence, not an outcome: it attributes, it never earns.
    if (e.type === 'campaign.touch') continue;
    if (e.type === 'payment') payments.set(`${e.source}\u001f${e.externalId}`, e);
    const version = versionInForce(program.versions, e.occurredAt);
    if (!attribution) {
      if (!version || !ATTRIBUTABLE.has(e.type)) continue;
      // A touch counts only if its partner was approved when it happened and now.
      const eligible = touches.filter(
        (t) => approved(t.partnerId, t.at) && approved(t.partnerId, e.occurredAt),
      );
      // A touch the whole campaign delivered goes to its lead when one partner wins.
      const choice = chooseTouch(
        eligible.filter((t) => !t.member),
        program.id,
        e.occurredAt,
        version.terms,
      );
      if (!choice) continue;
      const credit = creditSplitAt(eligible, program.id, e.occurredAt, version.terms);
      attribution = {
        programId: program.id,
        customerId,
        partnerId: choice.touch.partnerId,
        eventId: e.id,
        versionId: version.id,
        attributedAt: e.occurredAt,
        reason: credit
          ? {
              ...choice.reason,
              credit: {
                split: credit.split,
                shares: credit.shares.map((x) => ({
                  partner_id: x.partnerId,
                  percent: `${formatBasisPoints(x.percentBps)}%`,
                  why: x.why,
                })),
              },
            }
          : choice.reason,
        ...(credit ? { credit } : {}),
      };
      out.attributions.push(attribution);
    }
    const isReversal = e.type === 'refund' || e.type === 'chargeback';
    const payment =
      isReversal && e.paymentId ? payments.get(`${e.source}\u001f${e.paymentId}`) : undefined;
    // A refund counts against the partner only if its payment counted for them.
    if (isReversal && !(payment && converted.has(payment.id))) continue;
    if (e.type === 'payment') converted.add(e.id);
    const signed = isReversal ? -1n : 1n;
    out.conversions.push({
      eventId: e.id,
      programId: program.id,
      partnerId: attribution.partnerId,
      customerId,
      type: e.type,
      occurredAt: e.occurredAt,
      currency: e.currency,
      revenue: signed * (e.revenue ?? 0n),
    });

    // A refund of a payment we have not seen (yet) was skipped above; when the
    // payment arrives, the unit is re-derived and the refund applies.
    if (isReversal && payment) {
      reverseRefund(e, payment, paid.get(payment.id) ?? [], refunded, capUsed, out.accruals);
      continue;
    }
    // Nothing is earned while the partner is suspended, banned or not yet approved.
    // (A shared conversion checks each partner when it splits the reward.)
    if (!version || (!attribution.credit && !approved(attribution.partnerId, e.occurredAt)))
      continue;
    const eventFacts = { ...facts, ...eventFactsOf(e) };
    // The tier the partner held at this event's instant: promotion and
    // demotion take effect from their moment on, never backwards.
    const tierId = tierAt(
      partnerTiers?.get(tierKey(program.id, attribution.partnerId)),
      e.occurredAt,
    );
    const tier =
      tierId === null ? undefined : version.terms.tiers?.levels.find((l) => l.id === tierId);
    for (const rule of tier?.rewards ?? version.terms.rewards) {
      if (rule.event !== e.type) continue;
      if (rule.when && !evaluateCondition(rule.when, eventFacts)) continue;
      const accrual = earn(e, rule, version, attribution, { firstPaymentAt, signupAt }, capUsed, {
        tier,
        facts: eventFacts,
        budgetMonth,
      });
      if (!accrual) continue;
      // A shared conversion: one reward (priced for the partner who wins it
      // alone), split between the partners who share it.
      const parts = attribution.credit
        ? splitAccrual(accrual, attribution.credit, approved)
        : [accrual];
      for (const part of parts) {
        out.accruals.push(part);
        if (e.type === 'payment') {
          const list = paid.get(e.id) ?? [];
          list.push({ accrual: part, rule, payment: e, reversed: 0n });
          paid.set(e.id, list);
        }
      }
    }
  }
}

function earn(
  e: TandemEvent,
  rule: CompiledRule,
  version: ProgramVersion,
  attribution: Attribution,
  anchors: { firstPaymentAt: number | undefined; signupAt: number | undefined },
  capUsed: Map<string, bigint>,
  context: {
    tier: CompiledTier<CompiledRule> | undefined;
    facts: Facts;
    budgetMonth: (at: number) => boolean;
  },
): DesiredAccrual | undefined {
  const terms = version.terms;
  const steps: string[] = [];
  const inputs: Record<string, string> = {};
  if (rule.duration) {
    const d = rule.duration;
    const anchor =
      d.from === 'first_payment'
        ? anchors.firstPaymentAt
        : d.from === 'signup'
          ? (anchors.signupAt ?? attribution.attributedAt)
          : attribution.attributedAt;
    if (anchor === undefined) return undefined;
    const end = d.months !== undefined ? addMonths(anchor, d.months) : addDays(anchor, d.days ?? 0);
    if (e.occurredAt < anchor || e.occurredAt >= end) return undefined;
    const span = d.months !== undefined ? `${d.months} months` : `${d.days} days`;
    steps.push(
      `within ${span} from ${d.from.replace('_', ' ')} (${toIso(anchor)} to ${toIso(end)})`,
    );
  }

  let amount: bigint;
  // The exact amount before rounding, so that boosts round once, at the end.
  let exact: { num: bigint; den: bigint; text: string };
  let cur: Currency;
  if (rule.flat !== undefined) {
    amount = rule.flat;
    cur = terms.currency;
    exact = { num: amount, den: 1n, text: formatAmount(amount, cur) };
    inputs.flat = formatAmount(amount, cur);
    steps.push(`flat ${formatAmount(amount, cur)} ${cur}`);
  } else {
    const base = rule.of === 'revenue' ? e.revenue : e.gross;
    if (base === undefined || e.currency === undefined) return undefined;
    cur = e.currency;
    const bps = rule.bps as bigint;
    amount = applyBasisPoints(base, bps);
    exact = {
      num: base * bps,
      den: 10_000n,
      text: `${formatAmount(base, cur)} ${rule.of} × ${formatBasisPoints(bps)}%`,
    };
    inputs[rule.of] = formatAmount(base, cur);
    inputs.percent = formatBasisPoints(bps);
    steps.push(
      `${formatAmount(base, cur)} ${rule.of} × ${formatBasisPoints(bps)}% = ${formatAmount(amount, cur)} ${cur} (rounded half-even)`,
    );
  }
  // The exact amount, not the rounded one: a boost can lift 0.005 to a whole cent.
  if (exact.num <= 0n) return undefined;
  amount = boost(amount, exact, cur, rule, e, terms, context, inputs, steps);
  if (amount <= 0n) return undefined;

  if (rule.capPerCustomer !== undefined && cur === terms.currency) {
    const capKey = `${rule.id}|${cur}`;
    const used = capUsed.get(capKey) ?? 0n;
    const room = rule.capPerCustomer > used ? rule.capPerCustomer - used : 0n;
    inputs.cap_per_customer = formatAmount(rule.capPerCustomer, cur);
    if (amount > room) {
      steps.push(
        `cap per customer ${formatAmount(rule.capPerCustomer, cur)}: ${formatAmount(used, cur)} already earned, ${formatAmount(room, cur)} left → ${formatAmount(room, cur)}`,
      );
      amount = room;
    }
    if (amount <= 0n) return undefined;
    capUsed.set(capKey, used + amount);
  }

  const availableAt = addDays(e.occurredAt, terms.holdDays);
  const capped = terms.capPerPartnerPerMonth !== undefined && cur === terms.currency;
  // A month in which any version has a budget or margin guard is settled over
  // the whole program-month — all of it, so that the month's partner caps are
  // applied once, in one unit, whichever versions its accruals came from.
  const budgeted = context.budgetMonth(e.occurredAt) && cur === terms.currency;
  const trace: AccrualTrace = {
    program: { id: version.programId, version_id: version.id, version: version.number },
    rule: {
      id: rule.id,
      ...(rule.name ? { name: rule.name } : {}),
      event: rule.event,
      pays: rule.flat !== undefined ? 'flat' : 'percent',
    },
    event: { id: e.id, external_id: e.externalId, type: e.type, occurred_at: toIso(e.occurredAt) },
    attribution: {
      partner_id: attribution.partnerId,
      touch_kind: attribution.reason.touch.kind,
      touch_ref: attribution.reason.touch.ref,
      attributed_at: toIso(attribution.attributedAt),
    },
    ...(context.tier ? { tier: context.tier.id } : {}),
    inputs,
    steps,
    hold_days: terms.holdDays,
    available_at: toIso(availableAt),
  };
  return {
    key: `${e.id}:${version.programId}:${rule.id}`,
    order: `${senderKey(e)}\u001f${rule.id}`,
    unit: budgeted
      ? budgetMonthUnit(version.programId, monthKey(e.occurredAt))
      : capped
        ? partnerMonthUnit(version.programId, attribution.partnerId, monthKey(e.occurredAt))
        : customerUnit(attribution.customerId),
    kind: 'accrual',
    programId: version.programId,
    versionId: version.id,
    ruleId: rule.id,
    partnerId: attribution.partnerId,
    customerId: attribution.customerId,
    eventId: e.id,
    amount,
    currency: cur,
    occurredAt: e.occurredAt,
    availableAt,
    trace,
    ...(capped ? { partnerCap: terms.capPerPartnerPerMonth } : {}),
    ...(budgeted && terms.budget
      ? { budget: { monthly: terms.budget.monthly, policy: terms.budget.policy } }
      : {}),
  };
}

/**
 * Whether the calendar month of an instant is settled as a program-month: a
 * version with a budget or margin guard is in force at some moment of it.
 */
function budgetMonths(program: ProgramWithVersions): (at: number) => boolean {
  const staged = program.versions.filter((v) => v.terms.budget || v.terms.marginGuard);
  if (staged.length === 0) return () => false;
  const memo = new Map<string, boolean>();
  return (at) => {
    const { key, start, end } = periodOf('month', at);
    let hit = memo.get(key);
    if (hit === undefined) {
      // In force at the month's start, or taking effect during it.
      const during = program.versions.filter(
        (v) => v.effectiveFrom > start && v.effectiveFrom < end,
      );
      const atStart = versionInForce(program.versions, start);
      hit = [...during, ...(atStart ? [atStart] : [])].some((v) => staged.includes(v));
      memo.set(key, hit);
    }
    return hit;
  };
}

/**
 * Applies the partner's tier multiplier and the accelerators in force for
 * this event and rule, stacked by the version's policy: one exact combined
 * multiplier, one half-even rounding.
 */
function boost(
  amount: bigint,
  exact: { num: bigint; den: bigint; text: string },
  cur: Currency,
  rule: CompiledRule,
  e: TandemEvent,
  terms: ProgramVersion['terms'],
  context: { tier: CompiledTier<CompiledRule> | undefined; facts: Facts },
  inputs: Record<string, string>,
  steps: string[],
): bigint {
  const boosts: Boost[] = [];
  const tier = context.tier;
  if (tier?.factor !== undefined)
    boosts.push({ id: 'tier', label: `tier ${tier.name}`, factor: tier.factor });
  for (const a of terms.accelerators) {
    if (e.occurredAt < a.from || e.occurredAt >= a.to) continue;
    if (a.rules && !a.rules.has(rule.id)) continue;
    if (a.when && !evaluateCondition(a.when, context.facts)) continue;
    boosts.push({ id: a.id, label: `accelerator ${a.name ?? a.id}`, factor: a.factor });
  }
  if (boosts.length === 0) return amount;
  const stacked = stackBoosts(boosts, terms.stacking);
  const boosted = divideHalfEven(exact.num * stacked.num, exact.den * stacked.den);
  inputs.multiplier = formatRatio(stacked.num, stacked.den);
  // One rounding for the whole computation: the exact amount times the multiplier.
  steps.push(
    ...stacked.steps,
    `${exact.text} × ${formatRatio(stacked.num, stacked.den)} = ${formatAmount(boosted, cur)} ${cur} (rounded half-even, once)`,
  );
  return boosted;
}

function mergeCustomerFacts(
  facts: Record<string, string | number | boolean | undefined>,
  e: TandemEvent,
): void {
  const c = e.customer;
  if (c.side !== undefined) facts['customer.side'] = c.side;
  if (c.country !== undefined) facts['customer.country'] = c.country;
  if (c.segment !== undefined) facts['customer.segment'] = c.segment;
  for (const [k, v] of Object.entries(c.attributes ?? {})) facts[`customer.attributes.${k}`] = v;
}

function eventFactsOf(e: TandemEvent): Facts {
  const f: Record<string, string | number | boolean | undefined> = { 'event.type': e.type };
  if (e.currency !== undefined) {
    f['event.currency'] = e.currency;
    if (e.revenue !== undefined) f['event.revenue'] = formatAmount(e.revenue, e.currency);
    if (e.gross !== undefined) f['event.gross'] = formatAmount(e.gross, e.currency);
  }
  for (const [k, v] of Object.entries(e.attributes ?? {})) f[`event.attributes.${k}`] = v;
  return f;
}
