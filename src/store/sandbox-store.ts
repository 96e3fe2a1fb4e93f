import { rm } from 'node:fs/promises';
import { sql } from 'kysely';
import { openStore, type Store } from './database.js';

/**
 * Where the sandbox (test mode) of a live store lives: the same kind of
 * database with the same schema, beside the live one.
 * - SQLite: `tandem.db` → `tandem.sandbox.db` (any other name gets `.sandbox`
 *   appended); an in-memory live store gets an in-memory sandbox.
 * - PostgreSQL: the schema `<live schema or "tandem">_sandbox` in the same
 *   database.
 */
export type SandboxLocation =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'postgres'; url: string; schema: string; poolSize: number };

const PG_IDENTIFIER = /^[a-z_][a-z0-9_]{0,54}$/;

export function sandboxLocation(live: Store): SandboxLocation {
  const opened = live.opened;
  if (live.dialect === 'postgres') {
    if (!opened?.url) throw new Error('the live store does not say how it was opened');
    const schema = `${live.schema ?? 'tandem'}_sandbox`;
    // search_path is set from this name unquoted: keep it a plain identifier.
    if (!PG_IDENTIFIER.test(schema))
      throw new Error(`cannot derive a sandbox schema name from "${live.schema}"`);
    return {
      dialect: 'postgres',
      url: opened.url,
      schema,
      // Test traffic is light: a smaller pool than live's.
      poolSize: Math.max(2, Math.ceil((opened.poolSize ?? 10) / 2)),
    };
  }
  const file = opened?.file ?? ':memory:';
  if (file === ':memory:' || file === '') return { dialect: 'sqlite', file: ':memory:' };
  return {
    dialect: 'sqlite',
    file: file.endsWith('.db') ? `${file.slice(0, -3)}.sandbox.db` : `${file}.sandbox`,
  };
}

/** Opens the sandbox store beside `live`, creating its PostgreSQL schema if missing (not migrated). */
export async function openSandboxStore(live: Store): Promise<Store> {
  const at = sandboxLocation(live);
  if (at.dialect === 'sqlite') return openStore({ file: at.file });
  try {
    await sql.raw(`CREATE SCHEMA IF NOT EXISTS "${at.schema}"`).execute(live.db);
  } catch (e) {
    // Two nodes creating it at once: one of them loses the race on the catalog.
    const code = (e as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw e;
  }
  return openStore({ url: at.url, schema: at.schema, poolSize: at.poolSize });
}

/**
 * Deletes the sandbox's data for good: its SQLite files, or its PostgreSQL
 * schema. The sandbox store must be closed first (an in-memory sandbox is
 * gone once closed).
 */
export async function dropSandboxStore(live: Store): Promise<void> {
  const at = sandboxLocation(live);
  if (at.dialect === 'postgres') {
    await sql.raw(`DROP SCHEMA IF EXISTS "${at.schema}" CASCADE`).execute(live.db);
    return;
  }
  if (at.file === ':memory:') return;
  for (const suffix of ['', '-wal', '-shm', '-journal'])
    await rm(at.file + suffix, { force: true });
}
