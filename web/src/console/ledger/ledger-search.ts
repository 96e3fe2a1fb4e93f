// A type, not an interface: the router needs it assignable to Record<string, unknown>.
export type LedgerSearch = {
  partner?: string;
  program?: string;
  /** The account whose entries are shown. */
  account?: string;
  /** The transaction opened from one of them. */
  tx?: string;
};

const text = (v: unknown, max: number) =>
  typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined;

/** The ledger explorer's drill-down in its URL: linkable, and the back button steps back up. */
export function validateLedgerSearch(s: Record<string, unknown>): LedgerSearch {
  return {
    partner: text(s.partner, 100),
    program: text(s.program, 100),
    account: text(s.account, 400),
    tx: text(s.tx, 200),
  };
}
