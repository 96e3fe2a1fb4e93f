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
  /**
   * A campaign touch that named no partner, given to a partner other than the
   * campaign's lead: it shares credit, but a single winner is the lead.
   */
  member?: boolean;
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
  /** Approved at some point (and not rejected): its touches count, from its window's start. */
  running: boolean;
  /** When it was cancelled, if it was: touches from then on do not count; earlier ones keep theirs. */
  cancelledAt?: number;
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
