import type { Currency } from './currency.js';

/** Account addresses are colon paths, as in Formance. */
export const accounts = {
  pending: (partnerId: string) => `partner:${partnerId}:pending`,
  available: (partnerId: string) => `partner:${partnerId}:available`,
  paid: (partnerId: string) => `partner:${partnerId}:paid`,
  expense: (programId: string) => `program:${programId}:expense`,
} as const;

/** One side of a ledger transaction: a signed amount on one account. */
export interface Entry {
  account: string;
  amount: bigint;
  currency: Currency;
}

/**
 * Entries for posting an accrual line (positive: earned; negative: reversed
 * or adjusted down). Money comes from the program's expense account into the
 * partner's pending account, or back.
 */
export function accrualEntries(
  programId: string,
  partnerId: string,
  amount: bigint,
  currency: Currency,
): Entry[] {
  return [
    { account: accounts.expense(programId), amount: -amount, currency },
    { account: accounts.pending(partnerId), amount, currency },
  ];
}

/** Entries for releasing a line from pending to available once its hold has passed. */
export function releaseEntries(partnerId: string, amount: bigint, currency: Currency): Entry[] {
  return [
    { account: accounts.pending(partnerId), amount: -amount, currency },
    { account: accounts.available(partnerId), amount, currency },
  ];
}

/** True when the entries sum to zero in every currency and none is zero. */
export function isBalanced(entries: readonly Entry[]): boolean {
  const sums = new Map<string, bigint>();
  for (const e of entries) {
    if (e.amount === 0n) return false;
    sums.set(e.currency, (sums.get(e.currency) ?? 0n) + e.amount);
  }
  for (const s of sums.values()) if (s !== 0n) return false;
  return entries.length > 0;
}
