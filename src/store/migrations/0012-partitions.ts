import { type Kysely, sql } from 'kysely';
import { boundAt, monthPartitions, monthStart, PARTITIONED_TABLES } from '../../core/partitions.js';
import { appendOnlyTriggers } from '../append-only-triggers.js';
import type { Dialect } from '../database.js';

/**
 * PostgreSQL: events, clicks and ledger entries become tables partitioned by
 * month (see src/core/partitions.ts for the keys), with a `_history`
 * partition for the rows already stored, this month and the next three, and
 * a `_default` partition. The worker creates later months ahead of time
 * (src/engine/ensure-partitions.ts).
 *
 * A unique index of a partitioned table must contain the partition key, so
 * events can no longer carry UNIQUE (source, external_id): idempotency moves
 * to `event_keys`, a narrow table that ingestion inserts into first.
 *
 * Each table is rebuilt: renamed, recreated partitioned, refilled with
 * INSERT … SELECT, which routes every row to its partition, and its indexes
 * and triggers recreated. On a large installation this copies the three
 * tables once. The id keeps the database's collation: every column that
 * holds an event or click id is compared with it, and a column in another
 * collation could not use their indexes (a join on "C" against "default"
 * scans). C, C.UTF-8 and the glibc and ICU collations without numeric
 * ordering all sort typeids (lowercase letters and digits after one prefix)
 * in byte order, which is time order.
 *
 * SQLite keeps its tables: it has no partitions, and its unique index on
 * events stays the idempotency key.
 */
export function partitions(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      const run = (s: string) => sql.raw(s).execute(db);
      // Storage time, not the domain clock: typeids are made from the wall clock.
      const now = Date.now();

      await run(`CREATE TABLE event_keys (
        source TEXT NOT NULL, external_id TEXT NOT NULL, event_id TEXT NOT NULL,
        content_hash TEXT NOT NULL, PRIMARY KEY (source, external_id))`);
      await run(`INSERT INTO event_keys (source, external_id, event_id, content_hash)
        SELECT source, external_id, id, content_hash FROM events`);

      const ledgerPartitions: string[] = [];
      for (const t of PARTITIONED_TABLES) {
        const old = `${t.table}_unpartitioned`;
        await run(`ALTER TABLE ${t.table} RENAME TO ${old}`);
        await run(
          `CREATE TABLE ${t.table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
           PARTITION BY RANGE (${t.column})`,
        );
        if (t.table === 'ledger_entries') {
          // PostgreSQL 15 has no identity columns on partitioned tables (LIKE leaves the
          // identity behind): a sequence instead.
          await run(`CREATE SEQUENCE ledger_entry_ids AS BIGINT`);
          await run(
            `ALTER TABLE ledger_entries ALTER COLUMN id SET DEFAULT nextval('ledger_entry_ids')`,
          );
        }
        await run(
          `CREATE TABLE ${t.table}_history PARTITION OF ${t.table}
           FOR VALUES FROM (MINVALUE) TO (${boundAt(t, monthStart(now))})`,
        );
        for (const p of monthPartitions(t, now))
          await run(
            `CREATE TABLE ${p.name} PARTITION OF ${t.table} FOR VALUES FROM (${p.from}) TO (${p.to})`,
          );
        await run(`CREATE TABLE ${t.table}_default PARTITION OF ${t.table} DEFAULT`);
        if (t.table === 'ledger_entries')
          ledgerPartitions.push(
            `${t.table}_history`,
            `${t.table}_default`,
            ...monthPartitions(t, now).map((p) => p.name),
          );
        await run(`INSERT INTO ${t.table} SELECT * FROM ${old}`);
        if (t.table === 'ledger_entries') {
          await run(`ALTER SEQUENCE ledger_entry_ids OWNED BY ledger_entries.id`);
          await run(
            `SELECT setval('ledger_entry_ids', COALESCE((SELECT MAX(id) FROM ledger_entries), 0) + 1, false)`,
          );
        }
        await run(`DROP TABLE ${old}`);
      }

      const statements = [
        `ALTER TABLE events ADD PRIMARY KEY (id)`,
        `CREATE INDEX events_customer ON events (customer_id)`,
        `CREATE INDEX events_click ON events (click_id)`,
        `CREATE INDEX events_referral_code ON events (referral_code)`,
        `CREATE INDEX events_coupon ON events (coupon)`,
        `CREATE INDEX events_time ON events (occurred_at)`,
        `CREATE INDEX events_integration ON events (integration_id, occurred_at)`,
        `CREATE INDEX events_campaign ON events (campaign_id, occurred_at)`,
        `ALTER TABLE clicks ADD PRIMARY KEY (id)`,
        `CREATE INDEX clicks_partner_time ON clicks (partner_id, occurred_at)`,
        `CREATE INDEX clicks_link_time ON clicks (link_id, occurred_at)`,
        `ALTER TABLE ledger_entries ADD PRIMARY KEY (id, created_at)`,
        `ALTER TABLE ledger_entries ADD FOREIGN KEY (tx_id) REFERENCES ledger_transactions (id)`,
        `CREATE INDEX ledger_entries_account ON ledger_entries (account, currency)`,
        `CREATE INDEX ledger_entries_account_id ON ledger_entries (account, id)`,
        `CREATE INDEX ledger_entries_tx ON ledger_entries (tx_id)`,
        ...appendOnlyTriggers(dialect, ['ledger_entries']),
        // Row triggers reach every partition; TRUNCATE of one partition needs its own.
        ...ledgerPartitions.map(truncateGuard),
      ];
      for (const s of statements) await run(s);
    },
  };
}

/** A `BEFORE TRUNCATE` guard on one partition of ledger_entries (row triggers are inherited). */
export function truncateGuard(partition: string): string {
  return `CREATE TRIGGER ${partition}_no_truncate BEFORE TRUNCATE ON ${partition}
    FOR EACH STATEMENT EXECUTE FUNCTION tandem_append_only()`;
}
