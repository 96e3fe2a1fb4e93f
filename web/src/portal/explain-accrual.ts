import type { Accrual, AccrualTrace } from '../api/accruals';
import { formatMoney, isNegativeAmount } from '../ui/format';

/** Why one ledger line exists, in words a partner reads without the rulebook. */
export interface AccrualExplanation {
  /** "Reward", "Refund reversal", "Recalculation", "Bonus"… */
  label: string;
  /** The whole reason in one or two sentences, program and rule included. */
  sentence: string;
  /** "Marketplace referral program v2" (the program's id when its name is unknown). */
  program: string;
  /** The rule's name, else its id. */
  rule: string;
  /** The event it was earned on: "payment demo-payment-1". Empty for period bonuses. */
  event: string;
  /** Multipliers that applied: "tier Gold ×1.25", "accelerator Double bounty ×2". */
  boosts: string[];
  /** Key of the reward a reversal takes back (the line with this key is its origin). */
  reverses: string | null;
}

/** Names the trace refers to by id, from GET /v1/partners/:id/programs. */
export interface ProgramNames {
  [programId: string]: string;
}

const eventWords: Record<string, string> = {
  payment: 'payment',
  signup: 'signup',
  activation: 'activation',
  refund: 'refund',
  chargeback: 'chargeback',
  usage: 'usage',
  review: 'review',
  period_close: 'period',
  campaign_close: 'campaign',
};

const baseWords: Record<string, string> = { revenue: 'revenue', gross: 'gross sale' };

function words(code: string): string {
  return code.replace(/[_.-]+/g, ' ').trim();
}

function quote(s: string): string {
  return `“${s}”`;
}

/** "1/1" → "all", "1/2" → "half", else the fraction as is. */
function shareWords(share: string): string {
  const [num, den] = share.split('/').map(Number);
  if (num !== undefined && den !== undefined && num === den) return 'all';
  if (num !== undefined && den !== undefined && num * 2 === den) return 'half';
  return share;
}

/** Multipliers from the trace's steps ("tier Gold ×1.25", "accelerator X ×2"). */
function boostsOf(steps: string[]): string[] {
  return steps.filter((s) => /^(tier|accelerator|boost|campaign) .+ ×[\d.]+$/.test(s));
}

/** The "re-derived: A was posted, B is earned → C" step of a recalculation, if any. */
function rederived(steps: string[]): { posted: string; earned: string } | null {
  for (const s of steps) {
    const m = /^re-derived: (-?[\d.]+) was posted, (-?[\d.]+) is earned/.exec(s);
    if (m) return { posted: m[1] as string, earned: m[2] as string };
  }
  return null;
}

/** Whether a step limited the reward (a per-customer or monthly cap, a budget). */
function capStep(steps: string[]): string | undefined {
  return steps.find((s) => /\bcap\b|budget|prorat/i.test(s) && !/granted after/.test(s));
}

/**
 * The arithmetic of a reward, ending in `result`:
 * "20% of $35.85 revenue × 1.25 = $8.96" or "Flat $2.00 × 1.5 = $3.00".
 */
