import type { DesiredAccrual } from './accrual.js';
import { formatAmount } from './money.js';
import { applyRatio } from './rounding.js';

const byTime = (a: DesiredAccrual, b: DesiredAccrual) => {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt - b.occurredAt;
  const x = a.order ?? a.key;
  const y = b.order ?? b.key;
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * Applies a monthly per-partner cap to the candidate accruals of one
 * partner-month unit (all of one program, one partner, one calendar month,
 * one currency family). Accruals are granted in (occurred_at, key) order until
 * the cap is used up; reversals are recomputed as their refunded share of
 * what was actually granted, and do not give cap room back (the month's
 * limit is on what was earned in it).
 */
export function applyPartnerCaps(candidates: readonly DesiredAccrual[]): DesiredAccrual[] {
  const accruals = candidates.filter((c) => c.kind === 'accrual').sort(byTime);
  const reversals = candidates.filter((c) => c.kind === 'reversal').sort(byTime);
  const used = new Map<string, bigint>();
  const granted = new Map<string, bigint>();
  const out: DesiredAccrual[] = [];
  for (const a of accruals) {
    const cap = a.partnerCap;
    let amount = a.amount;
    let trace = a.trace;
    if (cap !== undefined) {
      const u = used.get(a.currency) ?? 0n;
      const room = cap > u ? cap - u : 0n;
      if (amount > room) {
        trace = {
          ...trace,
          steps: [
            ...trace.steps,
            `monthly partner cap ${formatAmount(cap, a.currency)}: ${formatAmount(u, a.currency)} already earned this month → ${formatAmount(room, a.currency)}`,
          ],
        };
        amount = room;
      }
      used.set(a.currency, u + amount);
    }
    granted.set(a.key, amount);
    if (amount > 0n) out.push({ ...a, amount, trace });
  }
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
          `${formatAmount(original, r.currency)} granted after the monthly cap × ${r.share.num}/${r.share.den} = ${formatAmount(target, r.currency)}; ${formatAmount(before, r.currency)} already reversed → −${formatAmount(delta, r.currency)} ${r.currency}`,
        ],
      },
    });
  }
  return out;
}
