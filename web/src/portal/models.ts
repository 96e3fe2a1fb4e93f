/**
 * Response shapes of the partner-facing reads the portal uses, written from
 * the engine functions that produce them (src/engine/read-*.ts and friends).
 * Amounts are decimal strings in the currency's major unit; instants are ISO
 * 8601 strings; `{CUR: amount}` maps are keyed by currency code.
 */

export type AmountsByCurrency = Record<string, string>;

/** src/engine/read-balances.ts BalanceView. */
export interface Balance {
  currency: string;
  pending: string;
  available: string;
  /** Claimed by payouts that are not settled yet. */
  processing: string;
  paid: string;
  /** Money owed back after a refund, carried against future earnings (positive). */
  negative: string;
}

/** GET /v1/partners/:id/dashboard (one day of the series). */
export interface DashboardDay {
  date: string;
  clicks: number;
  signups: number;
  activations: number;
  payments: number;
  revenue: AmountsByCurrency;
  earnings: AmountsByCurrency;
}

/** GET /v1/partners/:id/dashboard?from&to. */
export interface Dashboard {
  partner_id: string;
  from: string;
  to: string;
  totals: {
    clicks: number;
    signups: number;
    activations: number;
    payments: number;
    refunds: number;
    revenue: AmountsByCurrency;
    earnings: AmountsByCurrency;
  };
  series: DashboardDay[];
  balances: Balance[];
  as_of: string;
  /** Set by the portal when it built this from /stats and /balances: no earnings per day. */
  partial?: boolean;
}

/** src/engine/read-stats.ts DayStats (GET /v1/partners/:id/stats). */
export interface DayStats {
  date: string;
  clicks: number;
  bot_clicks: number;
  signups: number;
  activations: number;
  payments: number;
  refunds: number;
  revenue: AmountsByCurrency;
}

/** src/core/accrual.ts AccrualTrace: why an accrual exists. */
export interface AccrualTrace {
  program: { id: string; version_id: string; version: number };
  rule: { id: string; name?: string; event: string; pays: 'flat' | 'percent' };
  event: { id: string; external_id: string; type: string; occurred_at: string };
  attribution?: {
    partner_id: string;
    touch_kind?: string;
    touch_ref?: string;
    attributed_at: string;
  };
  tier?: string;
  credit?: { split: string; partners: number; your_percent: string; why: string };
  inputs: Record<string, string>;
  steps: string[];
  hold_days: number;
  available_at: string;
  /** On a reversal: the key of the accrual it reverses. */
  reverses?: string;
}

