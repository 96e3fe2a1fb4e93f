import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * People who sign in to the web app (issue 7).
 * - users: an operator (role owner, admin, finance, partner_manager,
 *   analyst) or a partner's person (role partner, with partner_id); the
 *   email is stored lower-cased and is unique; password optional (scrypt).
 * - sign_in_links: magic links by the hash of their token; single use
 *   (used_at is set by a conditional update), short-lived.
 * - sessions: the web app's cookie by the hash of its token.
 * - mail_outbox: mail Tandem sent; without SMTP configured the body is
 *   kept so the local outbox page can show it, with SMTP only the fact.
 */
export function users(dialect: Dialect) {
  const BIG = dialect === 'postgres' ? 'BIGINT' : 'INTEGER';
  const statements = [
    `CREATE TABLE users (
      id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'finance', 'partner_manager', 'analyst', 'partner')),
      partner_id TEXT REFERENCES partners(id), password_hash TEXT,
      created_at ${BIG} NOT NULL, updated_at ${BIG} NOT NULL, disabled_at ${BIG}, last_sign_in_at ${BIG},
      CHECK ((role = 'partner') = (partner_id IS NOT NULL)))`,
    `CREATE INDEX users_partner ON users (partner_id)`,
    `CREATE TABLE sign_in_links (
      token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
      created_at ${BIG} NOT NULL, expires_at ${BIG} NOT NULL, used_at ${BIG})`,
    `CREATE INDEX sign_in_links_user ON sign_in_links (user_id, created_at)`,
    `CREATE TABLE sessions (
      id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL REFERENCES users(id),
      created_at ${BIG} NOT NULL, expires_at ${BIG} NOT NULL, revoked_at ${BIG})`,
    `CREATE INDEX sessions_user ON sessions (user_id)`,
    `CREATE TABLE mail_outbox (
      id TEXT PRIMARY KEY, to_address TEXT NOT NULL, subject TEXT NOT NULL, body TEXT,
      delivery TEXT NOT NULL CHECK (delivery IN ('outbox', 'smtp', 'failed')), error TEXT,
      created_at ${BIG} NOT NULL)`,
    `CREATE INDEX mail_outbox_created ON mail_outbox (created_at)`,
  ];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const s of statements) await sql.raw(s).execute(db);
    },
  };
}
