import { campaignUnit } from '../core/accrual.js';
import type { Currency } from '../core/currency.js';
import type { Tally } from '../core/measure-campaign.js';
import { formatAmount, parseAmount } from '../core/money.js';
import { divideHalfEven } from '../core/rounding.js';
import { toIso } from '../core/time.js';
import { toBigInt } from '../store/values.js';
import type { CampaignRow } from './campaigns.js';
import { measureCampaign } from './measure-campaign.js';
import type { Db, Tx } from './transaction.js';

interface TallyView {
  customers: number;
  signups: number;
  activations: number;
  revenue: string;
}

interface ArmView extends TallyView {
  activation_rate: number | null;
}

interface PartnerFigures extends TallyView {
  partner_id: string;
  role: 'lead' | 'member';
  held_out_customers: number;
  incremental_activations: number | null;
  bonuses_posted: string;
}

/** The campaign report: plan against actual, channels, arms and lift, cost and efficiency. */
export interface CampaignReport {
  campaign: {
    id: string;
    code: string;
    name: string;
    program_id: string;
    status: string;
    starts_at: string;
    ends_at: string;
    channels: string[];
    holdout_percent: number;
    partners: { partner_id: string; role: 'lead' | 'member' }[];
  };
  measured_at: string;
  /** False while the window is open: the figures are the campaign's so far. */
  window_closed: boolean;
  currency: Currency;
  plan: {
    /** Percentage points of activation rate the plan expected the campaign to add. */
    expected_lift: number | null;
    targets: {
      leads: { target: number | null; actual: number; attained: boolean | null };
      activations: { target: number | null; actual: number; attained: boolean | null };
      revenue: { target: string | null; actual: string; attained: boolean | null };
    };
  };
  audience: { customers: number; exposed: number; holdout: number };
  arms: { exposed: ArmView; holdout: ArmView };
  /** The exposed arm by the channel of each customer's first touch. */
  channels: (TallyView & { channel: string })[];
  lift: {
    metric: 'activation';
    exposed_rate: number;
    holdout_rate: number;
    lift_points: number;
    interval_points: { low: number; high: number };
    relative: number | null;
    significant: boolean;
    expected_points: number | null;
    verdict: 'below_interval' | 'within_interval' | 'above_interval' | null;
    incremental_activations: number;
  } | null;
  cost: { campaign: string; mdf_reimbursed: string; total: string };
  mdf: { approved: string; spent: string };
  bonuses_posted: string;
  cost_per_activation: string | null;
  cost_per_incremental_activation: string | null;
  /** Why a figure is null or partial, by figure. */
  notes: Record<string, string>;
  /** Operator: every partner's own figures. */
  partners?: PartnerFigures[];
  /** A partner's key: its own figures. */
  partner?: PartnerFigures;
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * Builds the report of a campaign from its measurement (engine
 * measureCampaign), its MDF requests and the bonuses posted for its unit.
 * `viewer` null: the operator's report with every partner's figures; a
 * partner id: that partner's own figures only. Reads; changes nothing.
 */
export async function readCampaignReport(
  db: Db | Tx,
  c: CampaignRow,
  viewer: string | null,
  now: number,
): Promise<CampaignReport> {
  const m = await measureCampaign(db, c);
  const cur = c.currency;
  const fmt = (v: bigint) => formatAmount(v, cur);
  const tally = (t: Tally): TallyView => ({
    customers: t.customers,
    signups: t.signups,
    activations: t.activations,
    revenue: fmt(t.revenue),
  });
  const arm = (t: Tally): ArmView => ({
    ...tally(t),
    activation_rate: t.customers ? round(t.activations / t.customers, 6) : null,
  });
  const notes: Record<string, string> = {};

  const mdf = await db
    .selectFrom('mdf_requests')
    .select(['status', 'currency', 'approved', 'reimbursed'])
    .where('campaign_id', '=', c.id)
    .execute();
  let approved = 0n;
  let spent = 0n;
  for (const r of mdf) {
    if (r.currency !== cur) {
      notes.mdf = `MDF in other currencies than ${cur} is not converted and not counted`;
      continue;
    }
    if (['approved', 'claimed', 'reimbursed'].includes(r.status)) approved += toBigInt(r.approved);
    if (r.status === 'reimbursed') spent += toBigInt(r.reimbursed);
  }
  const bonusRows = await db
    .selectFrom('accrual_lines')
    .select(['partner_id', 'currency', 'amount'])
    .where('unit', '=', campaignUnit(c.id))
    .execute();
  const bonusesOf = (partnerId?: string) =>
    bonusRows
      .filter((r) => r.currency === cur && (partnerId === undefined || r.partner_id === partnerId))
      .reduce((s, r) => s + toBigInt(r.amount), 0n);

  const exposed = m.arms.exposed;
  const cost = c.cost + spent;
  const perActivation = exposed.activations
    ? divideHalfEven(cost, BigInt(exposed.activations))
    : null;
  if (perActivation === null) notes.cost_per_activation = 'no exposed customer activated yet';
  const incremental = m.incrementalActivations;
  const perIncremental = incremental ? divideHalfEven(cost, BigInt(incremental)) : null;
  if (perIncremental === null)
    notes.cost_per_incremental_activation =
      incremental === null
        ? 'no lift is measured: the campaign needs customers in both arms (a holdout above 0%)'
        : 'the campaign measured no incremental activation';
  if (!m.lift)
    notes.lift =
      c.holdoutBps === 0
        ? 'the campaign holds out nobody (holdout 0%): lift cannot be measured'
        : 'lift needs customers in both the exposed and the held-out arm';
  if (now < c.endsAt) notes.window = 'the window is still open: these are the figures so far';

  const target = <T>(t: T | undefined) => (t === undefined ? null : t);
  let revenueTarget: bigint | null = null;
  if (c.targets.revenue !== undefined) {
    try {
      revenueTarget = parseAmount(c.targets.revenue, cur);
    } catch {
      notes.revenue = `the revenue target ${c.targets.revenue} is not an amount of ${cur}`;
    }
  }
  const figures = (partnerId: string, role: 'lead' | 'member'): PartnerFigures => {
    const p = m.partners.find((x) => x.partnerId === partnerId);
    const own = p?.exposed ?? { customers: 0, signups: 0, activations: 0, revenue: 0n };
    return {
      partner_id: partnerId,
      role,
      ...tally(own),
      held_out_customers: p?.holdout.customers ?? 0,
      incremental_activations: p?.incrementalActivations ?? null,
      bonuses_posted: fmt(bonusesOf(partnerId)),
    };
  };
  const lift = m.lift;
  const mine = viewer === null ? undefined : c.partners.find((p) => p.partnerId === viewer);
  return {
    campaign: {
      id: c.id,
      code: c.code,
      name: c.name,
      program_id: c.programId,
      status: c.status,
      starts_at: toIso(c.startsAt),
      ends_at: toIso(c.endsAt),
      channels: c.channels,
      holdout_percent: c.holdoutBps / 100,
      partners: c.partners.map((p) => ({ partner_id: p.partnerId, role: p.role })),
    },
    measured_at: toIso(now),
    window_closed: now >= c.endsAt,
    currency: cur,
    plan: {
      expected_lift: c.expectedLiftBps === null ? null : c.expectedLiftBps / 100,
      targets: {
        leads: {
          target: target(c.targets.leads),
          actual: exposed.customers,
          attained: c.targets.leads === undefined ? null : exposed.customers >= c.targets.leads,
        },
        activations: {
          target: target(c.targets.activations),
          actual: exposed.activations,
          attained:
            c.targets.activations === undefined
              ? null
              : exposed.activations >= c.targets.activations,
        },
        revenue: {
          target: revenueTarget === null ? null : fmt(revenueTarget),
          actual: fmt(exposed.revenue),
          attained: revenueTarget === null ? null : exposed.revenue >= revenueTarget,
        },
      },
    },
    audience: {
      customers: m.audience,
      exposed: exposed.customers,
      holdout: m.arms.holdout.customers,
    },
    arms: { exposed: arm(exposed), holdout: arm(m.arms.holdout) },
    channels: m.channels.map((ch) => ({ channel: ch.channel, ...tally(ch) })),
    lift: lift
      ? {
          metric: 'activation',
          exposed_rate: round(lift.exposed.rate, 6),
          holdout_rate: round(lift.holdout.rate, 6),
          lift_points: round(lift.lift * 100, 4),
          interval_points: {
            low: round(lift.interval.low * 100, 4),
            high: round(lift.interval.high * 100, 4),
          },
          relative: lift.relative === null ? null : round(lift.relative, 4),
          significant: lift.significant,
          expected_points: lift.expected ? round(lift.expected.lift * 100, 4) : null,
          verdict: lift.expected?.verdict ?? null,
          incremental_activations: incremental ?? 0,
        }
      : null,
    cost: { campaign: fmt(c.cost), mdf_reimbursed: fmt(spent), total: fmt(cost) },
    mdf: { approved: fmt(approved), spent: fmt(spent) },
    bonuses_posted: fmt(bonusesOf()),
    cost_per_activation: perActivation === null ? null : fmt(perActivation),
    cost_per_incremental_activation: perIncremental === null ? null : fmt(perIncremental),
    notes,
    ...(viewer === null ? { partners: c.partners.map((p) => figures(p.partnerId, p.role)) } : {}),
    ...(mine ? { partner: figures(mine.partnerId, mine.role) } : {}),
  };
}
