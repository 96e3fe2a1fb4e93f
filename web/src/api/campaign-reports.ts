/** src/engine/read-campaign-report.ts CampaignReport, as a partner sees it (its own figures). */
export interface CampaignTally {
  customers: number;
  signups: number;
  activations: number;
  revenue: string;
}

export interface CampaignReport {
  campaign: { id: string; name: string; status: string; holdout_percent: number };
  window_closed: boolean;
  currency: string;
  plan: {
    expected_lift: number | null;
    targets: Record<
      'leads' | 'activations' | 'revenue',
      { target: number | string | null; actual: number | string; attained: boolean | null }
    >;
  };
  audience: { customers: number; exposed: number; holdout: number };
  lift: {
    exposed_rate: number;
    holdout_rate: number;
    lift_points: number;
    interval_points: { low: number; high: number };
    significant: boolean;
    incremental_activations: number;
  } | null;
  notes: Record<string, string>;
  cost: { campaign: string; mdf_reimbursed: string; total: string };
  cost_per_activation: string | null;
  cost_per_incremental_activation: string | null;
  bonuses_posted: string;
  /** The operator's report: every partner's own figures. */
  partners?: PartnerFigures[];
  /** A partner's report: its own figures. */
  partner?: PartnerFigures;
}

export interface PartnerFigures extends CampaignTally {
  partner_id: string;
  role: 'lead' | 'member';
  held_out_customers: number;
  incremental_activations: number | null;
  bonuses_posted: string;
}
