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
  /** A campaign touch, or a click on a campaign's tracking link. */
  campaignId?: string;
}

export interface ClickRecord {
  id: string;
  linkId: string;
  programId: string;
  partnerId: string;
  occurredAt: number;
  bot: boolean;
  /** Set when the click came through a campaign's tracking link. */
  campaignId?: string;
}

/** What attribution needs to know of a campaign whose touches a customer's events name. */
export interface CampaignRecord {
  id: string;
  code: string;
  programId: string;
  partnerIds: readonly string[];
  startsAt: number;
  endsAt: number;
  /** Approved or later, and neither rejected nor cancelled: its touches count. */
  running: boolean;
  holdoutBps: number;
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
