import { type Kysely, sql } from 'kysely';
import { appendOnlyTriggers } from '../append-only-triggers.js';
import type { Dialect } from '../database.js';

/**
 * Tiers, performance-bonus periods, budgets and the outbox (issue 3).
 * - partner_tiers: each partner's current tier state per program (hysteresis
 *   needs `below_since`); partner_tier_history: every change, append-only,
 *   read by derivation like partner status history.
 * - closed_periods: bonus periods the close job has opened for evaluation.
 * - outbox_events: webhook-ready events (tier changes, budget and margin
 *   alerts); `dedupe_key` makes an alert fire once however often it is derived.
 */
export function programGrowth(dialect: Dialect) {
  const pg = dialect === 'postgres';
  const BIG = pg ? 'BIGINT' : 'INTEGER';
  const JSON_T = pg ? 'JSONB' : 'TEXT';
  const statements = [
    `CREATE TABLE partner_tiers (
      program_id TEXT NOT NULL REFERENCES programs(id), partner_id TEXT NOT NULL REFERENCES partners(id),
      tier TEXT, since ${BIG} NOT NULL, below_since ${BIG}, evaluated_at ${BIG} NOT NULL,
      version_id TEXT NOT NULL, metrics ${JSON_T} NOT NULL, PRIMARY KEY (program_id, partner_id))`,
    `CREATE TABLE partner_tier_history (
      id TEXT PRIMARY KEY, program_id TEXT NOT NULL REFERENCES programs(id),
      partner_id TEXT NOT NULL REFERENCES partners(id), tier TEXT, previous TEXT, at ${BIG} NOT NULL,
      reason TEXT NOT NULL, version_id TEXT NOT NULL, metrics ${JSON_T} NOT NULL)`,
    `CREATE INDEX partner_tier_history_partner ON partner_tier_history (partner_id, program_id, at)`,
    `CREATE TABLE closed_periods (
      program_id TEXT NOT NULL REFERENCES programs(id), period TEXT NOT NULL, closed_at ${BIG} NOT NULL,
      PRIMARY KEY (program_id, period))`,
    `CREATE TABLE outbox_events (
      id TEXT PRIMARY KEY, type TEXT NOT NULL, subject TEXT NOT NULL, dedupe_key TEXT UNIQUE,
      payload ${JSON_T} NOT NULL, created_at ${BIG} NOT NULL)`,
    `CREATE INDEX outbox_events_subject ON outbox_events (subject, id)`,
    ...appendOnlyTriggers(dialect, ['partner_tier_history']),
  ];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const s of statements) await sql.raw(s).execute(db);
    },
  };
}
