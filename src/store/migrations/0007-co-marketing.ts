import { type Kysely, sql } from 'kysely';
import { appendOnlyTriggers } from '../append-only-triggers.js';
import type { Dialect } from '../database.js';

/**
 * Co-marketing (issue 6).
 * - campaigns: a co-marketing effort in one program, with its code (for
 *   `campaign.touch` events and UTM), window, channels, targets, holdout
 *   share, target bonuses and status; campaign_partners: who runs it.
 * - campaign_status_history: every status change, append-only.
 * - campaign_reports: a report (or case study) published to the partner
 *   network, frozen at publication; append-only.
 * - mdf_pools / mdf_requests: market development funds per quarter (per
 *   program, tier or partner) and each request's way from request to
 *   reimbursement; a reimbursement's ledger transaction is unique.
 * - attribution_shares: when several partners share a customer's credit,
 *   each one's share and why (a read model of derivation, like attributions).
 * - calendar_feeds: private iCalendar subscription tokens (hashed), one
 *   live per partner and one for the operator (partner_id NULL).
 * - events.campaign_id: campaign touches name their campaign;
 *   links.campaign_id: a campaign's tracking links.
 */
export function coMarketing(dialect: Dialect) {
  const pg = dialect === 'postgres';
  const BIG = pg ? 'BIGINT' : 'INTEGER';
  const JSON_T = pg ? 'JSONB' : 'TEXT';
  const statements = [
    `CREATE TABLE campaigns (
      id TEXT PRIMARY KEY, program_id TEXT NOT NULL REFERENCES programs(id), code TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL, goal TEXT, channels ${JSON_T} NOT NULL, audience TEXT, segment TEXT,
      starts_at ${BIG} NOT NULL, ends_at ${BIG} NOT NULL, assets ${JSON_T} NOT NULL,
      expected_lift_bps INTEGER, targets ${JSON_T} NOT NULL,
      holdout_bps INTEGER NOT NULL CHECK (holdout_bps >= 0 AND holdout_bps <= 5000),
      bonuses ${JSON_T} NOT NULL, currency TEXT NOT NULL, cost ${BIG} NOT NULL CHECK (cost >= 0),
      status TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'live', 'completed', 'reported', 'rejected', 'cancelled')),
      proposed_by TEXT NOT NULL, created_at ${BIG} NOT NULL, updated_at ${BIG} NOT NULL,
      CHECK (ends_at > starts_at))`,
    `CREATE INDEX campaigns_program ON campaigns (program_id, starts_at)`,
    `CREATE INDEX campaigns_window ON campaigns (starts_at, ends_at)`,
    `CREATE TABLE campaign_partners (
      campaign_id TEXT NOT NULL REFERENCES campaigns(id), partner_id TEXT NOT NULL REFERENCES partners(id),
      role TEXT NOT NULL CHECK (role IN ('lead', 'member')), added_at ${BIG} NOT NULL,
      PRIMARY KEY (campaign_id, partner_id))`,
    `CREATE INDEX campaign_partners_partner ON campaign_partners (partner_id)`,
    `CREATE TABLE campaign_status_history (
      id TEXT PRIMARY KEY, campaign_id TEXT NOT NULL REFERENCES campaigns(id), status TEXT NOT NULL,
      at ${BIG} NOT NULL, actor TEXT NOT NULL, note TEXT)`,
    `CREATE INDEX campaign_status_history_campaign ON campaign_status_history (campaign_id, at)`,
    `CREATE TABLE campaign_reports (
      id TEXT PRIMARY KEY, campaign_id TEXT NOT NULL REFERENCES campaigns(id), title TEXT NOT NULL,
      body TEXT NOT NULL, snapshot ${JSON_T} NOT NULL, published_by TEXT NOT NULL,
      published_at ${BIG} NOT NULL)`,
    `CREATE INDEX campaign_reports_time ON campaign_reports (published_at)`,
    `CREATE TABLE mdf_pools (
      id TEXT PRIMARY KEY, program_id TEXT NOT NULL REFERENCES programs(id), quarter TEXT NOT NULL,
      scope TEXT NOT NULL CHECK (scope IN ('program', 'tier', 'partner')), tier_id TEXT,
      partner_id TEXT REFERENCES partners(id), scope_key TEXT NOT NULL, currency TEXT NOT NULL,
      amount ${BIG} NOT NULL CHECK (amount > 0), created_by TEXT NOT NULL,
      created_at ${BIG} NOT NULL, updated_at ${BIG} NOT NULL,
      UNIQUE (program_id, quarter, scope_key))`,
    `CREATE TABLE mdf_requests (
      id TEXT PRIMARY KEY, pool_id TEXT NOT NULL REFERENCES mdf_pools(id),
      campaign_id TEXT NOT NULL REFERENCES campaigns(id), partner_id TEXT NOT NULL REFERENCES partners(id),
      currency TEXT NOT NULL, requested ${BIG} NOT NULL CHECK (requested > 0),
      approved ${BIG} CHECK (approved > 0), claimed ${BIG} CHECK (claimed > 0),
      reimbursed ${BIG} CHECK (reimbursed > 0),
      status TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'claimed', 'reimbursed', 'claim_rejected', 'expired', 'withdrawn')),
      description TEXT NOT NULL, claim_deadline ${BIG}, proof ${JSON_T}, tx_id TEXT UNIQUE REFERENCES ledger_transactions(id),
      requested_by TEXT NOT NULL, decided_by TEXT, decided_at ${BIG}, decision_note TEXT,
      claimed_at ${BIG}, claim_decided_by TEXT, claim_decided_at ${BIG}, claim_note TEXT,
      created_at ${BIG} NOT NULL, updated_at ${BIG} NOT NULL,
      CHECK (approved IS NULL OR approved <= requested), CHECK (claimed IS NULL OR claimed <= approved),
      CHECK (reimbursed IS NULL OR reimbursed <= claimed))`,
    `CREATE INDEX mdf_requests_pool ON mdf_requests (pool_id, status)`,
    `CREATE INDEX mdf_requests_partner ON mdf_requests (partner_id, created_at)`,
    `CREATE INDEX mdf_requests_campaign ON mdf_requests (campaign_id)`,
    `CREATE INDEX mdf_requests_deadline ON mdf_requests (status, claim_deadline)`,
    `CREATE TABLE calendar_feeds (
      id TEXT PRIMARY KEY, partner_id TEXT REFERENCES partners(id), token_hash TEXT NOT NULL UNIQUE,
      created_by TEXT NOT NULL, created_at ${BIG} NOT NULL, revoked_at ${BIG})`,
    `CREATE INDEX calendar_feeds_partner ON calendar_feeds (partner_id)`,
    `CREATE TABLE attribution_shares (
      program_id TEXT NOT NULL, customer_id TEXT NOT NULL, partner_id TEXT NOT NULL,
      percent_bps INTEGER NOT NULL, why TEXT NOT NULL, PRIMARY KEY (program_id, customer_id, partner_id))`,
    `CREATE INDEX attribution_shares_partner ON attribution_shares (partner_id)`,
    `CREATE INDEX attribution_shares_customer ON attribution_shares (customer_id)`,
    `ALTER TABLE links ADD COLUMN campaign_id TEXT REFERENCES campaigns(id)`,
    ...eventsWithCampaigns(dialect, BIG, JSON_T),
    `CREATE INDEX events_campaign ON events (campaign_id, occurred_at)`,
    ...appendOnlyTriggers(dialect, ['campaign_status_history', 'campaign_reports']),
  ];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const run = async (d: Kysely<unknown>) => {
        for (const s of statements) await sql.raw(s).execute(d);
      };
      // As in 0004: the events table is rebuilt on SQLite, all or nothing.
      if (dialect === 'sqlite') await db.transaction().execute(run);
      else await run(db);
    },
  };
}

