// A type, not an interface: the router needs it assignable to Record<string, unknown>.
export type OverviewSearch = {
  range?: '7d' | '30d' | '90d' | 'custom';
  from?: string;
  to?: string;
};

const day = /^\d{4}-\d{2}-\d{2}$/;

/** The overview's date range in its URL (`?range=7d`, or `custom` with `from` and `to`). */
export function validateOverviewSearch(s: Record<string, unknown>): OverviewSearch {
  const range = ['7d', '30d', '90d', 'custom'].includes(String(s.range))
    ? (s.range as OverviewSearch['range'])
    : undefined;
  return {
    range,
    from: typeof s.from === 'string' && day.test(s.from) ? s.from : undefined,
    to: typeof s.to === 'string' && day.test(s.to) ? s.to : undefined,
  };
}
