/** src/engine/tracking.ts LinkView. */
export interface TrackingLink {
  id: string;
  code: string;
  partner_id: string;
  /** The program's key. */
  program: string;
  destination: string;
  created_at: string;
  disabled_at: string | null;
  campaign_id?: string;
  /** Present when the server counts clicks per link. */
  clicks?: number;
}

/** src/engine/tracking.ts CodeView. */
export interface TrackingCode {
  code: string;
  kind: 'referral_code' | 'coupon';
  partner_id: string;
  /** The program's key. */
  program: string;
  created_at: string;
  disabled_at: string | null;
}
