import { campaignUnit, type DesiredAccrual } from './accrual.js';
import type { CampaignBonus, CampaignMetric } from './campaign.js';
import type { Currency } from './currency.js';
import type { CampaignMeasurement } from './measure-campaign.js';
import { allocate, formatAmount, parseAmount } from './money.js';
import type { ProgramVersion } from './program-version.js';
import { addDays, toIso } from './time.js';

/** The campaign facts its bonuses are evaluated on. */
export interface BonusCampaign {
  id: string;
  code: string;
  programId: string;
  endsAt: number;
  currency: Currency;
  /** Lead first: the lead gets the remainder of an equal split. */
  partnerIds: readonly string[];
  bonuses: readonly CampaignBonus[];
  /** Whether the campaign's status lets it pay (approved, live, completed, reported). */
  running: boolean;
}

const METRIC_WORDS: Record<CampaignMetric, string> = {
  touched_customers: 'touched customers',
  signups: 'signups',
  activations: 'activations',
  incremental_activations: 'incremental activations',
};

/** A metric's value over the exposed arm (the campaign's, or one partner's), as a whole number. */
export function metricValue(
  metric: CampaignMetric,
  m: {
    exposed: { customers: number; signups: number; activations: number };
    incrementalActivations: number | null;
  },
): number {
  switch (metric) {
    case 'touched_customers':
      return m.exposed.customers;
    case 'signups':
      return m.exposed.signups;
    case 'activations':
      return m.exposed.activations;
    case 'incremental_activations':
      return m.incrementalActivations ?? 0;
  }
}

/** What one bonus pays for a metric value, with the words that say why (nothing: undefined). */
/** The most one bonus line pays, in minor units (10^15): far beyond any real bonus, far within BIGINT. */
export const LARGEST_BONUS = 10n ** 15n;

function payOf(
  bonus: CampaignBonus,
  value: number,
  where: string,
  currency: Currency,
): { amount: bigint; why: string } | undefined {
  const words = `${value} ${METRIC_WORDS[bonus.metric]} ${where}`;
  const fmt = (v: bigint) => `${formatAmount(v, currency)} ${currency}`;
  if (bonus.steps) {
    const steps = [...bonus.steps].sort((a, b) => a.at_least - b.at_least);
    const reached = steps.filter((s) => value >= s.at_least);
    const step = reached[reached.length - 1];
    if (!step) return undefined;
    const pays = parseAmount(step.pays, currency);
    return {
      amount: pays,
      why: `${words} ≥ ${step.at_least} (step ${reached.length} of ${steps.length}) → ${fmt(pays)}`,
    };
  }
  const per = parseAmount(bonus.per as string, currency);
  const raw = per * BigInt(value);
  const cap = bonus.cap === undefined ? undefined : parseAmount(bonus.cap, currency);
  // A cap of its own, and never more than the largest amount a ledger line holds safely.
  const limit = cap !== undefined && cap < LARGEST_BONUS ? cap : LARGEST_BONUS;
  const amount = raw > limit ? limit : raw;
  if (amount === 0n) return undefined;
  return {
    amount,
    why: `${words} × ${fmt(per)} = ${fmt(raw)}${amount < raw ? `, capped at ${fmt(amount)}` : ''}`,
  };
}

/**
 * The target bonuses a campaign pays once its window has closed, under the
 * program version in force at the close. Nothing before the close, nothing
 * for a campaign that is not running (proposed, rejected, cancelled), and
 * nothing for a partner not approved at the close. `require_significant`
 * pays only when the campaign's lift is significant (the lower bound of its
 * 95% interval above zero). Scope `campaign` measures the whole campaign and
 * splits the amount equally between its partners (largest remainder, the
 * lead first); scope `partner` measures each partner's own touched
 * customers and pays each its own amount. Pure: re-running it on the same
 * measurement gives the same accruals, so posting is exactly once and a
 * late event changes the ledger by the difference.
 */
export function deriveCampaignBonuses(input: {
  campaign: BonusCampaign;
  measurement: CampaignMeasurement;
  version: Pick<ProgramVersion, 'id' | 'programId' | 'number'> & {
    terms: { holdDays: number };
  };
  approved: (partnerId: string) => boolean;
  now: number;
}): DesiredAccrual[] {
  const { campaign: c, measurement: m, version } = input;
  if (!c.running || input.now < c.endsAt || c.partnerIds.length === 0) return [];
  const availableAt = addDays(c.endsAt, version.terms.holdDays);
  const significant = m.lift?.significant ?? false;
  const out: DesiredAccrual[] = [];
  const fmt = (v: bigint) => `${formatAmount(v, c.currency)} ${c.currency}`;
  const accrual = (
    bonus: CampaignBonus,
    partnerId: string,
    amount: bigint,
    value: number,
    steps: string[],
  ): DesiredAccrual => ({
    key: `campaign-bonus:${c.id}:${bonus.id}:${partnerId}`,
    unit: campaignUnit(c.id),
    kind: 'accrual',
    programId: c.programId,
    versionId: version.id,
    ruleId: bonus.id,
    partnerId,
    customerId: '',
    eventId: '',
    amount,
    currency: c.currency,
    occurredAt: c.endsAt,
    availableAt,
    trace: {
      program: { id: version.programId, version_id: version.id, version: version.number },
      rule: {
        id: bonus.id,
        ...(bonus.name ? { name: bonus.name } : {}),
        event: 'campaign_close',
        pays: 'flat',
      },
      event: {
        id: '',
        external_id: c.code,
        type: 'campaign_close',
        occurred_at: toIso(c.endsAt),
      },
      inputs: {
        campaign: c.id,
        metric: bonus.metric,
        scope: bonus.scope,
        value: String(value),
        ...(bonus.require_significant ? { significant: String(significant) } : {}),
      },
      steps,
      hold_days: version.terms.holdDays,
      available_at: toIso(availableAt),
    },
  });

  for (const bonus of c.bonuses) {
    if (bonus.require_significant && !significant) continue;
    const gate = bonus.require_significant
      ? ['the lift is significant (95% interval above 0)']
      : [];
    if (bonus.scope === 'campaign') {
      const value = metricValue(bonus.metric, {
        exposed: m.arms.exposed,
        incrementalActivations: m.incrementalActivations,
      });
      const pay = payOf(bonus, value, 'in the campaign window', c.currency);
      if (!pay) continue;
      const n = c.partnerIds.length;
      const shares = allocate(
        pay.amount,
        c.partnerIds.map(() => 1n),
      );
      c.partnerIds.forEach((partnerId, i) => {
        const share = shares[i] as bigint;
        if (share === 0n || !input.approved(partnerId)) return;
        out.push(
          accrual(bonus, partnerId, share, value, [
            ...gate,
            `${pay.why}${n > 1 ? `, split between ${n} partners` : ''}`,
            ...(n > 1 ? [`your share: ${fmt(share)}`] : []),
          ]),
        );
      });
      continue;
    }
    for (const partnerId of c.partnerIds) {
      const own = m.partners.find((p) => p.partnerId === partnerId);
      if (!own || !input.approved(partnerId)) continue;
      const value = metricValue(bonus.metric, own);
      const pay = payOf(bonus, value, 'among the customers you touched in the window', c.currency);
      if (!pay) continue;
      out.push(accrual(bonus, partnerId, pay.amount, value, [...gate, pay.why]));
    }
  }
  return out;
}
