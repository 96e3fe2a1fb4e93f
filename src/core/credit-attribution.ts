import type { DesiredAccrual } from './accrual.js';
import { partnerMonthUnit } from './accrual.js';
import { CLOCK_SKEW_MS } from './attribution.js';
import {
  type CoalitionValue,
  noisyOrShapley,
  type SplitRule,
  splitAmount,
  splitCredit,
  type TouchedPartner,
} from './credit-split.js';
import { formatBasisPoints } from './factor.js';
import { formatAmount } from './money.js';
import type { CreditTerms, ProgramTerms, TouchKind } from './program-terms.js';
import { DAY_MS, monthKey } from './time.js';
import type { Touch } from './touch.js';

/**
 * Fair credit in attribution (issue 6): which partners share a conversion
 * under the program's `attribution.credit`, with what weight and why, and
 * how each reward is split between them to the minor unit.
 */

/** One partner's share of a conversion, fixed when the customer is attributed. */
export interface CreditShare {
  partnerId: string;
  weight: bigint;
  /** Hundredths of a percent (display). */
  percentBps: bigint;
  why: string;
}

export interface CreditSplit {
  split: CreditTerms['split'];
  shares: CreditShare[];
}

/** Touches per partner that enter a Shapley coalition value (the latest ones): bounds the arithmetic. */
export const MAX_TOUCHES_PER_PARTNER = 10;

/**
 * The partners who share a conversion at `at`: every approved partner with
 * a touch of a kind in the program's priority, in the window. Undefined
 * when the program splits no credit or one partner alone touched the
 * customer (then the single-winner attribution stands unchanged).
 */
export function creditSplitAt(
  touches: readonly Touch[],
  programId: string,
  at: number,
  terms: ProgramTerms,
): CreditSplit | undefined {
  const credit = terms.attribution.credit;
  if (!credit) return undefined;
  const { windowDays, priority } = terms.attribution;
  const earliest = at - windowDays * DAY_MS;
  const eligible = touches.filter(
    (t) =>
      t.programId === programId &&
      t.at <= at + CLOCK_SKEW_MS &&
      t.at >= earliest &&
      priority.includes(t.kind),
  );
  const byPartner = new Map<string, Touch[]>();
  for (const t of eligible) {
    const list = byPartner.get(t.partnerId) ?? [];
    list.push(t);
    byPartner.set(t.partnerId, list);
  }
  if (byPartner.size < 2) return undefined;
  const partners: TouchedPartner[] = [...byPartner].map(([partnerId, list]) => ({
    partnerId,
    firstAt: Math.min(...list.map((t) => t.at)),
    lastAt: Math.max(...list.map((t) => t.at)),
  }));
  const rule: SplitRule =
    credit.split === 'position'
      ? { kind: 'position', first: credit.first, last: credit.last }
      : credit.split === 'shapley'
        ? { kind: 'shapley', values: noisyOrValues(byPartner, credit.strength) }
        : { kind: credit.split };
  // Weights, percentages and reasons do not depend on the amount: split a
  // nominal 10,000 once, then each reward by the same weights.
  const shares = splitCredit(10_000n, partners, rule).map((s) => ({
    partnerId: s.partnerId,
    weight: s.weight,
    percentBps: s.percentBps,
    why:
      credit.split === 'shapley'
        ? `${s.why}; your touches: ${describeTouches(byPartner.get(s.partnerId) ?? [], credit.strength)}`
        : s.why,
  }));
  return { split: credit.split, shares };
}

/**
 * Each partner's chance of not converting the customer alone: the product of
 * (1 − strength) over its latest touches, exact (per cent, so den = 100^k).
 */
function missChances(
  byPartner: ReadonlyMap<string, readonly Touch[]>,
  strength: Record<TouchKind, number>,
): Map<string, { num: bigint; den: bigint }> {
  const out = new Map<string, { num: bigint; den: bigint }>();
  for (const [partnerId, touches] of byPartner) {
    const latest = [...touches].sort((a, b) => b.at - a.at).slice(0, MAX_TOUCHES_PER_PARTNER);
    let num = 1n;
    let den = 1n;
    for (const t of latest) {
      num *= BigInt(100 - Math.round(strength[t.kind]));
      den *= 100n;
    }
    out.set(partnerId, { num, den });
  }
  return out;
}