function arithmetic(trace: Partial<AccrualTrace>, currency: string, result: string): string {
  const inputs = trace.inputs ?? {};
  const money = (a: string) => formatMoney(a, currency);
  const multiplier =
    inputs.multiplier && inputs.multiplier !== '1' ? ` × ${inputs.multiplier}` : '';
  const base =
    inputs.revenue !== undefined ? 'revenue' : inputs.gross !== undefined ? 'gross' : null;
  if (trace.rule?.pays === 'percent' && base && inputs.percent !== undefined) {
    const amount = inputs[base] as string;
    return `${inputs.percent}% of ${money(amount)} ${baseWords[base]}${multiplier} = ${money(result)}`;
  }
  if (inputs.flat !== undefined) {
    return multiplier
      ? `flat ${money(inputs.flat)}${multiplier} = ${money(result)}`
      : `flat ${money(inputs.flat)}`;
  }
  return money(result);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Turns an accrual's rule trace into a plain-language reason, e.g.
 * "20% of $120.00 revenue on payment inv-7 = $24.00, under Marketplace
 * referral program v2, rule “20% of first-year take”." Handles rewards,
 * refund reversals, recalculations (adjustments), period and campaign
 * bonuses and integration milestones; anything else falls back to the
 * amount, the event and the rule. Never throws on a partial trace.
 */
export function explainAccrual(accrual: Accrual, programs: ProgramNames = {}): AccrualExplanation {
  const trace: Partial<AccrualTrace> = accrual.trace ?? {};
  const steps = Array.isArray(trace.steps) ? trace.steps : [];
  const inputs = trace.inputs ?? {};
  const currency = accrual.currency;
  const money = (a: string) => formatMoney(a, currency);
  const programName = programs[accrual.program_id] ?? accrual.program_id;
  const version = trace.program?.version;
  const program = version !== undefined ? `${programName} v${version}` : programName;
  const rule = trace.rule?.name ?? trace.rule?.id ?? accrual.rule_id;
  const eventType = trace.event?.type ?? '';
  const eventRef = trace.event?.external_id ?? '';
  const event = eventType ? `${eventWords[eventType] ?? words(eventType)} ${eventRef}`.trim() : '';
  const boosts = boostsOf(steps);
  const reverses = trace.reverses ?? null;
  const under = `under ${program}, rule ${quote(rule)}`;
  const share = trace.credit
    ? ` Your share of a conversion credited to ${trace.credit.partners} partners: ${trace.credit.your_percent}${trace.credit.why ? ` (${trace.credit.why})` : ''}.`
    : '';
  const negative = isNegativeAmount(accrual.amount);
  const abs = negative ? accrual.amount.slice(1) : accrual.amount;
  const redo = accrual.kind === 'adjustment' ? rederived(steps) : null;

  const result = (label: string, sentence: string): AccrualExplanation => ({
    label,
    sentence: `${sentence}${share}`,
    program,
    rule,
    event,
    boosts,
    reverses,
  });

  // A refund or chargeback takes back its share of what the payment earned.
  if (reverses || accrual.kind === 'reversal') {
    const refunded = inputs.refunded_share ? shareWords(inputs.refunded_share) : null;
    const original = inputs.original_accrual ? money(inputs.original_accrual) : 'the reward';
    const what = eventType ? `${eventWords[eventType] ?? words(eventType)} ${eventRef}`.trim() : '';
    const because = refunded
      ? `${capitalize(refunded)} of the payment was refunded${what ? ` (${what})` : ''}, so ${refunded === 'all' ? 'all' : refunded} of the ${original} it earned is taken back`
      : `The payment was refunded${what ? ` (${what})` : ''}, so its reward is taken back`;
    if (redo) {
      return result(
        'Reversal recalculated',
        `${because}. Recalculated: ${money(redo.posted)} was taken back before, ${money(redo.earned)} is due now, a change of ${money(accrual.amount)}, ${under}.`,
      );
    }
    return result('Refund reversal', `${because}: ${money(accrual.amount)}, ${under}.`);
  }

  if (eventType === 'period_close' && inputs.metric) {
    const sentence = `Bonus: ${words(inputs.metric)} in ${eventRef} reached ${inputs.value ?? '?'}${inputs.target ? ` (target ${inputs.target})` : ''}, which pays ${money(abs)}, ${under}.`;
    return result('Bonus', sentence);
  }

  if (eventType === 'campaign_close') {
    const sentence = `Campaign bonus for ${eventRef}${inputs.metric ? `: ${words(inputs.metric)} ${inputs.value ?? ''}`.trimEnd() : ''}, which pays ${money(abs)}, ${under}.`;
    return result('Campaign bonus', sentence);
  }

  if (inputs.milestone !== undefined) {
    const sentence = `Integration milestone ${quote(words(inputs.milestone))} completed${inputs.completed_by === 'review' ? ' (approved in review)' : ''}, which pays ${money(abs)}, ${under}.`;
    return result('Milestone reward', sentence);
  }

  const on = event ? ` on ${event}` : '';
  if (redo) {
    const why = boosts.length > 0 ? ` (${boosts.join(', ')} now applies)` : '';
    const sentence = `Recalculated${why}: ${money(redo.posted)} was recorded for this ${eventWords[eventType] ?? 'event'}, ${arithmetic(trace, currency, redo.earned)} is due now, so ${negative ? `${money(abs)} is taken back` : `${money(abs)} is added`}, ${under}.`;
    return result('Recalculation', sentence);
  }

  if (inputs.flat !== undefined || (trace.rule?.pays === 'percent' && inputs.percent)) {
    const math = capitalize(arithmetic(trace, currency, accrual.amount));
    const boostWords = boosts.length > 0 ? ` (${boosts.join(', ')})` : '';
    const cap = capStep(steps);
    const capped = cap ? ` Limited by a cap: ${cap}.` : '';
    // A flat reward without a multiplier states its amount once ("Flat $2.00").
    return result('Reward', `${math}${on}${boostWords}, ${under}.${capped}`);
  }

  return result(negative ? 'Deduction' : 'Reward', `${money(accrual.amount)}${on}, ${under}.`);
}

/** What a status means for the partner's money. */
export function statusWords(accrual: Pick<Accrual, 'status' | 'available_at'>): string {
  return accrual.status === 'available' ? 'Available' : 'Pending';
}
