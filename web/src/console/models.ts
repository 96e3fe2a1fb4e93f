/**
 * Response shapes of the operator routes the console reads, written from the
 * engine functions the routes return (src/engine/*). Amounts are decimal
 * strings in the currency's major unit; instants are ISO 8601 strings.
 */

/** An amount per currency code: `{ USD: "12.50" }`. */
export type AmountByCurrency = Record<string, string>;

export type PartnerStatus = 'applied' | 'approved' | 'rejected' | 'suspended' | 'banned';
export const partnerStatuses: readonly PartnerStatus[] = [
  'applied',
  'approved',
  'rejected',
  'suspended',
  'banned',
];
export type PartnerKind = 'referral' | 'integration' | 'co_marketing';

/** src/engine/partners.ts PartnerView */
export interface Partner {
  id: string;
  name: string;
  email: string | null;
  kinds: PartnerKind[];
  status: PartnerStatus;
  status_reason: string | null;
  programs: string[];
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** src/engine/read-balances.ts BalanceView */
export interface Balance {
  currency: string;
  pending: string;
  available: string;
  processing: string;
  paid: string;
  negative: string;
}

export interface ProgramBalance extends Balance {
  program_id: string;
}

export interface Balances {
  partner_id: string;
  balances: Balance[];
  programs: ProgramBalance[];
}

/** src/engine/read-accruals.ts AccrualView */
export interface Accrual {
  id: string;
  key: string;
  kind: string;
  partner_id: string;
  program_id: string;
  version_id: string;
  rule_id: string;
  customer_id: string;
  event_id: string;
  amount: string;
  currency: string;
  occurred_at: string;
  available_at: string;
  status: 'pending' | 'available';
  created_at: string;
  trace: unknown;
}

/** src/engine/read-customers.ts AttributionView (a partner sees its share, not others'). */
export interface Attribution {
  customer_id: string;
  program_id: string;
  partner_id: string;
  event_id: string;
  version_id: string;
  attributed_at: string;
  reason: unknown;
}

/** src/engine/read-tiers.ts PartnerTierView (current tier; the API keeps no history view). */
export interface PartnerTier {
  program_id: string;
  program_key: string;
  tier: { id: string; name: string; since: string } | null;
  grace: { below_since: string; demotion_due_at: string } | null;
  qualifies_now_for: string | null;
  next_tier: {
    id: string;
    name: string;
    requires: {
      metric: string;
      window_days: number;
      at_least: string;
      current: string;
      missing: string;
      progress_percent: number;
    }[];
  } | null;
  evaluated_at: string | null;
}

/** src/engine/tracking.ts LinkView */
export interface TrackingLink {
  id: string;
  code: string;
  partner_id: string;
  program: string;
  destination: string;
  created_at: string;
  disabled_at: string | null;
  campaign_id?: string;
}

/** src/engine/tracking.ts CodeView */
export interface TrackingCode {
  code: string;
  kind: 'referral_code' | 'coupon';
  partner_id: string;
  program: string;
  created_at: string;
  disabled_at: string | null;
}

export type PayoutStatus =
  | 'pending'
  | 'approved'
  | 'sending'
  | 'sent'
  | 'settled'
  | 'failed'
  | 'canceled';

/** src/engine/payout-records.ts PayoutView */
export interface Payout {
  id: string;
  run_id: string;
  program_id: string;
  partner_id: string;
  status: PayoutStatus;
  rail: 'stripe' | 'paypal' | 'wise' | 'csv' | 'manual';
  amount: string;
  currency: string;
  reference: string | null;
  failure_reason: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
}

/** src/engine/read-payout-runs.ts PayoutRunView */
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
  held: Record<string, number>;
  statuses: Record<string, number>;
}

export interface PayoutHold {
  partner_id: string;
  reason: string;
  detail: string | null;
}

export type FileRail = 'paypal' | 'wise' | 'csv';
export const fileRails: readonly FileRail[] = ['paypal', 'wise', 'csv'];

/** GET /v1/payout-runs/{id}/files */
export interface PayoutRunFile {
  rail: FileRail;
  currency: string;
  payouts: number;
  path: string;
}

/** src/engine/import-payout-results.ts */
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

/** src/engine/reconcile-payouts.ts ReconciliationReport */
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

export type VersionStatus = 'current' | 'upcoming' | 'superseded';

/** src/engine/programs.ts VersionView */
export interface ProgramVersion {
  id: string;
  number: number;
  effective_from: string;
  published_at: string;
  correction: boolean;
  reason: string | null;
  status: VersionStatus;
  terms: Record<string, unknown>;
}

/** src/engine/programs.ts ProgramView */
export interface Program {
  id: string;
  key: string;
  name: string;
  created_at: string;
  current_version: number | null;
  upcoming_versions: number[];
  versions: ProgramVersion[];
}

/** src/engine/diff-versions.ts VersionDiff */
export interface VersionDiff {
  program_id: string;
  from: { number: number; effective_from: string; status: VersionStatus };
  to: { number: number; effective_from: string; status: VersionStatus };
  changes: {
    path: string;
    change: 'added' | 'removed' | 'changed';
    before?: unknown;
    after?: unknown;
    summary: string;
  }[];
}

/** One problem in a document, by path (src/core/errors.ts Issue). */
export interface Issue {
  path: string;
  message: string;
}

/** POST /v1/programs/validate when the terms are valid. */
export interface ValidTerms {
  valid: true;
  terms: Record<string, unknown>;
}