/**
 * The coalition value: the chance that the customer converts given the
 * partners in a coalition, if each touch alone converts with its kind's
 * strength and touches act independently (noisy-OR): 1 − Π (1 − strength).
 * Partners overlap, so the value is not additive and Shapley shares the
 * overlap fairly. Exact: scaled by the product of every denominator.
 */
export function noisyOr(
  byPartner: ReadonlyMap<string, readonly Touch[]>,
  strength: Record<TouchKind, number>,
): CoalitionValue {
  const miss = missChances(byPartner, strength);
  let all = 1n;
  for (const m of miss.values()) all *= m.den;
  return (members) => {
    let product = 1n;
    for (const [partnerId, m] of miss) product *= members.has(partnerId) ? m.num : m.den;
    return all - product;
  };
}

/**
 * The partners' exact Shapley values under `noisyOr`, in closed form
 * (`noisyOrShapley`): exact for any number of partners, in O(n³), where the
 * general computation would sum over 2^n coalitions or sample.
 */
export function noisyOrValues(
  byPartner: ReadonlyMap<string, readonly Touch[]>,
  strength: Record<TouchKind, number>,
): Map<string, bigint> {
  const miss = [...missChances(byPartner, strength)];
  const values = noisyOrShapley(miss.map(([, m]) => m));
  return new Map(miss.map(([id], i) => [id, values[i] as bigint]));
}

function describeTouches(touches: readonly Touch[], strength: Record<TouchKind, number>): string {
  const counts = new Map<TouchKind, number>();
  for (const t of touches) counts.set(t.kind, (counts.get(t.kind) ?? 0) + 1);
  return [...counts]
    .map(
      ([kind, n]) =>
        `${n} ${kind.replace('_', ' ')}${n > 1 ? 's' : ''} (strength ${strength[kind]}% each)`,
    )
    .join(', ');
}

/**
 * Splits one reward between the partners sharing the conversion: amounts by
 * the shares' weights (summing exactly to the reward), each partner's part
 * as its own accrual keyed by partner, with its share and reason in the
 * trace. A partner not approved at the event earns nothing of its share.
 * The trace names no other partner: each sees only its own share.
 */
export function splitAccrual(
  accrual: DesiredAccrual,
  credit: CreditSplit,
  approved: (partnerId: string, at: number) => boolean,
): DesiredAccrual[] {
  const amounts = splitAmount(
    accrual.amount,
    credit.shares.map((s) => s.weight),
  );
  const cur = accrual.currency;
  const out: DesiredAccrual[] = [];
  credit.shares.forEach((s, i) => {
    const amount = amounts[i] as bigint;
    if (amount <= 0n || !approved(s.partnerId, accrual.occurredAt)) return;
    const percent = `${formatBasisPoints(s.percentBps)}%`;
    const winner = s.partnerId === accrual.partnerId;
    const attribution = accrual.trace.attribution;
    out.push({
      ...accrual,
      key: `${accrual.key}:${s.partnerId}`,
      ...(accrual.order !== undefined ? { order: `${accrual.order}\u001f${s.partnerId}` } : {}),
      split: s.partnerId,
      partnerId: s.partnerId,
      amount,
      // A partner-month unit is the partner's own; a customer or program-month
      // (budget) unit holds every partner's part, so the budget sees them all.
      unit: accrual.unit.startsWith('pm:')
        ? partnerMonthUnit(accrual.programId, s.partnerId, monthKey(accrual.occurredAt))
        : accrual.unit,
      trace: {
        ...accrual.trace,
        // The winning touch (a code, a click id) is shown only to its own partner.
        ...(attribution
          ? {
              attribution: winner
                ? attribution
                : { partner_id: s.partnerId, attributed_at: attribution.attributed_at },
            }
          : {}),
        credit: {
          split: credit.split,
          partners: credit.shares.length,
          your_percent: percent,
          why: s.why,
        },
        inputs: {
          ...accrual.trace.inputs,
          conversion_reward: formatAmount(accrual.amount, cur),
          your_share: percent,
        },
        steps: [
          ...accrual.trace.steps,
          `credit shared by ${credit.shares.length} partners (${credit.split.replace('_', ' ')}): your ${percent} of ${formatAmount(accrual.amount, cur)} = ${formatAmount(amount, cur)} ${cur} (the shares add up to the reward exactly)`,
        ],
      },
    });
  });
  return out;
}
