/** src/engine/read-tiers.ts: how far a partner is from one requirement of a tier. */
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

/** src/engine/read-tiers.ts PartnerTierView: the tier held in one program (no history). */
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
