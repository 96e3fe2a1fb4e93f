import type { AmountsByCurrency } from './models';

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

/** GET /v1/integrations/{id}: the integration with its milestone checklist and certification. */
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

/** GET /v1/integrations/{id}/usage (one month). */
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

/** GET /v1/partners/{id}/credits (one program and asset). */
export interface CreditBalance {
  program_id: string;
  asset: string;
  balance: string;
  granted: string;
  redeemed: string;
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
