import type { Currency } from './currency.js';

/**
 * Account addresses are colon paths, as in Formance. Everything a program
 * owes lives under `program:{id}:`, so each program's books balance on their
 * own and a payout run of one program can claim its partners' balances with
 * one index range (`partnerPrefix`).
 */
export const accounts = {
  /** Earned, still inside its hold. */
  pending: (programId: string, partnerId: string) =>
    `program:${programId}:partner:${partnerId}:pending`,
  /** Past its hold: what a payout can claim. Negative after a clawback. */
  available: (programId: string, partnerId: string) =>
    `program:${programId}:partner:${partnerId}:available`,
  /** Claimed by a payout that is not settled yet. */
  processing: (programId: string, partnerId: string) =>
    `program:${programId}:partner:${partnerId}:processing`,
  /** Paid out and confirmed by the rail (or by a person). */
  paid: (programId: string, partnerId: string) => `program:${programId}:partner:${partnerId}:paid`,
  /** The counter-account of rewards: minus what the program has cost. */
  expense: (programId: string) => `program:${programId}:expense`,
  /** Currency conversion at payout: one balance per currency, at the recorded rates. */
  fx: (programId: string) => `program:${programId}:fx`,
  partnerPrefix: (programId: string) => `program:${programId}:partner:`,
  /** A non-cash asset (support credits) a partner holds: spent by redemption, never paid out. */
  credits: (programId: string, partnerId: string) =>
    `program:${programId}:partner:${partnerId}:credits`,
  /** The counter-account of credits granted: minus every credit the program issued. */
  creditsIssued: (programId: string) => `program:${programId}:credits_issued`,
  /** Where redeemed credits go: what partners have spent. */
  creditsRedeemed: (programId: string) => `program:${programId}:credits_redeemed`,
} as const;

export const partnerAccountKinds = ['pending', 'available', 'processing', 'paid'] as const;
export type PartnerAccountKind = (typeof partnerAccountKinds)[number];

/**
 * Splits any partner account, `program:P:partner:A:kind`, into its parts
 * (the money kinds and `credits`); undefined for other accounts.
 */
export function partnerAccountParts(
  account: string,
): { programId: string; partnerId: string; kind: string } | undefined {
  const m = /^program:([^:]+):partner:([^:]+):([a-z]+)$/.exec(account);
  return m
    ? { programId: m[1] as string, partnerId: m[2] as string, kind: m[3] as string }
    : undefined;
}

/** A partner's money account (pending, available, processing, paid); undefined for others. */
export function parsePartnerAccount(
  account: string,
): { programId: string; partnerId: string; kind: PartnerAccountKind } | undefined {
  const a = partnerAccountParts(account);
  if (!a || !partnerAccountKinds.includes(a.kind as PartnerAccountKind)) return undefined;
  return a as { programId: string; partnerId: string; kind: PartnerAccountKind };
}

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
  return move(
    accounts.expense(programId),
    accounts.pending(programId, partnerId),
    amount,
    currency,
  );
}

/** `amount` out of one account into another: the two entries of every simple posting. */
function move(from: string, to: string, amount: bigint, currency: Currency): Entry[] {
  return [
    { account: from, amount: -amount, currency },
    { account: to, amount, currency },
  ];
}

/**
 * Entries for posting a credit line: credits are issued by the program
 * straight into the partner's `credits` account (no hold: they are spent
 * through the marketplace, never paid out, so nothing waits for refunds).
 */
export function creditGrantEntries(
  programId: string,
  partnerId: string,
  amount: bigint,
  asset: Currency,
): Entry[] {
  return move(
    accounts.creditsIssued(programId),
    accounts.credits(programId, partnerId),
    amount,
    asset,
  );
}

/** Entries for redeeming credits: they leave the partner's `credits` account. */
export function creditRedemptionEntries(
  programId: string,
  partnerId: string,
  amount: bigint,
  asset: Currency,
): Entry[] {
  return move(
    accounts.credits(programId, partnerId),
    accounts.creditsRedeemed(programId),
    amount,
    asset,
  );
}

/** Entries for releasing a line from pending to available once its hold has passed. */
export function releaseEntries(
  programId: string,
  partnerId: string,
  amount: bigint,
  currency: Currency,
): Entry[] {
  return move(
    accounts.pending(programId, partnerId),
    accounts.available(programId, partnerId),
    amount,
    currency,
  );
}

/**
 * Entries claiming a partner's available balance into a payout: every source
 * currency leaves `available` (a negative source — a clawback — is claimed
 * too, which is how it is netted); a source in another currency passes
 * through the program's `fx` account at the recorded rate; the payout amount
 * lands in `processing`, in the payout currency. Balanced per currency.
 */
export function claimEntries(
  programId: string,
  partnerId: string,
  sources: readonly { currency: Currency; amount: bigint; converted: bigint }[],
  payout: { amount: bigint; currency: Currency },
): Entry[] {
  const out: Entry[] = [];
  for (const s of sources) {
    if (s.amount === 0n) continue;
    out.push({
      account: accounts.available(programId, partnerId),
      amount: -s.amount,
      currency: s.currency,
    });
    if (s.currency !== payout.currency) {
      out.push({ account: accounts.fx(programId), amount: s.amount, currency: s.currency });
      if (s.converted !== 0n)
        out.push({
          account: accounts.fx(programId),
          amount: -s.converted,
          currency: payout.currency,
        });
    }
  }
  out.push({
    account: accounts.processing(programId, partnerId),
    amount: payout.amount,
    currency: payout.currency,
  });
  return out;
}

/** Entries settling a payout: the money leaves `processing` for `paid`. */
export function settleEntries(
  programId: string,
  partnerId: string,
  amount: bigint,
  currency: Currency,
): Entry[] {
  return move(
    accounts.processing(programId, partnerId),
    accounts.paid(programId, partnerId),
    amount,
    currency,
  );
}

/** The same entries with every amount negated: how a transaction is undone. */
export function mirrorEntries(entries: readonly Entry[]): Entry[] {
  return entries.map((e) => ({ ...e, amount: -e.amount }));
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
