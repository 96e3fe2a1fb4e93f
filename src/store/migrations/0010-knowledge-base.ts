import { type Kysely, sql } from 'kysely';
import { appendOnlyTriggers } from '../append-only-triggers.js';
import type { Dialect } from '../database.js';

/**
 * The knowledge base (issue 7): the operator's playbook pages, in Markdown.
 * - kb_pages: one row per page as it is now; `version` counts its saves, so
 *   an edit based on an older version is refused (optimistic concurrency).
 *   `audience` `partners` pages are read in the portal once published;
 *   `operators` pages are the internal playbook.
 * - kb_page_revisions: every saved state of a page (version 1 is its
 *   creation), with who saved it and an optional note; append-only.
 */
export function knowledgeBase(dialect: Dialect) {
  const pg = dialect === 'postgres';
  const BIG = pg ? 'BIGINT' : 'INTEGER';
  const FLAG = pg ? 'SMALLINT' : 'INTEGER';
  const page = `slug TEXT NOT NULL CHECK (slug <> ''), title TEXT NOT NULL, body TEXT NOT NULL,
      audience TEXT NOT NULL CHECK (audience IN ('partners', 'operators')),
      position INTEGER NOT NULL, published ${FLAG} NOT NULL CHECK (published IN (0, 1))`;
  const statements = [
    `CREATE TABLE kb_pages (
      id TEXT PRIMARY KEY, ${page}, version INTEGER NOT NULL CHECK (version >= 1),
      created_by TEXT NOT NULL, created_at ${BIG} NOT NULL,
      updated_by TEXT NOT NULL, updated_at ${BIG} NOT NULL,
      UNIQUE (slug))`,
    `CREATE INDEX kb_pages_order ON kb_pages (position, title)`,
    `CREATE TABLE kb_page_revisions (
      id TEXT PRIMARY KEY, page_id TEXT NOT NULL REFERENCES kb_pages(id),
      version INTEGER NOT NULL CHECK (version >= 1), ${page},
      note TEXT, actor TEXT NOT NULL, at ${BIG} NOT NULL,
      UNIQUE (page_id, version))`,
    ...appendOnlyTriggers(dialect, ['kb_page_revisions']),
  ];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const s of statements) await sql.raw(s).execute(db);
    },
  };
}
