import { type EventType, eventTypes } from '../../api/explorer';

// A type, not an interface: the router needs it assignable to Record<string, unknown>.
export type EventsSearch = {
  customer?: string;
  partner?: string;
  type?: EventType;
  /** First and last calendar day (YYYY-MM-DD, the viewer's time zone), both included. */
  from?: string;
  to?: string;
};

const day = /^\d{4}-\d{2}-\d{2}$/;
const text = (v: unknown, max: number) =>
  typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined;

/** The events explorer's filters in its URL, so a filtered list can be linked. */
export function validateEventsSearch(s: Record<string, unknown>): EventsSearch {
  return {
    customer: text(s.customer, 200),
    partner: text(s.partner, 100),
    type: eventTypes.includes(s.type as EventType) ? (s.type as EventType) : undefined,
    from: typeof s.from === 'string' && day.test(s.from) ? s.from : undefined,
    to: typeof s.to === 'string' && day.test(s.to) ? s.to : undefined,
  };
}

/** The start of a local calendar day as an instant; `after` moves to the next day. */
export function dayStart(date: string, after = false): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + (after ? 1 : 0)).toISOString();
}
