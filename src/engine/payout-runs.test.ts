import { afterEach, describe, expect, it } from 'vitest';
import { earn, ledgerSums, payoutWorld, refund } from '../../test/support/payout-world.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { approvePayoutRun } from './approve-payout-run.js';
import { cancelPayoutRun } from './cancel-payout.js';
import { createDuePayoutRuns } from './create-due-payout-runs.js';
import { createPayoutRun } from './create-payout-run.js';
import { importFxRates } from './fx-rates.js';
import { importPayoutResults } from './import-payout-results.js';
import { payoutRunFile } from './payout-run-files.js';
import { readBalances } from './read-balances.js';
import { listPayouts, listRunHolds } from './read-payout-runs.js';
import { reconcilePayouts } from './reconcile-payouts.js';
import { recordPayoutOutcome } from './record-payout-outcome.js';
import { sendPayoutRun } from './send-payout-run.js';

const csvProfile = { rail: 'csv', details: { account_holder: 'A', account_number: '12345678' } };
const balance = async (t: TestTandem, id: string, currency = 'USD') =>
  (await readBalances(t, id)).find((b) => b.currency === currency);

/** One partner who earned 30.00 in January, and the sent run that pays it. */
async function oneSentPayout(t: TestTandem) {
  const { partners } = await payoutWorld(t, { profiles: [csvProfile] });
  const [a] = partners as [{ id: string; code: string }];
  await earn(t, a.code, '300.00');
  const run = await createPayoutRun(t, { program: 'ref', actor: 'ops' });
  await sendPayoutRun(t, run.id, 'ops');
  const [p] = (await listPayouts(t, { run_id: run.id })).data;
  return { a, run, p };
}

