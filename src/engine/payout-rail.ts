import type { Currency } from '../core/currency.js';

/** One payout as an API rail sees it; `payoutId` is the idempotency key. */
export interface RailTransfer {
  payoutId: string;
  runId: string;
  partnerId: string;
  amount: bigint;
  currency: Currency;
  /** The partner's full payout details for this rail (e.g. `account` for Stripe). */
  details: Readonly<Record<string, string>>;
  description: string;
}

/**
 * What a rail said. `unknown` means nothing definite: a timeout, a lost
 * answer, a 5xx — the payout stays `sending` and is asked again with the same
 * idempotency key, which cannot make a second transfer.
 */
export type RailAnswer =
  | { kind: 'settled' | 'sent'; reference: string; amount: bigint; currency: string }
  | { kind: 'declined'; reason: string }
  /** `noTransfer`: the rail errored and a lookup found no transfer — yet; see sendApiPayout. */
  | { kind: 'unknown'; reason: string; noTransfer?: boolean };

/** A rail Tandem calls itself (as opposed to file rails, which an operator uploads). */
export interface ApiRail {
  send(t: RailTransfer): Promise<RailAnswer>;
  /** What the rail holds for a payout, for reconciliation; undefined when it made no transfer. */
  find(
    payoutId: string,
  ): Promise<{ reference: string; amount: bigint; currency: string } | undefined>;
}

/** The configured API rails (file and manual rails need no configuration). */
export interface PayoutRails {
  stripe?: ApiRail;
}
