export type PartnerStatus = 'applied' | 'approved' | 'rejected' | 'suspended' | 'banned';
export const partnerStatuses: readonly PartnerStatus[] = [
  'applied',
  'approved',
  'rejected',
  'suspended',
  'banned',
];
export type PartnerKind = 'referral' | 'integration' | 'co_marketing';

/** src/engine/partners.ts PartnerView. */
export interface Partner {
  id: string;
  name: string;
  email: string | null;
  kinds: PartnerKind[];
  status: PartnerStatus;
  status_reason: string | null;
  programs: string[];
  created_at: string;
  updated_at: string;
}

/** src/engine/read-customers.ts AttributionView (a partner sees its share, not others'). */
export interface Attribution {
  customer_id: string;
  program_id: string;
  partner_id: string;
  event_id: string;
  version_id: string;
  attributed_at: string;
  reason: unknown;
}

/** GET /v1/customers/{customerId}: how many events a customer has and who it is attributed to. */
export interface Customer {
  id: string;
  events: number;
  attributions: Attribution[];
}
