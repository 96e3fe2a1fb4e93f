import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Schema } from '../../src/store/schema.js';

const COUNTER = 'fuzz_changes';

/**
 * Notices every committed write to any table, cheaply enough to ask after
 * each request: triggers (installed by `watch`) count the writes per table in
 * a side table, inside the writing transaction, so a rolled-back write counts
 * nothing. Reading the counters is one query; only the tables whose counter
 * moved are then hashed (all their rows, sorted), so a write that stored what
 * was already there (an UPDATE to the same values) is not called a change.
 */
export class ChangeWatch {
  readonly tables: readonly string[];
  readonly #db: Kysely<Schema>;
  #counters = new Map<string, number>();
  readonly #hashes = new Map<string, string>();

  private constructor(db: Kysely<Schema>, tables: string[]) {
    this.#db = db;
    this.tables = tables;
  }

  /** Installs the counting triggers on every table of the database and takes the first reading. */
  static async watch(db: Kysely<Schema>, backend: 'sqlite' | 'postgres'): Promise<ChangeWatch> {
    const tables = (
      backend === 'sqlite'
        ? await sql<{ name: string }>`SELECT name FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(db)
        : await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(db)
    ).rows
      .map((r) => r.name)
      .filter((t) => t !== COUNTER && !t.startsWith('kysely_migration'))
      .sort();
    await sql`CREATE TABLE ${sql.table(COUNTER)} (tbl TEXT PRIMARY KEY, n INTEGER NOT NULL)`.execute(
      db,
    );
    if (backend === 'postgres')
      await sql`CREATE FUNCTION fuzz_count() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN UPDATE fuzz_changes SET n = n + 1 WHERE tbl = TG_TABLE_NAME; RETURN NULL; END $$`.execute(
        db,
      );
    for (const t of tables) {
      await sql`INSERT INTO ${sql.table(COUNTER)} (tbl, n) VALUES (${t}, 0)`.execute(db);
      if (backend === 'postgres') {
        // Per statement: one counter update for a bulk insert, and TRUNCATE is seen too.
        await sql`CREATE TRIGGER fuzz_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
          ON ${sql.table(t)} FOR EACH STATEMENT EXECUTE FUNCTION fuzz_count()`.execute(db);
        continue;
      }
      for (const op of ['INSERT', 'UPDATE', 'DELETE'])
        await sql`CREATE TRIGGER ${sql.raw(`fuzz_${op.toLowerCase()}_${t}`)} AFTER ${sql.raw(op)}
          ON ${sql.table(t)} BEGIN UPDATE ${sql.table(COUNTER)} SET n = n + 1
          WHERE tbl = ${sql.lit(t)}; END`.execute(db);
    }
    const w = new ChangeWatch(db, tables);
    w.#counters = await w.#readCounters();
    for (const t of tables) w.#hashes.set(t, await w.#hash(t));
    return w;
  }

  async #readCounters(): Promise<Map<string, number>> {
    const r = await sql<{ tbl: string; n: unknown }>`SELECT tbl, n FROM ${sql.table(
      COUNTER,
    )}`.execute(this.#db);
    return new Map(r.rows.map((x) => [x.tbl, Number(x.n)]));
  }

  async #hash(table: string): Promise<string> {
    const r = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(
      this.#db,
    );
    const rows = r.rows.map((row) =>
      JSON.stringify(row, (_k, v) =>
        typeof v === 'bigint'
          ? `${v}n`
          : v instanceof Uint8Array
            ? Buffer.from(v).toString('hex')
            : v instanceof Date
              ? v.toISOString()
              : v,
      ),
    );
    rows.sort();
    const h = createHash('sha1');
    for (const row of rows) h.update(row).update('\n');
    return `${rows.length}:${h.digest('hex')}`;
  }

  /**
   * The tables whose rows differ from the last reading (written and not
   * written back alike), and takes a new reading of them.
   */
  async changed(): Promise<string[]> {
    const counters = await this.#readCounters();
    const out: string[] = [];
    for (const [t, n] of counters) {
      if (this.#counters.get(t) === n) continue;
      const hash = await this.#hash(t);
      if (hash !== this.#hashes.get(t)) out.push(t);
      this.#hashes.set(t, hash);
    }
    this.#counters = counters;
    return out;
  }
}
