/** A reward rule in program terms (the fields the app reads). */
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

/**
 * A version's terms (src/core/program-terms.ts), described only as far as the
 * app reads them: the object holds every field of the document, which the
 * console's editor shows and sends back whole.
 */
export interface ProgramTerms {
  currency: string;
  hold_days?: number;
  notice_days?: number;
  rewards?: RewardRule[];
  accelerators?: Accelerator[];
  tiers?: { grace_days?: number; levels: TierLevel[] };
  payout?: { schedule?: string; minimum?: string; currency?: string };
}

export type VersionStatus = 'current' | 'upcoming' | 'superseded';

/** src/engine/programs.ts VersionView. */
export interface ProgramVersion {
  id: string;
  number: number;
  effective_from: string;
  published_at: string;
  correction: boolean;
  reason: string | null;
  /** At the time of reading: in force now, published ahead, or no longer (or never) in force. */
  status: VersionStatus;
  terms: ProgramTerms;
}

/**
 * src/engine/programs.ts ProgramView: GET /v1/programs and a partner's
 * GET /v1/partners/{id}/programs (the programs it is in).
 */
export interface Program {
  id: string;
  key: string;
  name: string;
  created_at: string;
  current_version: number | null;
  /** Versions published to take effect later, in the order they will. */
  upcoming_versions: number[];
  versions: ProgramVersion[];
}

/** src/engine/diff-versions.ts VersionDiff. */
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

/** src/core/summarize-backtest.ts BacktestSide. */
export interface BacktestSide {
  cost: string;
  other_currencies: Record<string, string>;
  activations: number;
  cost_per_activation: string | null;
  revenue: string;
  cost_share_of_revenue_percent: string | null;
}

/** src/core/summarize-backtest.ts BacktestReport. */
export interface BacktestReport {
  program: { id: string; key: string };
  currency: string;
  period: { from: string; to: string; starts_at: string; ends_before: string };
  draft_version: { id: string; number: number; effective_from: string };
  baseline: BacktestSide;
  draft: BacktestSide;
  /** `draft − baseline` of each figure (the percent in percentage points). */
  difference: BacktestSide;
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
