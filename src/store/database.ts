import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Schema } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** An open database: the query builder plus which dialect is behind it. */
export interface Store {
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  /** PostgreSQL schema in use, when not the default. */
  readonly schema?: string | undefined;
  /** How it was opened: a sibling store (the sandbox) is opened beside it from this. */
  readonly opened?: OpenStoreOptions;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** `postgres://…` for PostgreSQL; otherwise SQLite at `file`. */
  url?: string | undefined;
  /** SQLite file path, or `:memory:`. */
  file?: string | undefined;
  /** PostgreSQL only: a schema to use as search_path (tests isolate themselves this way). */
  schema?: string | undefined;
  poolSize?: number | undefined;
}

/** pg returns int8 as strings by default; money and counts are bigint here. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => BigInt(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  if (opts.url && /^postgres(ql)?:\/\//.test(opts.url)) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      types: pgTypes as never,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // An idle client that loses its server must not crash the process.
    pool.on('error', () => {});
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    await sql`select 1`.execute(db);
    return {
      db,
      dialect: 'postgres',
      schema: opts.schema,
      opened: { url: opts.url, schema: opts.schema, poolSize: opts.poolSize },
      close: () => db.destroy(),
    };
  }
  const file = opts.file ?? ':memory:';
  const sqlite = new BetterSqlite3(file);
  sqlite.defaultSafeIntegers(true);
  if (file !== ':memory:') sqlite.pragma('journal_mode = WAL');
  // Money is written here: FULL makes each commit durable across power loss.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', opened: { file }, close: () => db.destroy() };
}