const TYPES = `'signup', 'activation', 'payment', 'refund', 'chargeback', 'campaign.touch', 'integration.milestone', 'usage', 'integration.quality'`;
const CUSTOMER_TYPES = `'signup', 'activation', 'payment', 'refund', 'chargeback', 'campaign.touch'`;

/**
 * Events gain `campaign.touch` (a customer event) and the campaign it names;
 * exactly campaign touches name one. PostgreSQL alters its constraints in
 * place; SQLite rebuilds the table (same rows, same indexes).
 */
function eventsWithCampaigns(dialect: Dialect, BIG: string, JSON_T: string): string[] {
  const integrationCheck = `CHECK ((integration_id IS NULL) = (type IN (${CUSTOMER_TYPES})))`;
  const campaignCheck = `CHECK ((campaign_id IS NULL) = (type <> 'campaign.touch'))`;
  if (dialect === 'postgres')
    return [
      `ALTER TABLE events ADD COLUMN campaign_id TEXT`,
      `ALTER TABLE events DROP CONSTRAINT events_type_check`,
      `ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN (${TYPES}))`,
      `ALTER TABLE events DROP CONSTRAINT events_integration_check`,
      `ALTER TABLE events ADD CONSTRAINT events_integration_check ${integrationCheck}`,
      `ALTER TABLE events ADD CONSTRAINT events_campaign_check ${campaignCheck}`,
    ];
  const columns =
    'id, source, external_id, type, occurred_at, received_at, customer_id, click_id, referral_code, coupon, currency, gross, revenue, payment_id, body, content_hash, integration_id';
  return [
    `CREATE TABLE events_v7 (
      id TEXT PRIMARY KEY, source TEXT NOT NULL, external_id TEXT NOT NULL,
      type TEXT NOT NULL CHECK (type IN (${TYPES})),
      occurred_at ${BIG} NOT NULL, received_at ${BIG} NOT NULL, customer_id TEXT NOT NULL,
      click_id TEXT, referral_code TEXT, coupon TEXT, currency TEXT,
      gross ${BIG} CHECK (gross >= 0), revenue ${BIG} CHECK (revenue >= 0), payment_id TEXT,
      body ${JSON_T} NOT NULL, content_hash TEXT NOT NULL, integration_id TEXT, campaign_id TEXT,
      UNIQUE (source, external_id), ${integrationCheck}, ${campaignCheck})`,
    `INSERT INTO events_v7 (${columns}) SELECT ${columns} FROM events`,
    `DROP TABLE events`,
    `ALTER TABLE events_v7 RENAME TO events`,
    `CREATE INDEX events_customer ON events (customer_id)`,
    `CREATE INDEX events_click ON events (click_id)`,
    `CREATE INDEX events_referral_code ON events (referral_code)`,
    `CREATE INDEX events_coupon ON events (coupon)`,
    `CREATE INDEX events_time ON events (occurred_at)`,
    `CREATE INDEX events_integration ON events (integration_id, occurred_at)`,
  ];
}