/** src/engine/read-accruals.ts AccrualView. */
export interface Accrual {
  id: string;
  /** Names the reward across re-derivations: adjustments and reversals share or reference it. */
  key: string;
  kind: 'accrual' | 'reversal' | 'adjustment' | (string & {});
  partner_id: string;
  program_id: string;
  version_id: string;
  rule_id: string;
  customer_id: string;
  event_id: string;
  amount: string;
  amount_minor: string;
  currency: string;
  occurred_at: string;
  available_at: string;
  status: 'pending' | 'available';
  created_at: string;
  /** Null or partial for lines written before traces had every field. */
  trace: Partial<AccrualTrace> | null;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** src/engine/tracking.ts LinkView. */
export interface TrackingLink {
  id: string;
  code: string;
  partner_id: string;
  /** The program's key. */
  program: string;
  destination: string;
  created_at: string;
  disabled_at: string | null;
  campaign_id?: string;
  /** Present when the server counts clicks per link. */
  clicks?: number;
}

/** src/engine/tracking.ts CodeView. */
export interface TrackingCode {
  code: string;
  kind: 'referral_code' | 'coupon';
  partner_id: string;
  program: string;
  created_at: string;
  disabled_at: string | null;
}

/** src/engine/read-tiers.ts. */
export interface RequirementProgress {
  metric: string;
  window_days: number;
  at_least: string;
  current: string;
  missing: string;
  /** 0–100, floor: 100 only when met. */
  progress_percent: number;
}

export interface Benefit {
  id: string;
  name: string;
  description: string | null;
  allowance: { amount?: string; count?: number; per: string; currency?: string } | null;
}

export interface PartnerTier {
  program_id: string;
  program_key: string;
  tier: { id: string; name: string; since: string } | null;
  grace: { below_since: string; demotion_due_at: string } | null;
  benefits: Benefit[];
  qualifies_now_for: string | null;
  next_tier: { id: string; name: string; requires: RequirementProgress[] } | null;
  evaluated_at: string | null;
}

/** A reward rule in program terms (only the fields the portal reads). */
export interface RewardRule {
  id: string;
  name?: string;
  event: string;
  flat?: string;
  percent?: number;
  of?: string;
  duration?: { months?: number; days?: number; from: string };
  cap_per_customer?: string;
}

export interface Accelerator {
  id: string;
  name?: string;
  from: string;
  to: string;
  multiplier: number;
  rules?: string[];
}

export interface TierLevel {
  id: string;
  name?: string;
  multiplier?: number;
  benefits?: string[];
  requires?: { metric: string; window_days: number; at_least: string | number }[];
}

export interface ProgramTerms {
  currency: string;
  hold_days?: number;
  notice_days?: number;
  rewards?: RewardRule[];
  accelerators?: Accelerator[];
  tiers?: { grace_days?: number; levels: TierLevel[] };
  payout?: { schedule?: string; minimum?: string; currency?: string };
}

export interface ProgramVersion {
  id: string;
  number: number;
  effective_from: string;
  published_at: string | null;
  correction: boolean;
  reason: string | null;
  status: 'current' | 'upcoming' | 'superseded' | (string & {});
  terms: ProgramTerms;
}

/** src/engine/list-partner-programs.ts (GET /v1/partners/:id/programs). */
export interface PartnerProgram {
  id: string;
  key: string;
  name: string;
  created_at: string;
  current_version: number | null;
  upcoming_versions: number[];
  versions: ProgramVersion[];
}

export type PayoutStatus =
  | 'pending'
  | 'approved'
  | 'sending'
  | 'sent'
  | 'settled'
  | 'failed'
  | 'canceled';

/** src/engine/payout-records.ts PayoutView. */
export interface Payout {
  id: string;
  run_id: string;
  program_id: string;
  partner_id: string;
  status: PayoutStatus;
  rail: string;
  amount: string;
  currency: string;
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

/** src/engine/read-payout-outlook.ts. */
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
  rail: string;
  details: Record<string, string>;
  currency: string | null;
  tax: { form: string | null; tax_id_present: boolean; country: string | null };
  missing: string[];
  updated_at: string;
}

/** GET /v1/partners/:id/statements?program=. */
export interface StatementPeriod {
  period: string;
  html: string;
  csv: string;
}

/** src/engine/integrations.ts IntegrationView. */
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

export interface MilestoneStatus {
  id: string;
  name: string;
  completed_by: 'event' | 'review' | 'either' | (string & {});
  requires: string[];
  status: 'completed' | 'available' | 'locked' | (string & {});
  completed_at: string | null;
  renewed_at: string | null;
}

/** GET /v1/integrations/:id: the integration with its milestone checklist and certification. */
export interface IntegrationDetail extends Integration {
  milestones: MilestoneStatus[];
  path_completed: boolean;
  certification: {
    level: string | null;
    name: string | null;
    since: string | null;
    expires_at: string | null;
    entitlements: string[];
    levels: {
      id: string;
      name: string;
      held: boolean;
      missing: string[];
      expires_at: string | null;
    }[];
  } | null;
  pending_submissions: number;
}

/** GET /v1/integrations/:id/usage (one month). */
export interface UsageMonth {
  month: string;
  closed: boolean;
  active_installs: number;
  events: number;
  units: Record<string, string>;
  revenue: AmountsByCurrency;
  rewards: { rule_id: string; amount: string; currency: string }[];
  estimate: { rule_id: string; amount: string; currency: string; steps: string[] }[];
}

/** GET /v1/partners/:id/credits (one program and asset). */
export interface CreditBalance {
  program_id: string;
  asset: string;
  balance: string;
  granted: string;
  redeemed: string;
}

/** GET /v1/calendar (one item). */
export interface CalendarItem {
  kind: 'campaign' | 'accelerator' | 'program_version' | 'payout' | (string & {});
  id: string;
  title: string;
  starts_at: string;
  ends_at: string;
  all_day: boolean;
  program_id: string | null;
  status: string;
  details: Record<string, unknown>;
  conflicts: unknown[];
}

/** src/engine/campaigns.ts CampaignView (the fields the portal shows). */
export interface Campaign {
  id: string;
  program_id: string;
  code: string;
  name: string;
  goal: string | null;
  starts_at: string;
  ends_at: string;
  assets: { label: string; url: string }[];
  currency: string;
  status: string;
  partners: { partner_id: string; role: 'lead' | 'member' }[];
}

/** src/engine/mdf-requests.ts MdfRequestView (the fields the portal shows). */
export interface MdfRequest {
  id: string;
  campaign_id: string;
  status: string;
  currency: string;
  requested: string;
  approved: string | null;
  claimed: string | null;
  reimbursed: string | null;
  description: string;
  claim_deadline: string | null;
  decision_note: string | null;
  created_at: string;
}
