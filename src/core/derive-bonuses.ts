import type { DesiredAccrual } from './accrual.js';
import { type BonusPeriod, parsePeriodKey, reachedStep } from './bonuses.js';
import { amountMetrics, type MetricConversion, measure } from './metrics.js';
import { formatAmount } from './money.js';
import { type ProgramWithVersions, versionInForce } from './program-version.js';
import { addDays, toIso } from './time.js';

/** The derivation unit of one partner's bonuses for one period of a program. */
export const bonusUnit = (programId: string, partnerId: string, periodKey: string): string =>
  `pb:${programId}:${partnerId}:${periodKey}`;

export function parseBonusUnit(
  unit: string,
): { programId: string; partnerId: string; periodKey: string } | undefined {
  const [kind, programId, partnerId, periodKey] = unit.split(':');
  if (kind !== 'pb' || !programId || !partnerId || !periodKey) return undefined;
  return { programId, partnerId, periodKey };
}

/** The period kinds the program's bonuses use, in any version. */
export function bonusPeriodsOf(program: ProgramWithVersions): Set<BonusPeriod> {
  const out = new Set<BonusPeriod>();
  for (const v of program.versions) for (const b of v.terms.bonuses) out.add(b.period);
  return out;
}

/**
 * The bonuses one partner earned in one closed period: for each bonus of the
 * version in force at the period's last instant, the highest step its metric
 * reached over the partner's conversions in the period. Nothing before the
 * period has ended (the ledger never holds a bonus for a running period),
 * and nothing if the partner was not approved at its end. A pure function of
 * the conversions, so re-running the evaluation posts nothing new and a late
 * event that changes the count changes the bonus by the difference.
 */
export function deriveBonuses(input: {
  program: ProgramWithVersions;
  partnerId: string;
  periodKey: string;
  conversions: readonly MetricConversion[];
  approved: boolean;
  now: number;
}): DesiredAccrual[] {
  const period = parsePeriodKey(input.periodKey);
  if (!period || input.now < period.end || !input.approved) return [];
  const last = period.end - 1;
  const version = versionInForce(input.program.versions, last);
  if (!version) return [];
  const terms = version.terms;
  const out: DesiredAccrual[] = [];
  for (const bonus of terms.bonuses) {
    if (bonus.period !== period.period) continue;
    const value = measure(bonus.metric, input.conversions, {
      from: period.start,
      to: period.end,
      currency: terms.currency,
    });
    const step = reachedStep(bonus, value);
    if (!step) continue;
    const fmt = (v: bigint) =>
      amountMetrics.has(bonus.metric) ? formatAmount(v, terms.currency) : v.toString();
    const availableAt = addDays(period.end, terms.holdDays);
    const key = `bonus:${input.program.id}:${input.partnerId}:${bonus.id}:${input.periodKey}`;
    out.push({
      key,
      unit: bonusUnit(input.program.id, input.partnerId, input.periodKey),
      kind: 'accrual',
      programId: input.program.id,
      versionId: version.id,
      ruleId: bonus.id,
      partnerId: input.partnerId,
      customerId: '',
      eventId: '',
      amount: step.pays,
      currency: terms.currency,
      occurredAt: last,
      availableAt,
      trace: {
        program: { id: version.programId, version_id: version.id, version: version.number },
        rule: {
          id: bonus.id,
          ...(bonus.name ? { name: bonus.name } : {}),
          event: `${bonus.period}_close`,
          pays: 'flat',
        },
        event: {
          id: '',
          external_id: input.periodKey,
          type: 'period_close',
          occurred_at: toIso(last),
        },
        inputs: { metric: bonus.metric, value: fmt(value), target: fmt(step.atLeast) },
        steps: [
          `${bonus.metric.replace('_', ' ')} in ${input.periodKey}: ${fmt(value)} ≥ ${fmt(step.atLeast)} (step ${step.index + 1} of ${bonus.steps.length}) → ${formatAmount(step.pays, terms.currency)} ${terms.currency}`,
        ],
        hold_days: terms.holdDays,
        available_at: toIso(availableAt),
      },
    });
  }
  return out;
}
