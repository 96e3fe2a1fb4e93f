import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCreditAsset } from '../src/core/currency.js';
import { readCredits } from '../src/engine/credits.js';
import { getIntegration } from '../src/engine/integrations.js';
import { readBalances } from '../src/engine/read-balances.js';
import { reconcilePayouts } from '../src/engine/reconcile-payouts.js';
import { seedDemo } from '../src/engine/seed-demo.js';
import { ledgerTables } from '../src/store/schema.js';
import { expectSummariesMatch } from './support/expect-summaries.js';
import { backend, type TestTandem, testTandem } from './support/test-tandem.js';

describe(`ledger invariants on the demo marketplace (${backend})`, () => {
  let t: TestTandem;
  beforeAll(async () => {
    t = await testTandem({ now: '2026-11-29T12:00:00Z' });
    await seedDemo(t);
  });
  afterAll(async () => t.close());

  it("the dashboards' summaries equal what they sum (daily stats, partner account balances)", async () => {
    await expectSummariesMatch(t);
  });

  it('every ledger transaction balances per currency and has no zero entry', async () => {
    const unbalanced = await sql<{ tx_id: string }>`
      SELECT tx_id, currency FROM ledger_entries GROUP BY tx_id, currency HAVING SUM(amount) <> 0`.execute(
      t.store.db,
    );
    expect(unbalanced.rows).toEqual([]);
    const count = await sql<{ n: unknown }>`SELECT COUNT(*) AS n FROM ledger_entries`.execute(
      t.store.db,
    );
    expect(Number(count.rows[0]?.n)).toBeGreaterThan(1000);
  });

  it("a partner's balances equal the sums of the accrual lines behind them", async () => {
    const partners = await t.store.db
      .selectFrom('partners')
      .select('id')
      .where('status', '!=', 'applied')
      .execute();
    let checked = 0;
    for (const { id } of partners) {
      // Per currency: lines earned, lines released, and what payouts took from available.
      const lines = await sql<{ currency: string; total: unknown; released: unknown }>`
        SELECT a.currency, SUM(a.amount) AS total,
          SUM(CASE WHEN r.line_id IS NULL THEN 0 ELSE a.amount END) AS released
        FROM accrual_lines a LEFT JOIN releases r ON r.line_id = a.id
        WHERE a.partner_id = ${id} GROUP BY a.currency`.execute(t.store.db);
      const claimed = await sql<{ currency: string; total: unknown }>`
        SELECT e.currency, SUM(e.amount) AS total FROM ledger_entries e
        JOIN ledger_transactions x ON x.id = e.tx_id
        WHERE x.kind = 'payout' AND e.account LIKE ${`%:partner:${id}:available`}
        GROUP BY e.currency`.execute(t.store.db);
      const balances = await readBalances(t, id);
      const credits = await readCredits(t.store.db, id);
      for (const l of lines.rows) {
        if (isCreditAsset(l.currency)) {
          // Credits are granted straight into the credits account, never into pending or available.
          const granted = credits
            .filter((c) => c.asset === l.currency)
            .reduce((a, c) => a + BigInt(c.granted), 0n);
          expect(granted).toBe(BigInt(String(l.total)));
          expect(balances.find((x) => x.currency === l.currency)).toBeUndefined();
          checked++;
          continue;
        }
        const b = balances.find((x) => x.currency === l.currency);
        const took = -BigInt(
          String(claimed.rows.find((c) => c.currency === l.currency)?.total ?? 0),
        );
        checked++;
        // Released lines are what reached available; payouts only ever take from there.
        expect(BigInt(b?.minor.available ?? 0) + took).toBe(BigInt(String(l.released)));
        expect(BigInt(b?.minor.pending ?? 0)).toBe(
          BigInt(String(l.total)) - BigInt(String(l.released)),
        );
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('the demo has integrations at every stage: premier with usage and credits, under review, expired', async () => {
    const rows = await t.store.db
      .selectFrom('integrations')
      .select(['id', 'name'])
      .orderBy('name')
      .execute();
    const byName = new Map(rows.map((r) => [r.name, r.id]));
    const detail = (name: string) => getIntegration(t, byName.get(name) as string);
    expect((await detail('SellerTools Inventory Sync')).certification.level).toBe('premier');
    const shipFast = await detail('ShipFast Labels');
    expect(shipFast.pending_submissions).toBe(1);
    expect(shipFast.certification.level).toBeNull();
    const ledgerly = await detail('Ledgerly Books Connector');
    expect(ledgerly.path_completed).toBe(true);
    expect(ledgerly.certification.level).toBeNull();
    expect(ledgerly.certification.levels[0]?.missing[0]).toMatch(/^renewal \(expired /);
    const usage = await t.store.db
      .selectFrom('accrual_lines')
      .select('rule_id')
      .where('rule_id', 'in', ['active-installs', 'api-calls'])
      .execute();
    expect(usage.length).toBeGreaterThan(0);
  });

  it("the demo's payouts reconcile: ledger, payout records and confirmations agree", async () => {
    const report = await reconcilePayouts(t);
    expect(report.differences).toEqual([]);
    expect(report.checked.payouts).toBeGreaterThan(3);
    const statuses = await t.store.db.selectFrom('payouts').select('status').distinct().execute();
    expect(statuses.map((x) => x.status).sort()).toEqual(['failed', 'sent', 'settled']);
  });

  it('the whole ledger sums to zero: what programs spent is what partners hold', async () => {
    const r = await sql<{ currency: string; total: unknown }>`
      SELECT currency, SUM(amount) AS total FROM ledger_entries GROUP BY currency`.execute(
      t.store.db,
    );
    for (const row of r.rows) expect(BigInt(row.total as bigint | string)).toBe(0n);
  });

  it('no line is released twice and every due line is released', async () => {
    const twice =
      await sql`SELECT line_id FROM releases GROUP BY line_id HAVING COUNT(*) > 1`.execute(
        t.store.db,
      );
    expect(twice.rows).toEqual([]);
    const due = await sql<{ n: unknown }>`
      SELECT COUNT(*) AS n FROM hold_queue WHERE available_at <= ${t.clock.now()}`.execute(
      t.store.db,
    );
    expect(Number(due.rows[0]?.n)).toBe(0);
  });

  for (const table of ledgerTables) {
    it(`the database rejects UPDATE and DELETE on ${table}`, async () => {
      const before = await sql<{
        n: unknown;
      }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(t.store.db);
      expect(Number(before.rows[0]?.n)).toBeGreaterThan(0);
      const column = table === 'releases' ? 'released_at' : 'created_at';
      await expect(
        sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${column === 'released_at' ? 0 : 0}`.execute(
          t.store.db,
        ),
      ).rejects.toThrow(/append-only/);
      await expect(sql`DELETE FROM ${sql.table(table)}`.execute(t.store.db)).rejects.toThrow(
        /append-only/,
      );
      const after = await sql<{
        n: unknown;
      }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(t.store.db);
      expect(after.rows[0]?.n).toEqual(before.rows[0]?.n);
    });
  }
});
