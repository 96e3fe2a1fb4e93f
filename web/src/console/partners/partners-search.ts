import { type PartnerStatus, partnerStatuses } from '../../api/partners';

// A type, not an interface: the router needs it assignable to Record<string, unknown>.
export type PartnersSearch = {
  q?: string;
  status?: PartnerStatus;
  after?: string;
};

/** The partner list's search, status filter and page cursor in its URL. */
export function validatePartnersSearch(s: Record<string, unknown>): PartnersSearch {
  return {
    q: typeof s.q === 'string' && s.q ? s.q.slice(0, 200) : undefined,
    status: partnerStatuses.includes(s.status as PartnerStatus)
      ? (s.status as PartnerStatus)
      : undefined,
    after: typeof s.after === 'string' && s.after ? s.after : undefined,
  };
}
