import type { TouchKind } from './program-terms.js';

/** Evidence that a partner influenced a customer, resolved from a click or a code. */
export interface Touch {
  kind: TouchKind;
  programId: string;
  partnerId: string;
  at: number;
  /** The click id or the code. */
  ref: string;
  linkId?: string;
}

export interface ClickRecord {
  id: string;
  linkId: string;
  programId: string;
  partnerId: string;
  occurredAt: number;
  bot: boolean;
}

export interface CodeRecord {
  code: string;
  kind: 'referral_code' | 'coupon';
  programId: string;
  partnerId: string;
  createdAt: number;
  disabledAt: number | undefined;
}

/** Codes are matched case-insensitively; this is their one normal form. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}