/** src/core/summarize-backtest.ts BacktestSide */
export interface BacktestSide {
  cost: string;
  other_currencies: Record<string, string>;
  activations: number;
  cost_per_activation: string | null;
  revenue: string;
  cost_share_of_revenue_percent: string | null;
}

/** src/core/summarize-backtest.ts BacktestReport */
export interface BacktestReport {
  program: { id: string; key: string };
  currency: string;
  period: { from: string; to: string; starts_at: string; ends_before: string };
  draft_version: { id: string; number: number; effective_from: string };
  baseline: BacktestSide;
  draft: BacktestSide;
  difference: {
    cost: string;
    other_currencies: Record<string, string>;
    activations: number;
    cost_per_activation: string | null;
    revenue: string;
    cost_share_of_revenue_percent: string | null;
  };
  partners: {
    partner_id: string;
    name: string | null;
    currency: string;
    baseline: string;
    draft: string;
    difference: string;
  }[];
  baseline_replay_matches_ledger: boolean | null;
  mismatches: { partner_id: string; currency: string; ledger: string; replay: string }[];
  pending_derivation: number;
  warnings: string[];
  tiers: 'recorded' | 'simulated';
  customers_replayed: number;
  events_replayed: number;
  elapsed_ms: number;
}

/** GET /v1/overview (src/engine/read-dashboard.ts Overview). */
export interface Overview {
  from: string;
  to: string;
  attributed_revenue: AmountByCurrency;
  incentive_cost: AmountByCurrency;
  /** Incentive cost as a percent of attributed revenue, per currency ("12.5"). */
  cost_share: Record<string, string>;
  /** Partners with a click or a conversion in the range. */
  active_partners: number;
  partners_by_status: Partial<Record<PartnerStatus, number>>;
  conversions: { signups: number; activations: number; payments: number; refunds: number };
  clicks: number;
  liabilities: {
    pending: AmountByCurrency;
    available: AmountByCurrency;
    processing: AmountByCurrency;
    negative: AmountByCurrency;
    paid: AmountByCurrency;
  };
  series: {
    date: string;
    revenue: AmountByCurrency;
    cost: AmountByCurrency;
    signups: number;
    activations: number;
    clicks: number;
  }[];
  as_of: string;
}

export const scopes = [
  'read',
  'events:write',
  'programs:write',
  'partners:write',
  'payouts:write',
  'payouts:approve',
  'integrations:write',
  'credits:redeem',
  'campaigns:write',
  'mdf:approve',
  'admin',
] as const;
export type Scope = (typeof scopes)[number];

/** GET /v1/api-keys (never the secret). */
export interface ApiKey {
  id: string;
  name: string;
  scopes: Scope[];
  partner_id: string | null;
  mode: 'live' | 'test';
  created_at: string;
  revoked_at: string | null;
}

/** POST /v1/api-keys: the key with its secret, shown once. */
export interface CreatedApiKey extends Omit<ApiKey, 'revoked_at'> {
  key: string;
}

/** src/engine/users.ts UserView */
export interface UserAccount {
  id: string;
  email: string;
  name: string;
  role: 'owner' | 'admin' | 'finance' | 'partner_manager' | 'analyst' | 'partner';
  partner_id: string | null;
  has_password: boolean;
  disabled: boolean;
  created_at: string;
  last_sign_in_at: string | null;
}

/** src/engine/integrations.ts integration view */
export interface Integration {
  id: string;
  partner_id: string;
  program_id: string;
  name: string;
  category: string | null;
  listing_url: string | null;
  status: string;
  created_at: string;
  updated_at: string;
}

/** An integration's milestone submission and its review. */
export interface Submission {
  id: string;
  integration_id: string;
  partner_id: string;
  milestone: string;
  evidence: { links?: string[]; notes?: string; test_run_id?: string } & Record<string, unknown>;
  status: 'pending' | 'approved' | 'rejected';
  submitted_by: string;
  submitted_at: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  comment: string | null;
}

/** src/engine/campaigns.ts campaign view (the fields the console shows). */
export interface Campaign {
  id: string;
  program_id: string;
  code: string;
  name: string;
  goal: string | null;
  starts_at: string;
  ends_at: string;
  currency: string;
  cost: string | null;
  status: string;
  next_statuses: string[];
  partners: { partner_id: string; role: string }[];
  targets: Record<string, unknown> | null;
}

/** src/engine/mdf-pools.ts pool view */
export interface MdfPool {
  id: string;
  program_id: string;
  quarter: string;
  scope: string;
  tier_id: string | null;
  partner_id: string | null;
  currency: string;
  amount: string;
  committed: string;
  reimbursed: string;
  pending: string;
  remaining: string;
  default_claim_deadline: string | null;
}

export type MdfStatus =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'withdrawn'
  | 'claimed'
  | 'reimbursed'
  | 'claim_rejected'
  | 'expired';

/** src/engine/mdf.ts request view */
export interface MdfRequest {
  id: string;
  pool_id: string;
  campaign_id: string;
  partner_id: string;
  status: MdfStatus;
  currency: string;
  requested: string;
  approved: string | null;
  claimed: string | null;
  reimbursed: string | null;
  description: string | null;
  claim_deadline: string | null;
  proof: { links?: string[]; invoices?: string[]; results?: string } | null;
  decision_note: string | null;
  claim_note: string | null;
  created_at: string;
  claimed_at: string | null;
}

/** GET /v1/calendar item */
export interface CalendarItem {
  kind: string;
  id: string;
  title: string;
  starts_at: string;
  ends_at: string | null;
  all_day: boolean;
  status: string;
}
