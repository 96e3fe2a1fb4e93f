/**
 * The console's explorers (src/server/routes/explorer.ts): events with what
 * each produced, ledger accounts → entries → transactions, and a partner's
 * status and tier history. Amounts are decimal strings with their currency.
 */

export const eventTypes = [
  'signup',
  'activation',
  'payment',
  'refund',
  'chargeback',
  'campaign.touch',
  'integration.milestone',
  'usage',
  'integration.quality',
] as const;
export type EventType = (typeof eventTypes)[number];

/** One stored event (src/engine/read-events.ts EventView). */
export interface ExplorerEvent {
  id: string;
  type: string;
  occurred_at: string;
  received_at: string;
  customer_id: string;
  source: string;
  /** The event as it was sent. */
  body: unknown;
  produced: {
    conversions: { program_id: string; partner_id: string; type: string }[];
    accruals: {
      id: string;
      kind: string;
      partner_id: string;
      program_id: string;
      rule_id: string;
      amount: string;
      currency: string;
    }[];
  };
}

/** A partner account's balance (src/engine/read-ledger.ts listLedgerAccounts). */
export interface LedgerAccount {
  account: string;
  program_id: string;
  partner_id: string;
  /** pending, available, processing, paid or credits. */
  kind: string;
  amount: string;
  amount_minor: string;
  currency: string;
}

/** One entry of an account, with its transaction's kind and memo. */
export interface LedgerEntry {
  id: number;
  transaction_id: string;
  kind: string;
  unit: string;
  memo: string | null;
  line_id: string | null;
  created_at: string;
  amount: string;
  amount_minor: string;
  currency: string;
}

export interface LedgerEntriesPage {
  account: string;
  data: LedgerEntry[];
  next_cursor: string | null;
}

/** One transaction: entries balanced per currency, and the accrual lines it posted. */
export interface LedgerTransaction {
  id: string;
  kind: string;
  unit: string;
  memo: string | null;
  created_at: string;
  entries: {
    id: number;
    account: string;
    line_id: string | null;
    amount: string;
    amount_minor: string;
    currency: string;
  }[];
  lines: {
    id: string;
    kind: string;
    partner_id: string;
    rule_id: string;
    event_id: string;
    customer_id: string;
    amount: string;
    amount_minor: string;
    currency: string;
  }[];
}

/** A partner's history, newest first (src/engine/read-partner-history.ts). */
export interface PartnerHistory {
  partner_id: string;
  statuses: { status: string; at: string; reason: string | null }[];
  tiers: {
    program: string;
    tier: string | null;
    previous: string | null;
    at: string;
    reason: string | null;
    version_id: string | null;
    metrics: unknown;
  }[];
}
