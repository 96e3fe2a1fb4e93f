import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { idAt, monthPartitions, monthStart, PARTITIONED_TABLES } from '../core/partitions.js';
import { typeidIds } from './deps.js';
import { ensurePartitions } from './ensure-partitions.js';
import { ingestEvents } from './ingest-events.js';

const events = PARTITIONED_TABLES[0] as (typeof PARTITIONED_TABLES)[number];

describe('partition bounds', () => {
  it('orders ids made in a month between the bounds of that month', () => {
    const now = Date.now();
    const id = typeidIds.next('evt');
    expect(idAt('evt', monthStart(now)) <= id).toBe(true);
    expect(id < idAt('evt', monthStart(now, 1))).toBe(true);
    // A millisecond earlier sorts below; the bound of an instant is the smallest id of it.
    expect(idAt('evt', 1_700_000_000_000) < idAt('evt', 1_700_000_000_001)).toBe(true);
    expect(idAt('clk', 0)).toBe('clk_00000000000000000000000000');
  });

  it('names this month and three more, each ending where the next begins', () => {
    const parts = monthPartitions(events, Date.parse('2026-11-30T23:00:00Z'));
    expect(parts.map((p) => p.name)).toEqual([
      'events_p2026_11',
      'events_p2026_12',
      'events_p2027_01',
      'events_p2027_02',
    ]);
    for (let i = 1; i < parts.length; i++) expect(parts[i]?.from).toBe(parts[i - 1]?.to);
  });
});

describe(`time partitions (${backend})`, () => {
  let t: TestTandem | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it.runIf(backend === 'sqlite')('does nothing on SQLite', async () => {
    t = await testTandem();
    expect(await ensurePartitions(t)).toEqual({ created: [], skipped: [] });
  });

  it.runIf(backend === 'postgres')(
    'routes rows to their month, creates months ahead once, and keeps the ledger append-only',
    async () => {
      t = await testTandem({ ids: typeidIds });
      const db = t.store.db;
      const partitionsOf = async (table: string) =>
        (
          await sql<{ name: string }>`
            SELECT c.relname AS name FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = ${table} AND p.relnamespace = to_regnamespace(current_schema())
            ORDER BY 1`.execute(db)
        ).rows.map((r) => r.name);
      const thisMonth = monthPartitions(events, Date.now())[0]?.name as string;
      expect(await partitionsOf('events')).toContain(thisMonth);
      expect(await partitionsOf('events')).toContain('events_default');

      // An event ingested now lands in this month's partition; its key in event_keys.
      const r = await ingestEvents(t, [
        {
          id: 'e-1',
          type: 'signup',
          occurred_at: '2026-01-01T00:00:00Z',
          customer: { id: 'cus_1' },
        },
      ]);
      expect(r.accepted).toBe(1);
      const where = await sql<{ part: string }>`
        SELECT tableoid::regclass::text AS part FROM events WHERE external_id = 'e-1'`.execute(db);
      expect(where.rows[0]?.part).toMatch(new RegExp(`${thisMonth}$`));
      const again = await ingestEvents(t, [
        {
          id: 'e-1',
          type: 'signup',
          occurred_at: '2026-01-01T00:00:00Z',
          customer: { id: 'cus_1' },
        },
      ]);
      expect(again.duplicates).toBe(1);
      expect(
        Number((await sql<{ n: string }>`SELECT count(*) AS n FROM events`.execute(db)).rows[0]?.n),
      ).toBe(1);

      // A year from now: the missing months are created, once, with a guard on the ledger's.
      const later = monthStart(Date.now(), 12);
      const first = await ensurePartitions(t, { now: later });
      expect(first.skipped).toEqual([]);
      expect(first.created).toHaveLength(PARTITIONED_TABLES.length * 4);
      expect((await ensurePartitions(t, { now: later })).created).toEqual([]);
      const ledgerPart = monthPartitions(PARTITIONED_TABLES[2] as never, later)[0]?.name as string;
      expect(await partitionsOf('ledger_entries')).toContain(ledgerPart);
      await expect(sql.raw(`TRUNCATE ${ledgerPart}`).execute(db)).rejects.toThrow(/append-only/);

      // A click id that is not time-ordered is kept in the default partition.
      await sql`INSERT INTO clicks (id, link_id, partner_id, program_id, occurred_at, bot)
        VALUES ('clk_imported_1', 'lnk_x', 'prt_x', 'prg_x', 1, 0)`.execute(db);
      const clickPart = await sql<{ part: string }>`
        SELECT tableoid::regclass::text AS part FROM clicks WHERE id = 'clk_imported_1'`.execute(
        db,
      );
      expect(clickPart.rows[0]?.part).toMatch(/clicks_default$/);

      // A month whose rows already sit in the default partition is skipped, not forced.
      const past = Date.parse('2030-01-15T00:00:00Z');
      await sql`INSERT INTO ledger_transactions (id, kind, created_at) VALUES ('ltx_1', 'accrual', ${past})`.execute(
        db,
      );
      await sql`INSERT INTO ledger_entries (tx_id, account, currency, amount, created_at)
        VALUES ('ltx_1', 'a', 'USD', 1, ${past}), ('ltx_1', 'b', 'USD', -1, ${past})`.execute(db);
      const blocked = await ensurePartitions(t, { now: past, monthsAhead: 0 });
      expect(blocked.skipped.map((s) => s.name)).toEqual(['ledger_entries_p2030_01']);
      expect(blocked.created).toEqual(['events_p2030_01', 'clicks_p2030_01']);
      // The exclusion it tried is gone: the default partition still takes that month's entries.
      const left = await sql<{ n: string }>`
        SELECT count(*) AS n FROM pg_constraint WHERE conname LIKE '%_excluded'
        AND connamespace = to_regnamespace(current_schema())`.execute(db);
      expect(Number(left.rows[0]?.n)).toBe(0);
      await sql`INSERT INTO ledger_entries (tx_id, account, currency, amount, created_at)
        VALUES ('ltx_1', 'a', 'USD', 2, ${past}), ('ltx_1', 'b', 'USD', -2, ${past})`.execute(db);
      await expect(sql`DELETE FROM ledger_entries`.execute(db)).rejects.toThrow(/append-only/);
    },
  );
});
