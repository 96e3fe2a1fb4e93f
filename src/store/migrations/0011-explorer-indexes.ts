import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Indexes of the console's explorers (issue 7): what an event produced
 * (its accrual lines) and an account's entries newest first, both without
 * scanning the ledger.
 */
export function explorerIndexes(_dialect: Dialect) {
  const statements = [
    `CREATE INDEX accrual_lines_event ON accrual_lines (event_id)`,
    `CREATE INDEX accrual_lines_tx ON accrual_lines (tx_id)`,
    `CREATE INDEX ledger_entries_account_id ON ledger_entries (account, id)`,
  ];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const s of statements) await sql.raw(s).execute(db);
    },
  };
}