describe(`payout runs (${backend})`, () => {
  let t: TestTandem;
  afterEach(async () => t?.close());

  it('claims eligible balances, holds the rest with a reason, needs a second approver, and settles from a result file', async () => {
    t = await testTandem({ now: '2026-02-02T00:00:00Z' });
    const { partners } = await payoutWorld(t, {
      payouts: { minimum: '25.00', approval: 'four_eyes' },
      profiles: [csvProfile, csvProfile, null],
    });
    const [a, b, c] = partners as [
      (typeof partners)[0],
      (typeof partners)[0],
      (typeof partners)[0],
    ];
    await earn(t, a.code, '300.00');
    await earn(t, b.code, '200.00');
    await earn(t, c.code, '400.00');

    const run = await createPayoutRun(t, { program: 'ref', actor: 'key_alice' });
    expect(run).toMatchObject({
      period: '2026-01',
      status: 'pending',
      payouts: 1,
      requires_approval: true,
    });
    expect(run.totals).toEqual([{ currency: 'USD', count: 1, amount: '30.00', minor: '3000' }]);
    expect(await listRunHolds(t, run.id)).toEqual(
      [
        expect.objectContaining({ partner_id: b.id, reason: 'below_minimum' }),
        expect.objectContaining({ partner_id: c.id, reason: 'no_payout_method' }),
      ].sort((x, y) => (x.partner_id < y.partner_id ? -1 : 1)),
    );
    expect(await balance(t, a.id)).toMatchObject({
      available: '0.00',
      processing: '30.00',
      paid: '0.00',
    });
    expect(await balance(t, b.id)).toMatchObject({ available: '20.00', processing: '0.00' });

    await expect(approvePayoutRun(t, run.id, 'key_alice')).rejects.toMatchObject({
      code: 'four_eyes_required',
    });
    await expect(sendPayoutRun(t, run.id, 'key_alice')).rejects.toMatchObject({
      code: 'invalid_payout_transition',
    });
    expect((await approvePayoutRun(t, run.id, 'key_bob')).status).toBe('approved');
    expect((await sendPayoutRun(t, run.id, 'key_bob')).status).toBe('sent');

    const file = await payoutRunFile(t, run.id, 'csv', undefined);
    const [payout] = (await listPayouts(t, { run_id: run.id })).data;
    expect(file.body).toContain(`${payout?.id},${a.id},Partner 0,30.00,USD`);

    const result = `payout_id,status,reference,reason\r\n${payout?.id},settled,BANK-1,\r\npay_unknown,settled,X,\r\n`;
    const report = await importPayoutResults(t, {
      runId: run.id,
      rail: 'csv',
      text: result,
      actor: 'key_bob',
    });
    expect(report).toMatchObject({ applied: 1, errors: 1 });
    expect(report.rows[1]).toMatchObject({ line: 3, code: 'payout_not_found' });
    // The same file again changes nothing.
    expect(
      await importPayoutResults(t, { runId: run.id, rail: 'csv', text: result, actor: 'key_bob' }),
    ).toMatchObject({
      applied: 0,
      unchanged: 1,
    });
    expect(await balance(t, a.id)).toMatchObject({
      available: '0.00',
      processing: '0.00',
      paid: '30.00',
    });
    expect((await listPayouts(t, { run_id: run.id })).data[0]).toMatchObject({
      status: 'settled',
      reference: 'BANK-1',
    });
    expect(await ledgerSums(t)).toEqual({ USD: 0n });
  });

  it('a refund after payout is clawed back, holds the partner while negative, and the next payout nets it', async () => {
    t = await testTandem({ now: '2026-02-02T00:00:00Z' });
    const { partners } = await payoutWorld(t, { profiles: [csvProfile] });
    const [a] = partners as [{ id: string; code: string }];
    const paymentId = await earn(t, a.code, '500.00', { customer: 'cust-1' });
    const jan = await createPayoutRun(t, { program: 'ref', actor: 'ops' });
    await sendPayoutRun(t, jan.id, 'ops');
    const [p1] = (await listPayouts(t, { run_id: jan.id })).data;
    await recordPayoutOutcome(t, p1?.id as string, { status: 'settled', reference: 'W-1' }, 'ops');

    t.clock.set(Date.parse('2026-02-10T00:00:00Z'));
    await refund(t, paymentId, 'cust-1', '2026-02-09T00:00:00Z');
    expect(await balance(t, a.id)).toMatchObject({
      available: '-50.00',
      negative: '50.00',
      paid: '50.00',
    });
    await earn(t, a.code, '200.00', { at: '2026-02-09T12:00:00Z' });

    t.clock.set(Date.parse('2026-03-02T00:00:00Z'));
    const feb = await createPayoutRun(t, { program: 'ref', actor: 'ops' });
    expect(feb.payouts).toBe(0);
    expect(await listRunHolds(t, feb.id)).toEqual([
      expect.objectContaining({ partner_id: a.id, reason: 'negative_balance' }),
    ]);
    expect(await balance(t, a.id)).toMatchObject({ available: '-30.00' });

    await earn(t, a.code, '800.00', { at: '2026-03-01T12:00:00Z' });
    t.clock.set(Date.parse('2026-04-02T00:00:00Z'));
    const mar = await createPayoutRun(t, { program: 'ref', actor: 'ops' });
    // 80.00 earned in March less the 30.00 still owed.
    expect(mar.totals).toEqual([{ currency: 'USD', count: 1, amount: '50.00', minor: '5000' }]);
    expect(await balance(t, a.id)).toMatchObject({ available: '0.00', processing: '50.00' });
    expect(await ledgerSums(t)).toEqual({ USD: 0n });
  });

  it('converts every currency of the balance at the recorded rate, and holds when a rate is missing', async () => {
    t = await testTandem({ now: '2026-02-02T00:00:00Z' });
    const { partners } = await payoutWorld(t, {
      profiles: [
        { ...csvProfile, currency: 'USD' },
        { ...csvProfile, currency: 'JPY' },
      ],
    });
    const [a, b] = partners as [{ id: string; code: string }, { id: string; code: string }];
    await earn(t, a.code, '100.00');
    await earn(t, a.code, '333.33', { currency: 'EUR' });
    await earn(t, b.code, '100.00');
    await importFxRates(
      t,
      [{ base: 'EUR', quote: 'USD', rate: '1.0842', as_of: '2026-01-31T00:00:00Z' }],
      'ops',
    );

    const run = await createPayoutRun(t, { program: 'ref', actor: 'ops' });
    const [pa] = (await listPayouts(t, { partner_id: a.id })).data;
    // 10.00 USD + 33.33 EUR × 1.0842 = 36.136386 → 36.14 USD (half-even), so 46.14 USD.
    expect(pa).toMatchObject({ amount: '46.14', currency: 'USD' });
    expect(pa?.sources).toEqual([
      {
        currency: 'EUR',
        amount: '33.33',
        converted: '36.14',
        rate: expect.objectContaining({ pair: 'EUR/USD', rate: '1.0842', inverted: false }),
      },
      { currency: 'USD', amount: '10.00', converted: '10.00' },
    ]);
    expect(await balance(t, a.id, 'EUR')).toMatchObject({ available: '0.00' });
    expect(await listRunHolds(t, run.id)).toEqual([
      expect.objectContaining({ partner_id: b.id, reason: 'fx_rate_missing' }),
    ]);
    // Each currency still sums to zero across the ledger: the fx account carries the conversion.
    expect(await ledgerSums(t)).toEqual({ EUR: 0n, USD: 0n });
  });

  it('a failed payout returns every claimed currency to the available balance, with its reason', async () => {
    t = await testTandem({ now: '2026-02-02T00:00:00Z' });
    const { a, run, p } = await oneSentPayout(t);
    await recordPayoutOutcome(
      t,
      p?.id as string,
      { status: 'failed', reason: 'account closed' },
      'ops',
    );
    expect(await balance(t, a.id)).toMatchObject({
      available: '30.00',
      processing: '0.00',
      paid: '0.00',
    });
    await expect(
      recordPayoutOutcome(t, p?.id as string, { status: 'settled', reference: 'late' }, 'ops'),
    ).rejects.toMatchObject({ code: 'invalid_payout_transition' });
    expect((await listPayouts(t, { run_id: run.id })).data[0]).toMatchObject({
      status: 'failed',
      failure_reason: 'account closed',
    });
  });

  it('a payout the bank returns after settlement leaves paid and returns to the balance', async () => {
    t = await testTandem({ now: '2026-02-02T00:00:00Z' });
    const { a, p } = await oneSentPayout(t);
    await recordPayoutOutcome(t, p?.id as string, { status: 'settled', reference: 'W-9' }, 'ops');
    expect(await balance(t, a.id)).toMatchObject({ available: '0.00', paid: '30.00' });
    await recordPayoutOutcome(
      t,
      p?.id as string,
      { status: 'failed', reason: 'bounced_back' },
      'ops',
    );
    expect(await balance(t, a.id)).toMatchObject({
      available: '30.00',
      processing: '0.00',
      paid: '0.00',
    });
    expect((await reconcilePayouts(t)).differences).toEqual([]);
    expect(await ledgerSums(t)).toEqual({ USD: 0n });
  });

  it('refuses a run for a period that has not ended, and a second live run for a period', async () => {
    t = await testTandem({ now: '2026-02-02T00:00:00Z' });
    await payoutWorld(t, { profiles: [csvProfile] });
    await expect(
      createPayoutRun(t, { program: 'ref', period: '2026-02', actor: 'ops' }),
    ).rejects.toMatchObject({
      code: 'period_not_ended',
    });
    await expect(
      createPayoutRun(t, { program: 'ref', period: '2026-13', actor: 'ops' }),
    ).rejects.toMatchObject({
      code: 'invalid_period',
    });
    const run = await createPayoutRun(t, { program: 'ref', period: '2026-01', actor: 'ops' });
    await expect(
      createPayoutRun(t, { program: 'ref', period: '2026-01', actor: 'ops' }),
    ).rejects.toMatchObject({
      code: 'payout_run_exists',
    });
    await cancelPayoutRun(t, run.id, 'ops', 'wrong date');
    expect(
      (await createPayoutRun(t, { program: 'ref', period: '2026-01', actor: 'ops' })).status,
    ).toBe('approved');
  });

  it('canceling a run returns the claimed money', async () => {
    t = await testTandem({ now: '2026-02-02T00:00:00Z' });
    const { partners } = await payoutWorld(t, { profiles: [csvProfile] });
    const [a] = partners as [{ id: string; code: string }];
    await earn(t, a.code, '300.00');
    const run = await createPayoutRun(t, { program: 'ref', actor: 'ops' });
    expect(await balance(t, a.id)).toMatchObject({ available: '0.00', processing: '30.00' });
    expect((await cancelPayoutRun(t, run.id, 'ops', 'oops')).status).toBe('canceled');
    expect(await balance(t, a.id)).toMatchObject({ available: '30.00', processing: '0.00' });
    await expect(sendPayoutRun(t, run.id, 'ops')).rejects.toMatchObject({
      code: 'invalid_payout_transition',
    });
  });

  it('the schedule creates the run of a period once it is due, once, and never over a canceled one', async () => {
    t = await testTandem({ now: '2026-02-04T23:00:00Z' });
    const { partners } = await payoutWorld(t, {
      payouts: { auto_create: true, schedule: { day_of_month: 5 } },
      profiles: [csvProfile],
    });
    await earn(t, (partners[0] as { code: string }).code, '300.00');
    expect(await createDuePayoutRuns(t)).toEqual([]);
    t.clock.set(Date.parse('2026-02-05T00:00:00Z'));
    const [runId] = await createDuePayoutRuns(t);
    expect(runId).toBeDefined();
    expect(await createDuePayoutRuns(t)).toEqual([]);
    await cancelPayoutRun(t, runId as string, 'ops', 'not this month');
    expect(await createDuePayoutRuns(t)).toEqual([]);
    // March 5: February's run is due (nothing to pay but the run records that).
    t.clock.set(Date.parse('2026-03-05T00:00:00Z'));
    expect(await createDuePayoutRuns(t)).toHaveLength(1);
  });

  it('a settle and a fail racing on one payout: exactly one applies, with its own postings', async () => {
    t = await testTandem({ now: '2026-02-02T00:00:00Z' });
    const { a, p } = await oneSentPayout(t);
    const results = await Promise.allSettled([
      recordPayoutOutcome(t, p?.id as string, { status: 'settled', reference: 'S-1' }, 'ops'),
      recordPayoutOutcome(t, p?.id as string, { status: 'failed', reason: 'bounced' }, 'ops'),
    ]);
    const final = (await listPayouts(t, { partner_id: a.id })).data[0];
    const bal = await balance(t, a.id);
    // Whatever the order, the ledger matches the final status, and no money appears twice.
    if (final?.status === 'settled')
      expect(bal).toMatchObject({ available: '0.00', processing: '0.00', paid: '30.00' });
    else expect(bal).toMatchObject({ available: '30.00', processing: '0.00', paid: '0.00' });
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    expect((await reconcilePayouts(t)).differences).toEqual([]);
    expect(await ledgerSums(t)).toEqual({ USD: 0n });
  });

  it('cancel and send racing on one run: one wins, and the other is refused', async () => {
    t = await testTandem({ now: '2026-02-02T00:00:00Z' });
    const { partners } = await payoutWorld(t, { profiles: [csvProfile] });
    await earn(t, (partners[0] as { code: string }).code, '300.00');
    const run = await createPayoutRun(t, { program: 'ref', actor: 'ops' });
    const [cancel, send] = await Promise.allSettled([
      cancelPayoutRun(t, run.id, 'ops', 'race'),
      sendPayoutRun(t, run.id, 'ops'),
    ]);
    expect([cancel.status, send.status].sort()).toEqual(['fulfilled', 'rejected']);
    const [p] = (await listPayouts(t, { run_id: run.id })).data;
    if (cancel.status === 'fulfilled') expect(p?.status).toBe('canceled');
    else expect(p?.status).toBe('sent');
    expect((await reconcilePayouts(t)).differences).toEqual([]);
  });
});
