/** src/core/accrual.ts AccrualTrace: why an accrual exists. */
export interface AccrualTrace {
  program: { id: string; version_id: string; version: number };
  rule: { id: string; name?: string; event: string; pays: 'flat' | 'percent' };
  event: { id: string; external_id: string; type: string; occurred_at: string };
  attribution?: {
    partner_id: string;
    touch_kind?: string;
    touch_ref?: string;
    attributed_at: string;
  };
  tier?: string;
  credit?: { split: string; partners: number; your_percent: string; why: string };
  inputs: Record<string, string>;
  steps: string[];
  hold_days: number;
  available_at: string;
  /** On a reversal: the key of the accrual it reverses. */
  reverses?: string;
}

/** src/engine/read-accruals.ts AccrualView: one ledger line of a partner's earnings. */
export interface Accrual {
  id: string;
  /** Names the reward across re-derivations: adjustments and reversals share or reference it. */
  key: string;
  kind: 'accrual' | 'reversal' | 'adjustment' | (string & {});
  partner_id: string;
  program_id: string;
  version_id: string;
  rule_id: string;
  customer_id: string;
  event_id: string;
  amount: string;
  amount_minor: string;
  currency: string;
  occurred_at: string;
  available_at: string;
  status: 'pending' | 'available';
  created_at: string;
  /** Null or partial for lines written before traces had every field. */
  trace: Partial<AccrualTrace> | null;
}
