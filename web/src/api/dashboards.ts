import type { Balance } from './balances';
import type { AmountsByCurrency } from './models';
import type { PartnerStatus } from './partners';

/** src/engine/read-stats.ts DayStats (GET /v1/stats, GET /v1/partners/{id}/stats). */
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

/** GET /v1/partners/{id}/dashboard (one day of the series). */
export interface DashboardDay {
  date: string;
  clicks: number;
  signups: number;
  activations: number;
  payments: number;
  revenue: AmountsByCurrency;
  earnings: AmountsByCurrency;
}

/** GET /v1/partners/{id}/dashboard?from&to: a partner's summary over a range. */
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
}

/** GET /v1/overview (src/engine/read-dashboard.ts Overview): the operators' summary. */
export interface Overview {
  from: string;
  to: string;
  attributed_revenue: AmountsByCurrency;
  incentive_cost: AmountsByCurrency;
  /** Incentive cost as a percent of attributed revenue, per currency ("12.5"). */
  cost_share: Record<string, string>;
  /** Partners with a click or a conversion in the range. */
  active_partners: number;
  partners_by_status: Partial<Record<PartnerStatus, number>>;
  conversions: { signups: number; activations: number; payments: number; refunds: number };
  clicks: number;
  liabilities: {
    pending: AmountsByCurrency;
    available: AmountsByCurrency;
    processing: AmountsByCurrency;
    negative: AmountsByCurrency;
    paid: AmountsByCurrency;
  };
  series: {
    date: string;
    revenue: AmountsByCurrency;
    cost: AmountsByCurrency;
    signups: number;
    activations: number;
    clicks: number;
  }[];
  as_of: string;
}
