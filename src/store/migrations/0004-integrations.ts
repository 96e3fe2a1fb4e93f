import { type Kysely, sql } from 'kysely';
import { appendOnlyTriggers } from '../append-only-triggers.js';
import type { Dialect } from '../database.js';

/**
 * Integrations (issue 5).
 * - integrations: a partner's app or connector in one program.
 * - integration_completions: each time a milestone was completed (by an
 *   event or an approved review), append-only. The first completion is the
 *   one grants and order checks read; later ones renew (re-certification).
 * - integration_submissions: evidence a partner submits for review, and the
 *   reviewer's decision with comments.
 * - credit_redemptions: support credits spent through the API, each with its
 *   ledger transaction.
 * - events.integration_id: integration events (milestones, usage, quality)
 *   name their integration; derivation reads them per integration and month.
 */
export function integrations(dialect: Dialect) {
  const pg = dialect === 'postgres';
  const BIG = pg ? 'BIGINT' : 'INTEGER';
  const JSON_T = pg ? 'JSONB' : 'TEXT';
  const statements = [
    `CREATE TABLE integrations (
      id TEXT PRIMARY KEY, partner_id TEXT NOT NULL REFERENCES partners(id),
      program_id TEXT NOT NULL REFERENCES programs(id), name TEXT NOT NULL, category TEXT,
      listing_url TEXT, status TEXT NOT NULL CHECK (status IN ('active', 'archived')),
      created_at ${BIG} NOT NULL, updated_at ${BIG} NOT NULL)`,
    `CREATE INDEX integrations_partner ON integrations (partner_id, created_at)`,
    `CREATE TABLE integration_completions (
      id TEXT PRIMARY KEY, integration_id TEXT NOT NULL REFERENCES integrations(id),
      milestone TEXT NOT NULL, completed_at ${BIG} NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('event', 'review')), ref TEXT NOT NULL,
      created_at ${BIG} NOT NULL, UNIQUE (integration_id, milestone, ref))`,
    `CREATE INDEX integration_completions_integration ON integration_completions (integration_id, milestone, completed_at)`,
    `CREATE TABLE integration_submissions (
      id TEXT PRIMARY KEY, integration_id TEXT NOT NULL REFERENCES integrations(id),
      milestone TEXT NOT NULL, evidence ${JSON_T} NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
      submitted_by TEXT NOT NULL, submitted_at ${BIG} NOT NULL,
      reviewed_by TEXT, reviewed_at ${BIG}, comment TEXT)`,
    `CREATE INDEX integration_submissions_integration ON integration_submissions (integration_id, submitted_at)`,
    `CREATE INDEX integration_submissions_status ON integration_submissions (status, submitted_at)`,
    `CREATE UNIQUE INDEX integration_submissions_one_pending ON integration_submissions (integration_id, milestone) WHERE status = 'pending'`,
    `CREATE TABLE credit_redemptions (
      id TEXT PRIMARY KEY, partner_id TEXT NOT NULL REFERENCES partners(id), program_id TEXT NOT NULL,
      asset TEXT NOT NULL, amount ${BIG} NOT NULL CHECK (amount > 0), reference TEXT,
      memo TEXT, tx_id TEXT NOT NULL REFERENCES ledger_transactions(id), actor TEXT NOT NULL,
      created_at ${BIG} NOT NULL)`,
    `CREATE INDEX credit_redemptions_partner ON credit_redemptions (partner_id, created_at)`,
    ...eventsWithIntegrations(dialect, BIG, JSON_T),
    `CREATE INDEX events_integration ON events (integration_id, occurred_at)`,
    ...appendOnlyTriggers(dialect, ['integration_completions', 'credit_redemptions']),
  ];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const run = async (d: Kysely<unknown>) => {
        for (const s of statements) await sql.raw(s).execute(d);
      };
      // Kysely runs SQLite migrations outside a transaction; the events
      // table is rebuilt here, so all of it must happen or none of it.
      if (dialect === 'sqlite') await db.transaction().execute(run);
      else await run(db);
    },
  };
}

const TYPES = `'signup', 'activation', 'payment', 'refund', 'chargeback', 'integration.milestone', 'usage', 'integration.quality'`;
const CUSTOMER_TYPES = `'signup', 'activation', 'payment', 'refund', 'chargeback'`;

/**
 * Events gain the integration types and the integration they name; exactly
 * the integration types name one. PostgreSQL alters its constraints in
 * place; SQLite cannot alter a CHECK, so the table is rebuilt (same rows,
 * same indexes) in one transaction with the rest of the migration.
 */
function eventsWithIntegrations(dialect: Dialect, BIG: string, JSON_T: string): string[] {
  const integrationCheck = `CHECK ((integration_id IS NULL) = (type IN (${CUSTOMER_TYPES})))`;
  if (dialect === 'postgres')
    return [
      `ALTER TABLE events ADD COLUMN integration_id TEXT`,
      `ALTER TABLE events DROP CONSTRAINT events_type_check`,
      `ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN (${TYPES}))`,
      `ALTER TABLE events ADD CONSTRAINT events_integration_check ${integrationCheck}`,
    ];
  const columns =
    'id, source, external_id, type, occurred_at, received_at, customer_id, click_id, referral_code, coupon, currency, gross, revenue, payment_id, body, content_hash';
  return [
    `CREATE TABLE events_v4 (
      id TEXT PRIMARY KEY, source TEXT NOT NULL, external_id TEXT NOT NULL,
      type TEXT NOT NULL CHECK (type IN (${TYPES})),
      occurred_at ${BIG} NOT NULL, received_at ${BIG} NOT NULL, customer_id TEXT NOT NULL,
      click_id TEXT, referral_code TEXT, coupon TEXT, currency TEXT,
      gross ${BIG} CHECK (gross >= 0), revenue ${BIG} CHECK (revenue >= 0), payment_id TEXT,
      body ${JSON_T} NOT NULL, content_hash TEXT NOT NULL, integration_id TEXT,
      UNIQUE (source, external_id), ${integrationCheck})`,
    `INSERT INTO events_v4 (${columns}) SELECT ${columns} FROM events`,
    `DROP TABLE events`,
    `ALTER TABLE events_v4 RENAME TO events`,
    `CREATE INDEX events_customer ON events (customer_id)`,
    `CREATE INDEX events_click ON events (click_id)`,
    `CREATE INDEX events_referral_code ON events (referral_code)`,
    `CREATE INDEX events_coupon ON events (coupon)`,
    `CREATE INDEX events_time ON events (occurred_at)`,
  ];
}
