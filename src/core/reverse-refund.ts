import type { DesiredAccrual } from './accrual.js';
import { senderKey, type TandemEvent } from './event.js';
import { formatAmount } from './money.js';
import type { CompiledRule } from './program-terms.js';
import { applyRatio } from './rounding.js';
import { toIso } from './time.js';

/** An accrual a payment earned, with how much of it refunds have reversed so far. */
export interface PaidAccrual {
  accrual: DesiredAccrual;
  rule: CompiledRule;
  payment: TandemEvent;
  reversed: bigint;
}

/** The refunded part of a payment so far, as an exact fraction (1/1 = all of it). */
export interface Share {
  num: bigint;
  den: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));

function addShares(a: Share, b: Share): Share {
  const num = a.num * b.den + b.num * a.den;
  const den = a.den * b.den;
  if (num >= den) return { num: 1n, den: 1n };
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

/**
 * Which part of its payment one refund returns: its revenue over the
 * payment's revenue, else its gross over the payment's gross; all of it when
 * it states no amount. Undefined when it cannot be related to the payment (a
 * different currency, or only a field the payment lacks): such a refund
 * reverses nothing rather than a guessed amount.
 */
export function refundFraction(payment: TandemEvent, refund: TandemEvent): Share | undefined {
  if (refund.revenue === undefined && refund.gross === undefined) return { num: 1n, den: 1n };
  if (
    refund.currency !== undefined &&
    payment.currency !== undefined &&
    refund.currency !== payment.currency
  ) {
    return undefined;
  }
  for (const f of ['revenue', 'gross'] as const) {
    const part = refund[f];
    const total = payment[f];
    if (part === undefined || total === undefined || total <= 0n) continue;
    return part >= total
      ? { num: 1n, den: 1n }
      : { num: part / gcd(part, total), den: total / gcd(part, total) };
  }
  return undefined;
}

/**
 * Reverses the refunded share of every accrual a payment earned. Shares add
 * up exactly across partial refunds (each as a fraction of its own payment
 * field) and round once in total, so refunds never reverse more than was
 * earned and several partial refunds reverse exactly what one would.
 */
export function reverseRefund(
  refund: TandemEvent,
  payment: TandemEvent,
  accruals: PaidAccrual[],
  refunded: Map<string, Share>,
  capUsed: Map<string, bigint>,
  out: DesiredAccrual[],
): void {
  if (refund.occurredAt < payment.occurredAt) return;
  const fraction = refundFraction(payment, refund);
  if (!fraction) return;
  const before = refunded.get(payment.id) ?? { num: 0n, den: 1n };
  const share = addShares(before, fraction);
  refunded.set(payment.id, share);
  if (share.num * before.den === before.num * share.den) return;

  for (const p of accruals) {
    const target = applyRatio(p.accrual.amount, share.num, share.den);
    const delta = target - p.reversed;
    // In a staged unit (monthly cap, budget) the amount to reverse is
    // recomputed from what was granted, so every growth of the share must
    // reach that stage.
    if (delta <= 0n && p.accrual.unit.startsWith('c:')) continue;
    p.reversed = target;
    // Only accruals that counted against the cap give room back.
    if (p.accrual.trace.inputs.cap_per_customer !== undefined && delta > 0n) {
      const capKey = `${p.rule.id}|${p.accrual.currency}`;
      capUsed.set(capKey, (capUsed.get(capKey) ?? 0n) - delta);
    }
    const original = p.accrual;
    const cur = original.currency;
    const availableAt = Math.max(refund.occurredAt, original.availableAt);
    out.push({
      ...original,
      key: `${refund.id}:${original.programId}:${original.ruleId}${original.split ? `:${original.split}` : ''}`,
      order: `${senderKey(refund)}\u001f${original.ruleId}`,
      kind: 'reversal',
      eventId: refund.id,
      amount: -delta,
      occurredAt: refund.occurredAt,
      availableAt,
      reverses: original.key,
      share,
      trace: {
        ...original.trace,
        event: {
          id: refund.id,
          external_id: refund.externalId,
          type: refund.type,
          occurred_at: toIso(refund.occurredAt),
        },
        inputs: {
          ...original.trace.inputs,
          original_accrual: formatAmount(original.amount, cur),
          refunded_share: `${share.num}/${share.den}`,
        },
        steps: [
          `${refund.type} of payment ${payment.externalId}: ${share.num}/${share.den} of it refunded so far`,
          `${formatAmount(original.amount, cur)} × ${share.num}/${share.den} = ${formatAmount(target, cur)} to reverse in total; ${formatAmount(target - delta, cur)} already reversed → −${formatAmount(delta, cur)} ${cur}`,
        ],
        available_at: toIso(availableAt),
        reverses: original.key,
      },
    });
  }
}
