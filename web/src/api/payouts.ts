export type PayoutStatus =
  | 'pending'
  | 'approved'
  | 'sending'
  | 'sent'
  | 'settled'
  | 'failed'
  | 'canceled';

/** How a payout reaches the partner (src/core/payout.ts RailName). */
export type Rail = 'stripe' | 'paypal' | 'wise' | 'csv' | 'manual';

/** src/engine/payout-records.ts PayoutView. */
export interface Payout {
  id: string;
  run_id: string;
  program_id: string;
  partner_id: string;
  status: PayoutStatus;
  rail: Rail;
  amount: string;
  currency: string;
  /** What was claimed per currency and, where converted, the rate used. */
  sources: {
    currency: string;
    amount: string;
    converted: string;
    rate?: { id: string; pair: string; rate: string; as_of: string; inverted: boolean };
  }[];
  reference: string | null;
  failure_reason: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
}

/** src/engine/read-payout-runs.ts PayoutRunView. */
export interface PayoutRun {
  id: string;
  program_id: string;
  period: string;
  status: string;
  version_id: string;
  requires_approval: boolean;
  created_by: string;
  approved_by: string | null;
  created_at: string;
  updated_at: string;
  payouts: number;
  totals: { currency: string; count: number; amount: string }[];
  /** Partners with a balance this run did not pay, per reason. */
  held: Record<string, number>;
  /** Payouts per status. */
  statuses: Record<string, number>;
}

/** GET /v1/payout-runs/{id}/holds: a partner whose balance a run did not pay, and why. */
export interface PayoutHold {
  partner_id: string;
  reason: string;
  detail: string | null;
}

/** The rails paid by uploading a file to the provider. */
export type FileRail = 'paypal' | 'wise' | 'csv';
export const fileRails: readonly FileRail[] = ['paypal', 'wise', 'csv'];

/** GET /v1/payout-runs/{id}/files. */
export interface PayoutRunFile {
  rail: FileRail;
  currency: string;
  payouts: number;
  path: string;
}

/** src/engine/import-payout-results.ts: what a provider's result file did, row by row. */
export interface ResultImport {
  applied: number;
  unchanged: number;
  errors: number;
  rows: {
    line: number;
    payout_id: string | null;
    outcome: 'settled' | 'failed' | 'unchanged' | 'error';
    code?: string;
    message?: string;
  }[];
}

/** src/engine/reconcile-payouts.ts ReconciliationReport. */
export interface Reconciliation {
  generated_at: string;
  program_id: string | null;
  checked: { payouts: number; accounts: number; rail_lookups: number };
  totals: {
    program_id: string;
    currency: string;
    processing_ledger: string;
    processing_payouts: string;
    paid_ledger: string;
    paid_payouts: string;
  }[];
  differences: {
    kind: string;
    payout_id?: string;
    partner_id?: string;
    program_id?: string;
    currency?: string;
    expected?: string;
    actual?: string;
    detail: string;
  }[];
}

/** src/engine/read-payout-outlook.ts: what the next run of a program would pay the partner. */
export interface PayoutOutlook {
  program_id: string;
  program_key: string;
  next_period: string;
  next_run_due_at: string;
  minimum: string;
  minimum_currency: string;
  payout_currency: string;
  would_pay: { amount: string; currency: string } | null;
  held: { reason: string; detail: string } | null;
}

/** src/engine/payout-profiles.ts PayoutProfileView (details already masked). */
export interface PayoutProfile {
  partner_id: string;
  rail: Rail;
  details: Record<string, string>;
  currency: string | null;
  tax: { form: string | null; tax_id_present: boolean; country: string | null };
  missing: string[];
  updated_at: string;
}

/** GET /v1/partners/{id}/statements?program=: one period's statement, as HTML and CSV. */
export interface StatementPeriod {
  period: string;
  html: string;
  csv: string;
}
