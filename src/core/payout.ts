import type { Currency } from './currency.js';

/**
 * A payout's life. Money is claimed from the partner's available balance when
 * the payout is created (`pending`) and leaves the books only at `settled`;
 * `failed` and `canceled` return it to the available balance.
 */
export const payoutStatuses = [
  'pending',
  'approved',
  'sending',
  'sent',
  'settled',
  'failed',
  'canceled',
] as const;
export type PayoutStatus = (typeof payoutStatuses)[number];

/** The ways Tandem can pay a partner; a partner's payout profile names one. */
export const railNames = ['stripe', 'paypal', 'wise', 'csv', 'manual'] as const;
export type RailName = (typeof railNames)[number];

/** Rails whose payouts leave Tandem as a file the operator uploads to the provider. */
export const fileRails = ['paypal', 'wise', 'csv'] as const;
export type FileRail = (typeof fileRails)[number];

/** What a file rail needs to know about one payout. `details` are the full, unmasked details. */
export interface PayoutForFile {
  /** The payout id (`pay_…`): the idempotency key and the reference the provider echoes back. */
  id: string;
  partnerId: string;
  partnerName: string;
  amount: bigint;
  currency: Currency;
  details: Readonly<Record<string, string>>;
  /** A short note shown to the recipient, e.g. "Acme partner program, October 2026". */
  note: string;
}

/** A file ready for download. */
export interface PayoutFile {
  filename: string;
  contentType: string;
  body: string;
}

/** One row of a provider's result file, matched to a payout by its id. */
export interface PayoutResultRow {
  /** 1-based line number in the file, for error reports. */
  line: number;
  payoutId: string;
  status: 'settled' | 'failed';
  /** The provider's transaction id, when it gives one. */
  reference: string | undefined;
  /** Why it failed, in the provider's words. */
  reason: string | undefined;
  /** Amount and currency as the provider reports them, for reconciliation. */
  amount: bigint | undefined;
  currency: string | undefined;
}

export interface PayoutResultError {
  line: number;
  code: string;
  message: string;
}

/** A parsed result file: good rows and a per-row error report (a bad row never hides the others). */
export interface PayoutResultFile {
  rows: PayoutResultRow[];
  errors: PayoutResultError[];
}
