/** src/engine/read-balances.ts BalanceView: a partner's money in one currency, by stage. */
export interface Balance {
  currency: string;
  pending: string;
  available: string;
  /** Claimed by payouts that are not settled yet. */
  processing: string;
  paid: string;
  /** Money owed back after a refund, carried against future earnings (positive). */
  negative: string;
}

export interface ProgramBalance extends Balance {
  program_id: string;
}

/** GET /v1/partners/{id}/balances: per currency, and per program and currency. */
export interface Balances {
  partner_id: string;
  balances: Balance[];
  programs: ProgramBalance[];
}
