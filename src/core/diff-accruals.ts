import { accrualIdentity, type DesiredAccrual } from './accrual.js';
import type { Currency } from './currency.js';

/** What the ledger already holds for one accrual identity (the net of its posted lines). */
export interface PostedAccrual {
  key: string;
  partnerId: string;
  currency: Currency;
  availableAt: number;
  amount: bigint;
  programId: string;
  customerId: string;
  eventId: string;
  ruleId: string;
  versionId: string;
  occurredAt: number;
}

/** A line to post: the difference between what should be and what is. */
export interface AccrualDelta {
  desired: DesiredAccrual | undefined;
  posted: PostedAccrual | undefined;
  kind: 'accrual' | 'reversal' | 'adjustment';
  amount: bigint;
}

/**
 * Compares what derivation wants with what is posted for one unit and returns
 * only the differences. Re-deriving a unit whose events did not change
 * returns nothing: that is what makes duplicates and retries harmless.
 * A changed amount (or a change of partner, currency or availability date)
 * becomes an adjustment; money already posted is never rewritten.
 */
export function diffAccruals(
  desired: readonly DesiredAccrual[],
  posted: readonly PostedAccrual[],
): AccrualDelta[] {
  const want = new Map<string, DesiredAccrual>();
  for (const d of desired) want.set(accrualIdentity(d), d);
  const have = new Map<string, PostedAccrual>();
  for (const p of posted) have.set(accrualIdentity(p), p);
  const out: AccrualDelta[] = [];
  for (const [id, d] of want) {
    const p = have.get(id);
    const held = p?.amount ?? 0n;
    if (d.amount === held) continue;
    const kind = held === 0n && !p ? d.kind : 'adjustment';
    out.push({ desired: d, posted: p, kind, amount: d.amount - held });
  }
  for (const [id, p] of have) {
    if (want.has(id) || p.amount === 0n) continue;
    out.push({ desired: undefined, posted: p, kind: 'adjustment', amount: -p.amount });
  }
  out.sort((a, b) => {
    const x = a.desired ?? a.posted;
    const y = b.desired ?? b.posted;
    const kx = x?.key ?? '';
    const ky = y?.key ?? '';
    return (x?.occurredAt ?? 0) - (y?.occurredAt ?? 0) || (kx < ky ? -1 : kx > ky ? 1 : 0);
  });
  return out;
}
