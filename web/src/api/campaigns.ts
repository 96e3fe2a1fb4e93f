export type CampaignStatus =
  | 'proposed'
  | 'approved'
  | 'live'
  | 'completed'
  | 'reported'
  | 'rejected'
  | 'cancelled';

/** src/engine/campaigns.ts CampaignView (the fields the app shows). */
export interface Campaign {
  id: string;
  program_id: string;
  code: string;
  name: string;
  goal: string | null;
  starts_at: string;
  ends_at: string;
  assets: { label: string; url: string }[];
  targets: Record<string, unknown> | null;
  currency: string;
  cost: string | null;
  status: CampaignStatus;
  /** The statuses it may move to now. */
  next_statuses: CampaignStatus[];
  partners: { partner_id: string; role: 'lead' | 'member' }[];
}

/** src/engine/mdf-pools.ts MdfPoolView: a quarter's market development fund budget. */
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

/** src/engine/mdf-requests.ts MdfRequestView (the fields the app shows). */
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
  description: string;
  claim_deadline: string | null;
  proof: { links?: string[]; invoices?: string[]; results?: string } | null;
  decision_note: string | null;
  claim_note: string | null;
  created_at: string;
  claimed_at: string | null;
}

/** src/engine/read-calendar.ts CalendarItemView: one dated item of GET /v1/calendar. */
export interface CalendarItem {
  kind: 'campaign' | 'accelerator' | 'program_version' | 'payout';
  /** Stable across reads (with the kind). */
  id: string;
  title: string;
  starts_at: string;
  /** Exclusive; equal to starts_at for a moment (a version taking effect). */
  ends_at: string;
  /** A whole UTC day (payout dates); otherwise instants. */
  all_day: boolean;
  program_id: string;
  status: 'tentative' | 'confirmed' | 'cancelled';
  details: Record<string, unknown>;
  conflicts: unknown[];
}
