import type { Dialect } from './database.js';

/**
 * DDL that makes tables append-only: UPDATE and DELETE (and TRUNCATE on
 * PostgreSQL) are rejected by the database itself, whatever the caller.
 * The PostgreSQL function is (re)created idempotently so that every
 * migration can call this.
 */
export function appendOnlyTriggers(dialect: Dialect, tables: readonly string[]): string[] {
  const out: string[] = [];
  if (dialect === 'postgres') {
    out.push(`CREATE OR REPLACE FUNCTION tandem_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'tandem: % is append-only (% rejected)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation'; END $$`);
    for (const t of tables) {
      out.push(
        `CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION tandem_append_only()`,
        `CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION tandem_append_only()`,
      );
    }
  } else {
    for (const t of tables) {
      for (const op of ['UPDATE', 'DELETE']) {
        out.push(
          `CREATE TRIGGER ${t}_no_${op.toLowerCase()} BEFORE ${op} ON ${t}
           BEGIN SELECT RAISE(ABORT, 'tandem: ${t} is append-only (${op} rejected)'); END`,
        );
      }
    }
  }
  return out;
}
