import type { DesiredAccrual } from './accrual.js';
import { formatAmount } from './money.js';
import { applyRatio } from './rounding.js';

/** Time order of a staged unit: occurred_at, then the sender's key and rule — never arrival order. */
export const byTime = (a: DesiredAccrual, b: DesiredAccrual) => {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt - b.occurredAt;
  const x = a.order ?? a.key;
  const y = b.order ?? b.key;
  return x < y ? -1 : x > y ? 1 : 0;
};

const withStep = (a: DesiredAccrual, amount: bigint, step: string): DesiredAccrual => ({
  ...a,
  amount,
  trace: { ...a.trace, steps: [...a.trace.steps, step] },
});

/**
 * Applies monthly per-partner caps to accruals of one month, sorted by time:
 * each partner's accruals are granted in order until its cap is used up.
 * Returns every accrual (some reduced, possibly to zero).
 */
export function capAccruals(accruals: readonly DesiredAccrual[]): DesiredAccrual[] {
  const used = new Map<string, bigint>();
  return accruals.map((a) => {
    const cap = a.partnerCap;
    if (cap === undefined) return a;
    const k = `${a.partnerId}|${a.currency}`;
    const u = used.get(k) ?? 0n;
    const room = cap > u ? cap - u : 0n;
    const amount = a.amount > room ? room : a.amount;
    used.set(k, u + amount);
    if (amount === a.amount) return a;
    return withStep(
      a,
      amount,
      `monthly partner cap ${formatAmount(cap, a.currency)}: ${formatAmount(u, a.currency)} already earned this month → ${formatAmount(room, a.currency)}`,
    );
  });
}

/**
 * Recomputes reversals as their cumulative refunded share of what was
 * actually granted (after caps and budgets), posting only the increase over
 * what earlier reversals of the same accrual already took back.
 */
export function reverseGranted(
  reversals: readonly DesiredAccrual[],
  granted: ReadonlyMap<string, bigint>,
  what: string,
): DesiredAccrual[] {
  const out: DesiredAccrual[] = [];
  const reversedSoFar = new Map<string, bigint>();
  for (const r of reversals) {
    const original = r.reverses === undefined ? undefined : granted.get(r.reverses);
    if (original === undefined || original === 0n || !r.share || r.reverses === undefined) continue;
    const target = applyRatio(original, r.share.num, r.share.den);
    const before = reversedSoFar.get(r.reverses) ?? 0n;
    const delta = target - before;
    reversedSoFar.set(r.reverses, target);
    if (delta <= 0n) continue;
    out.push({
      ...r,
      amount: -delta,
      trace: {
        ...r.trace,
        steps: [
          ...r.trace.steps.slice(0, 1),
          `${formatAmount(original, r.currency)} granted after ${what} × ${r.share.num}/${r.share.den} = ${formatAmount(target, r.currency)}; ${formatAmount(before, r.currency)} already reversed → −${formatAmount(delta, r.currency)} ${r.currency}`,
        ],
      },
    });
  }
  return out;
}

/**
 * Applies a monthly per-partner cap to the candidate accruals of one
 * partner-month unit. Accruals are granted in (occurred_at, key) order until
 * the cap is used up; reversals are recomputed as their refunded share of
 * what was actually granted, and do not give cap room back (the month's
 * limit is on what was earned in it).
 */
export function applyPartnerCaps(candidates: readonly DesiredAccrual[]): DesiredAccrual[] {
  const accruals = capAccruals(candidates.filter((c) => c.kind === 'accrual').sort(byTime));
  const reversals = candidates.filter((c) => c.kind === 'reversal').sort(byTime);
  const granted = new Map(accruals.map((a) => [a.key, a.amount]));
  return [
    ...accruals.filter((a) => a.amount > 0n),
    ...reverseGranted(reversals, granted, 'the monthly cap'),
  ];
}
