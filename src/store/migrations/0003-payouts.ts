import { type Kysely, sql } from 'kysely';
import { appendOnlyTriggers } from '../append-only-triggers.js';
import type { Dialect } from '../database.js';

/**
 * Payouts (issue 4).
 * - Partner accounts move under their program (`program:P:partner:A:kind`),
 *   so each program pays under its own payout terms; balances posted under
 *   the old pooled names are re-addressed by one balanced transaction.
 * - payout_profiles: how a partner is paid (rail, details, currency, tax status).
 * - fx_rates: the rate table conversions at payout time read (exact decimals).
 * - payout_runs / payouts: a run claims balances into payouts; at most one
 *   live run per program and period (the partial unique index), at most one
 *   payout per partner and run.
 *   A payout keeps the rail details it was claimed with, so what is sent is
 *   what was approved even if the partner edits its profile meanwhile.
 * - payout_events: every state change and rail answer, append-only — the
 *   payout's history and the rail confirmations reconciliation ties out.
 */
export function payouts(dialect: Dialect) {
  const pg = dialect === 'postgres';
  const BIG = pg ? 'BIGINT' : 'INTEGER';
  const JSON_T = pg ? 'JSONB' : 'TEXT';
  const FLAG = pg ? 'SMALLINT' : 'INTEGER';
  const statements = [
    `ALTER TABLE hold_queue ADD COLUMN program_id TEXT`,
    `UPDATE hold_queue SET program_id = (SELECT a.program_id FROM accrual_lines a WHERE a.id = hold_queue.line_id)`,
    `CREATE TABLE payout_profiles (
      partner_id TEXT PRIMARY KEY REFERENCES partners(id), rail TEXT NOT NULL, details ${JSON_T} NOT NULL,
      currency TEXT, tax_form TEXT, tax_id_present ${FLAG} NOT NULL DEFAULT 0, tax_country TEXT,
      created_at ${BIG} NOT NULL, updated_at ${BIG} NOT NULL)`,
    `CREATE TABLE fx_rates (
      id TEXT PRIMARY KEY, base TEXT NOT NULL, quote TEXT NOT NULL, rate TEXT NOT NULL,
      as_of ${BIG} NOT NULL, source TEXT, created_at ${BIG} NOT NULL, UNIQUE (base, quote, as_of))`,
    `CREATE TABLE payout_runs (
      id TEXT PRIMARY KEY, program_id TEXT NOT NULL REFERENCES programs(id), period TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('claiming', 'pending', 'approved', 'sending', 'sent', 'settled', 'canceled')),
      version_id TEXT NOT NULL, requires_approval ${FLAG} NOT NULL, created_by TEXT NOT NULL,
      approved_by TEXT, created_at ${BIG} NOT NULL, updated_at ${BIG} NOT NULL, summary ${JSON_T} NOT NULL)`,
    `CREATE UNIQUE INDEX payout_runs_live_period ON payout_runs (program_id, period) WHERE status <> 'canceled'`,
    `CREATE TABLE payouts (
      id TEXT PRIMARY KEY, run_id TEXT NOT NULL REFERENCES payout_runs(id), program_id TEXT NOT NULL,
      partner_id TEXT NOT NULL REFERENCES partners(id),
      status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'sending', 'sent', 'settled', 'failed', 'canceled')),
      rail TEXT NOT NULL, rail_details ${JSON_T} NOT NULL, amount ${BIG} NOT NULL CHECK (amount > 0), currency TEXT NOT NULL,
      sources ${JSON_T} NOT NULL, claim_tx_id TEXT NOT NULL REFERENCES ledger_transactions(id),
      reference TEXT, failure_reason TEXT, attempts INTEGER NOT NULL DEFAULT 0,
      created_at ${BIG} NOT NULL, updated_at ${BIG} NOT NULL, UNIQUE (run_id, partner_id))`,
    `CREATE INDEX payouts_partner ON payouts (partner_id, created_at)`,
    `CREATE INDEX payouts_status ON payouts (status, run_id)`,
    `CREATE TABLE payout_skips (
      run_id TEXT NOT NULL REFERENCES payout_runs(id), partner_id TEXT NOT NULL, reason TEXT NOT NULL,
      detail TEXT, PRIMARY KEY (run_id, partner_id))`,
    `CREATE TABLE payout_events (
      id TEXT PRIMARY KEY, payout_id TEXT NOT NULL REFERENCES payouts(id), at ${BIG} NOT NULL,
      status TEXT NOT NULL, actor TEXT NOT NULL, data ${JSON_T} NOT NULL)`,
    `CREATE INDEX payout_events_payout ON payout_events (payout_id, at)`,
    `CREATE INDEX ledger_transactions_unit ON ledger_transactions (unit)`,
    ...appendOnlyTriggers(dialect, ['payout_events']),
  ];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const s of statements) await sql.raw(s).execute(db);
      await readdressPooledBalances(db);
    },
  };
}

/**
 * Before this migration partner accounts were pooled across programs
 * (`partner:A:pending|available`). Nothing but accruals and releases ever
 * posted to them, so each program's share is exactly the sum of its lines,
 * released or not; one transaction moves every pooled balance to its
 * program accounts and leaves the old accounts at zero.
 */
async function readdressPooledBalances(db: Kysely<unknown>): Promise<void> {
  const old = await sql<{ n: unknown }>`
    SELECT COUNT(*) AS n FROM ledger_entries WHERE account LIKE 'partner:%'`.execute(db);
  if (Number(old.rows[0]?.n ?? 0) === 0) return;
  const now = Date.now();
  await sql`INSERT INTO ledger_transactions (id, kind, unit, created_at, memo)
    VALUES ('ltx_migration_0003', 'adjustment', NULL, ${now}, 'partner accounts move under their program')`.execute(
    db,
  );
  // The old pooled balances, zeroed.
  await sql`INSERT INTO ledger_entries (tx_id, account, currency, amount, line_id, created_at)
    SELECT 'ltx_migration_0003', account, currency, -SUM(amount), NULL, ${now}
    FROM ledger_entries WHERE account LIKE 'partner:%'
    GROUP BY account, currency HAVING SUM(amount) <> 0`.execute(db);
  // The same money per program: released lines are available, the others pending.
  await sql`INSERT INTO ledger_entries (tx_id, account, currency, amount, line_id, created_at)
    SELECT 'ltx_migration_0003',
      'program:' || a.program_id || ':partner:' || a.partner_id ||
        CASE WHEN r.line_id IS NULL THEN ':pending' ELSE ':available' END,
      a.currency, SUM(a.amount), NULL, ${now}
    FROM accrual_lines a LEFT JOIN releases r ON r.line_id = a.id
    GROUP BY a.program_id, a.partner_id, a.currency, r.line_id IS NULL HAVING SUM(a.amount) <> 0`.execute(
    db,
  );
}
