import { afterEach, describe, expect, it } from 'vitest';
import { earn, payoutWorld } from '../../test/support/payout-world.js';
import { rowCounts } from '../../test/support/row-counts.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { fixedClock } from './deps.js';
import { changePartnerStatus, createPartner } from './partners.js';
import { mirroredTables, syncSandbox } from './sync-sandbox.js';

const configuration = mirroredTables.map((t) => t.table);
const activity = ['events', 'codes', 'links', 'accrual_lines', 'ledger_entries', 'payout_profiles'];

describe(`syncSandbox (${backend})`, () => {
  let live: TestTandem | undefined;
  let sandbox: TestTandem | undefined;
  afterEach(async () => {
    await live?.close();
    await sandbox?.close();
    live = sandbox = undefined;
  });

  async function pair() {
    live = await testTandem({ now: '2026-02-02T00:00:00Z' });
    sandbox = await testTandem({ clock: live.clock });
    const csv = { rail: 'csv', details: { account_holder: 'Ada', account_number: '12345678' } };
    const w = await payoutWorld(live, { profiles: [csv, null] });
    await earn(live, 'CODE0', '100.00');
    return { live, sandbox, w };
  }

  it('copies configuration and no activity; again, it changes nothing', async () => {
    const { live, sandbox } = await pair();
    const first = await syncSandbox(live, sandbox);
    expect(first.copied).toMatchObject({ programs: 1, program_versions: 1, partners: 2 });
    expect(await rowCounts(sandbox.store.db, configuration)).toEqual(
      await rowCounts(live.store.db, configuration),
    );
    expect(Object.values(await rowCounts(sandbox.store.db, activity))).toEqual(
      activity.map(() => 0),
    );
    const second = await syncSandbox(live, sandbox, first.marks);
    expect(second.marks).toEqual(first.marks);
    expect(await rowCounts(sandbox.store.db, configuration)).toEqual(
      await rowCounts(live.store.db, configuration),
    );
  });

  it('brings changes over: a status change, a new partner, even one dated before the watermark', async () => {
    const { live, sandbox, w } = await pair();
    const { marks } = await syncSandbox(live, sandbox);
    const id = w.partners[1]?.id as string;
    live.clock.advance(3_600_000);
    await changePartnerStatus(live, { partnerId: id, status: 'suspended', reason: 'audit' });
    const backdated = await createPartner(
      { ...live, clock: fixedClock(Date.parse('2025-06-01T00:00:00Z')) },
      { name: 'Old', kinds: ['referral'], status: 'approved', programs: ['ref'] },
    );
    await syncSandbox(live, sandbox, marks);
    const rows = await sandbox.store.db
      .selectFrom('partners')
      .select(['id', 'status', 'name'])
      .orderBy('name')
      .execute();
    expect(rows.find((r) => r.id === id)?.status).toBe('suspended');
    expect(rows.map((r) => r.name)).toContain('Old');
    expect(await rowCounts(sandbox.store.db, configuration)).toEqual(
      await rowCounts(live.store.db, configuration),
    );
    expect(backdated.id).toMatch(/^prt_/);
  });

  it('never writes an older copy of a row over a newer one', async () => {
    const { live, sandbox, w } = await pair();
    await syncSandbox(live, sandbox);
    const id = w.partners[0]?.id as string;
    await sandbox.store.db
      .updateTable('partners')
      .set({ name: 'newer', updated_at: Date.parse('2027-01-01T00:00:00Z') })
      .where('id', '=', id)
      .execute();
    await syncSandbox(live, sandbox);
    const row = await sandbox.store.db
      .selectFrom('partners')
      .select('name')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.name).toBe('newer');
  });
});
