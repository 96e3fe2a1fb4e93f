import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { backend } from '../../test/support/test-tandem.js';
import { openStore, type Store } from './database.js';
import { migrate } from './migrate.js';

/**
 * Upgrades, not only fresh installs: a database at migration 0003 with
 * events in it is brought to the latest schema with its rows intact
 * (SQLite rebuilds the events table for the integration types).
 */
describe(`upgrading a database with data (${backend})`, () => {
  let store: Store | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await store?.close();
    await cleanup?.();
    store = undefined;
  });

  async function open(): Promise<Store> {
    const url = process.env.DATABASE_URL;
    if (!url) {
      const dir = mkdtempSync(join(tmpdir(), 'tandem-migrate-'));
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
      return openStore({ file: join(dir, 'tandem.db') });
    }
    const schema = `m_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    cleanup = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    };
    return openStore({ url, schema, poolSize: 2 });
  }

  it('keeps the events of a 0003 database and accepts integration events after', async () => {
    store = await open();
    await migrate(store, { to: '0003-payouts' });
    await sql`INSERT INTO events (id, source, external_id, type, occurred_at, received_at, customer_id,
      currency, revenue, body, content_hash)
      VALUES ('evt_old', 'api', 'p-1', 'payment', 1, 2, 'cus_1', 'USD', 500, '{"customer":{}}', 'h')`.execute(
      store.db,
    );
    const { applied } = await migrate(store);
    expect(applied).toContain('0004-integrations');
    const rows = await store.db.selectFrom('events').selectAll().execute();
    expect(rows).toMatchObject([
      { id: 'evt_old', type: 'payment', customer_id: 'cus_1', integration_id: null },
    ]);
    expect(BigInt(rows[0]?.revenue as bigint)).toBe(500n);
    // The unique key survived the rebuild: on SQLite in `events`, on PostgreSQL in
    // `event_keys` (events is partitioned since 0012).
    await expect(
      store.dialect === 'postgres'
        ? sql`INSERT INTO event_keys (source, external_id, event_id, content_hash)
            VALUES ('api', 'p-1', 'evt_dup', 'h')`.execute(store.db)
        : sql`INSERT INTO events (id, source, external_id, type, occurred_at, received_at, customer_id, body, content_hash)
            VALUES ('evt_dup', 'api', 'p-1', 'signup', 1, 2, 'c', '{}', 'h')`.execute(store.db),
    ).rejects.toThrow();
    if (store.dialect === 'postgres') {
      const keys = await sql`SELECT source, external_id, event_id FROM event_keys`.execute(
        store.db,
      );
      expect(keys.rows).toEqual([{ source: 'api', external_id: 'p-1', event_id: 'evt_old' }]);
    }
    // Integration types need an integration; customer types must not have one.
    await sql`INSERT INTO events (id, source, external_id, type, occurred_at, received_at, customer_id, body, content_hash, integration_id)
      VALUES ('evt_use', 'api', 'u-1', 'usage', 1, 2, 'shop', '{}', 'h', 'int_1')`.execute(
      store.db,
    );
    await expect(
      sql`INSERT INTO events (id, source, external_id, type, occurred_at, received_at, customer_id, body, content_hash)
        VALUES ('evt_bad', 'api', 'u-2', 'usage', 1, 2, 'shop', '{}', 'h')`.execute(store.db),
    ).rejects.toThrow();
    await expect(
      sql`INSERT INTO events (id, source, external_id, type, occurred_at, received_at, customer_id, body, content_hash, integration_id)
        VALUES ('evt_bad2', 'api', 'u-3', 'signup', 1, 2, 'c', '{}', 'h', 'int_1')`.execute(
        store.db,
      ),
    ).rejects.toThrow();
    // Migrating again applies nothing.
    expect((await migrate(store)).applied).toEqual([]);
  });

  it('keeps ledger entries and clicks across the move to partitions, and numbers new entries after them', async () => {
    store = await open();
    await migrate(store, { to: '0011-explorer-indexes' });
    await sql`INSERT INTO ledger_transactions (id, kind, created_at) VALUES ('ltx_a', 'accrual', 5)`.execute(
      store.db,
    );
    await sql`INSERT INTO ledger_entries (tx_id, account, currency, amount, created_at)
      VALUES ('ltx_a', 'partner:p:pending', 'USD', 100, 5), ('ltx_a', 'program:x:expense', 'USD', -100, 5)`.execute(
      store.db,
    );
    await sql`INSERT INTO clicks (id, link_id, partner_id, program_id, occurred_at, bot)
      VALUES ('clk_a', 'lnk_a', 'prt_a', 'prg_a', 5, 0)`.execute(store.db);
    await migrate(store);
    await sql`INSERT INTO ledger_transactions (id, kind, created_at) VALUES ('ltx_b', 'accrual', 6)`.execute(
      store.db,
    );
    await sql`INSERT INTO ledger_entries (tx_id, account, currency, amount, created_at)
      VALUES ('ltx_b', 'partner:p:pending', 'USD', 7, 6), ('ltx_b', 'program:x:expense', 'USD', -7, 6)`.execute(
      store.db,
    );
    const entries = await store.db
      .selectFrom('ledger_entries')
      .select(['id', 'tx_id', 'amount'])
      .orderBy('id')
      .execute();
    expect(entries.map((e) => [Number(e.id), e.tx_id, Number(e.amount)])).toEqual([
      [1, 'ltx_a', 100],
      [2, 'ltx_a', -100],
      [3, 'ltx_b', 7],
      [4, 'ltx_b', -7],
    ]);
    expect(await store.db.selectFrom('clicks').select('id').execute()).toEqual([{ id: 'clk_a' }]);
    await expect(sql`UPDATE ledger_entries SET amount = 1`.execute(store.db)).rejects.toThrow(
      /append-only/,
    );
  });
});
