import type { Currency } from './currency.js';

/** Why an accrual exists, in enough detail that a partner or auditor can recompute it. */
export interface AccrualTrace {
  program: { id: string; version_id: string; version: number };
  rule: { id: string; name?: string; event: string; pays: 'flat' | 'percent' };
  event: { id: string; external_id: string; type: string; occurred_at: string };
  /** The winning touch is absent from the trace of a partner who only shares the conversion. */
  attribution?: {
    partner_id: string;
    touch_kind?: string;
    touch_ref?: string;
    attributed_at: string;
  };
  /** The partner's tier when the event happened, if the program has tiers. */
  tier?: string;
  /** When several partners share the conversion: this partner's share and why (no other partner named). */
  credit?: { split: string; partners: number; your_percent: string; why: string };
  inputs: Record<string, string>;
  steps: string[];
  hold_days: number;
  available_at: string;
  reverses?: string;
}

/**
 * One reward the events earn, as derivation wants the ledger to hold it.
 * `key` names it across re-derivations (event, program, rule); `unit` is the
 * derivation unit whose posted lines it is compared with.
 */
export interface DesiredAccrual {
  key: string;
  /** Tie-break among accruals at the same instant: the sender's event key and the rule, not arrival order. */
  order?: string;
  unit: string;
  kind: 'accrual' | 'reversal';
  programId: string;
  versionId: string;
  ruleId: string;
  partnerId: string;
  customerId: string;
  eventId: string;
  amount: bigint;
  currency: Currency;
  occurredAt: number;
  availableAt: number;
  trace: AccrualTrace;
  /** Set when a monthly partner cap applies: the cap, in `currency`. */
  partnerCap?: bigint;
  /** Set when the version has a monthly budget: it is granted in the program-month unit. */
  budget?: { monthly: bigint; policy: 'stop' | 'prorate' | 'alert' };
  /** A partner's part of a shared conversion's reward: that partner (keys of its reversals name it too). */
  split?: string;
  /** Reversals: key of the reversed accrual and the cumulative share refunded so far. */
  reverses?: string;
  share?: { num: bigint; den: bigint };
}

export const customerUnit = (customerId: string): string => `c:${customerId}`;
export const partnerMonthUnit = (programId: string, partnerId: string, month: string): string =>
  `pm:${programId}:${partnerId}:${month}`;
/** A campaign: its target bonuses, evaluated once its window has closed. */
export const campaignUnit = (campaignId: string): string => `cm:${campaignId}`;
/** A program's month under a budget or margin guard: every partner's accruals of that month. */
export const budgetMonthUnit = (programId: string, month: string): string =>
  `bm:${programId}:${month}`;

/** Two accruals are "the same" in the ledger when all of these agree; the amount may differ. */
export function accrualIdentity(a: {
  key: string;
  partnerId: string;
  currency: string;
  availableAt: number;
}): string {
  return `${a.key}|${a.partnerId}|${a.currency}|${a.availableAt}`;
}
