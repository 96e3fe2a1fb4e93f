import { afterEach, describe, expect, it } from 'vitest';
import { earn, payoutWorld, refund } from '../../test/support/payout-world.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { type Statement, statementCsv, statementHtml } from '../core/render-statement.js';
import { createPayoutRun } from './create-payout-run.js';
import { importFxRates } from './fx-rates.js';
import { listPayouts } from './read-payout-runs.js';
import { listStatementPeriods, readStatement } from './read-statement.js';
import { recordPayoutOutcome } from './record-payout-outcome.js';
import { sendPayoutRun } from './send-payout-run.js';

const csvProfile = { rail: 'csv', details: { account_holder: 'A', account_number: '12345678' } };

/** A section as plain figures (minor units), for readable expectations. */
function figures(s: Statement, currency = 'USD') {
  const section = s.sections.find((x) => x.currency === currency);
  if (!section) return undefined;
  return {
    opening: section.opening,
    items: section.items.map((i) => [i.type, i.amount]),
    closing: section.closing,
  };
}

/** Every section adds up, and both renderings accept it (they throw when it does not). */
function expectConsistent(s: Statement) {
  for (const section of s.sections)
    expect(section.items.reduce((sum, i) => sum + i.amount, section.opening)).toBe(section.closing);
  expect(() => statementCsv(s)).not.toThrow();
  expect(() => statementHtml(s)).not.toThrow();
}

/** Runs the program's latest ended period, sends it and settles this partner's payout. */
async function payAndSettle(t: TestTandem, partnerId: string, reference: string) {
  const run = await createPayoutRun(t, { program: 'ref', actor: 'ops' });
  await sendPayoutRun(t, run.id, 'ops');
  const [p] = (await listPayouts(t, { run_id: run.id, partner_id: partnerId })).data;
  await recordPayoutOutcome(t, p?.id as string, { status: 'settled', reference }, 'ops');
  return p?.id as string;
}

describe(`partner statements (${backend})`, () => {
  let t: TestTandem;
  afterEach(async () => t?.close());

  it('shows January earnings in January and their payout in February, when it was posted', async () => {
    t = await testTandem({ now: '2026-01-20T00:00:00Z' });
    const { partners } = await payoutWorld(t, { profiles: [csvProfile] });
    const [a] = partners as [{ id: string; code: string }];
    await earn(t, a.code, '100.00', { at: '2026-01-10T10:00:00Z', customer: 'cust-1' });
    await earn(t, a.code, '200.00', { at: '2026-01-15T10:00:00Z', customer: 'cust-2' });

    t.clock.set(Date.parse('2026-02-02T00:00:00Z'));
    const payoutId = await payAndSettle(t, a.id, 'W-1');

    const jan = await readStatement(t, { partnerId: a.id, program: 'ref', period: '2026-01' });
    expect(jan).toMatchObject({
      partner: { id: a.id, name: 'Partner 0' },
      program: { name: 'Referrals' },
      period: '2026-01',
      from: Date.parse('2026-01-01T00:00:00Z'),
      to: Date.parse('2026-02-01T00:00:00Z'),
      generatedAt: Date.parse('2026-02-02T00:00:00Z'),
    });
    expect(figures(jan)).toEqual({
      opening: 0n,
      items: [
        ['accrual', 1000n],
        ['accrual', 2000n],
      ],
      closing: 3000n,
    });
    expect(jan.sections[0]?.items[0]?.description).toMatch(
      /^Rule share on payment pay-\d+-CODE0 \(customer cust-1\)$/,
    );
    expectConsistent(jan);

    const feb = await readStatement(t, { partnerId: a.id, program: 'ref', period: '2026-02' });
    expect(figures(feb)).toEqual({ opening: 3000n, items: [['payout', -3000n]], closing: 0n });
    expect(feb.sections[0]?.items[0]).toMatchObject({
      reference: payoutId,
      description: `Payout ${payoutId} via csv (reference W-1)`,
      at: Date.parse('2026-02-02T00:00:00Z'),
    });
    expectConsistent(feb);

    // The quarter holds both months; the program is found by id as well as by key.
    const q1 = await readStatement(t, {
      partnerId: a.id,
      program: jan.program.id,
      period: '2026-Q1',
    });
    expect(figures(q1)).toEqual({
      opening: 0n,
      items: [
        ['accrual', 1000n],
        ['accrual', 2000n],
        ['payout', -3000n],
      ],
      closing: 0n,
    });

    // Nothing owed and nothing moved: an empty statement, still renderable.
    t.clock.set(Date.parse('2026-04-02T00:00:00Z'));
    const mar = await readStatement(t, { partnerId: a.id, program: 'ref', period: '2026-03' });
    expect(mar.sections).toEqual([]);
    expectConsistent(mar);
    expect(await listStatementPeriods(t, a.id, 'ref')).toEqual([
      '2026-04',
      '2026-03',
      '2026-02',
      '2026-01',
    ]);
  });

  it('a refund after the payout is a clawback in the month it was posted; before it, a reversal', async () => {
    t = await testTandem({ now: '2026-01-20T00:00:00Z' });
    const { partners } = await payoutWorld(t, { profiles: [csvProfile] });
    const [a] = partners as [{ id: string; code: string }];
    const paid = await earn(t, a.code, '500.00', { at: '2026-01-10T10:00:00Z', customer: 'c-1' });
    const early = await earn(t, a.code, '100.00', { at: '2026-01-11T10:00:00Z', customer: 'c-2' });
    // Refunded before any payout: a plain reversal.
    await refund(t, early, 'c-2', '2026-01-19T00:00:00Z');

    t.clock.set(Date.parse('2026-02-02T00:00:00Z'));
    await payAndSettle(t, a.id, 'W-1');

    t.clock.set(Date.parse('2026-03-05T00:00:00Z'));
    await refund(t, paid, 'c-1', '2026-03-04T00:00:00Z');

    const jan = await readStatement(t, { partnerId: a.id, program: 'ref', period: '2026-01' });
    expect(figures(jan)).toEqual({
      opening: 0n,
      items: [
        ['accrual', 5000n],
        ['accrual', 1000n],
        ['reversal', -1000n],
      ],
      closing: 5000n,
    });
    const feb = await readStatement(t, { partnerId: a.id, program: 'ref', period: '2026-02' });
    expect(figures(feb)).toEqual({ opening: 5000n, items: [['payout', -5000n]], closing: 0n });
    const mar = await readStatement(t, { partnerId: a.id, program: 'ref', period: '2026-03' });
    expect(figures(mar)).toEqual({ opening: 0n, items: [['clawback', -5000n]], closing: -5000n });
    expect(mar.sections[0]?.items[0]?.description).toMatch(
      /^Clawback after payout: rule share reversed by refund refund-pay-\d+-CODE0 \(customer c-1\)$/,
    );
    for (const s of [jan, feb, mar]) expectConsistent(s);
  });

  it('a payout in another currency shows the conversion on both sections', async () => {
    t = await testTandem({ now: '2026-01-20T00:00:00Z' });
    const { partners } = await payoutWorld(t, {
      profiles: [
        { ...csvProfile, currency: 'USD' },
        { ...csvProfile, currency: 'USD' },
      ],
    });
    const [a, b] = partners as [{ id: string; code: string }, { id: string; code: string }];
    await earn(t, a.code, '100.00');
    await earn(t, a.code, '333.33', { currency: 'EUR' });
    await earn(t, b.code, '50.00', { currency: 'EUR' });

    t.clock.set(Date.parse('2026-02-02T00:00:00Z'));
    await importFxRates(
      t,
      [{ base: 'EUR', quote: 'USD', rate: '1.0842', as_of: '2026-01-31T00:00:00Z' }],
      'ops',
    );
    const run = await createPayoutRun(t, { program: 'ref', actor: 'ops' });
    await sendPayoutRun(t, run.id, 'ops');
    const [pa] = (await listPayouts(t, { partner_id: a.id })).data;
    const [pb] = (await listPayouts(t, { partner_id: b.id })).data;
    t.clock.set(Date.parse('2026-02-05T00:00:00Z'));
    await recordPayoutOutcome(t, pa?.id as string, { status: 'settled', reference: 'W-1' }, 'ops');
    await recordPayoutOutcome(
      t,
      pb?.id as string,
      { status: 'failed', reason: 'account closed' },
      'ops',
    );

    const feb = await readStatement(t, { partnerId: a.id, program: 'ref', period: '2026-02' });
    expect(feb.sections.map((s) => s.currency)).toEqual(['EUR', 'USD']);
    // 33.33 EUR × 1.0842 = 36.14 USD; with the 10.00 USD balance, a payout of 46.14 USD.
    expect(figures(feb, 'EUR')).toEqual({
      opening: 3333n,
      items: [['conversion', -3333n]],
      closing: 0n,
    });
    expect(figures(feb, 'USD')).toEqual({
      opening: 1000n,
      items: [
        ['conversion', 3614n],
        ['payout', -4614n],
      ],
      closing: 0n,
    });
    expect(feb.sections[0]?.items[0]).toMatchObject({
      reference: pa?.id,
      description: `−33.33 EUR converted to USD at EUR/USD 1.0842 for payout ${pa?.id}`,
    });
    expect(feb.sections[1]?.items[0]).toMatchObject({
      reference: pa?.id,
      description: `+36.14 USD from EUR for payout ${pa?.id}`,
    });
    expectConsistent(feb);

    // A failed conversion payout: the claim and its return each show on both sections.
    const failed = await readStatement(t, { partnerId: b.id, program: 'ref', period: '2026-02' });
    expect(figures(failed, 'EUR')).toEqual({
      opening: 500n,
      items: [
        ['conversion', -500n],
        ['payout_returned', 500n],
      ],
      closing: 500n,
    });
    expect(figures(failed, 'USD')).toEqual({
      opening: 0n,
      items: [
        ['conversion', 542n],
        ['payout_returned', -542n],
      ],
      closing: 0n,
    });
    expect(failed.sections[0]?.items[1]?.description).toBe(
      `+5.00 EUR returned: payout ${pb?.id} failed (account closed)`,
    );
    expectConsistent(failed);
  });

  it('refuses an unknown partner or program and a bad or future period', async () => {
    t = await testTandem({ now: '2026-02-02T00:00:00Z' });
    const { partners } = await payoutWorld(t, { profiles: [csvProfile] });
    const [a] = partners as [{ id: string; code: string }];
    const read = (partnerId: string, program: string, period: string) =>
      readStatement(t, { partnerId, program, period });
    await expect(read('prt_nobody', 'ref', '2026-01')).rejects.toMatchObject({
      code: 'partner_not_found',
    });
    await expect(read(a.id, 'nope', '2026-01')).rejects.toMatchObject({
      code: 'program_not_found',
    });
    for (const period of ['2026-13', '2026-1', 'January', '2026-Q5', ''])
      await expect(read(a.id, 'ref', period)).rejects.toMatchObject({ code: 'invalid_period' });
    await expect(read(a.id, 'ref', '2026-03')).rejects.toMatchObject({ code: 'invalid_period' });
    // The running month has a statement so far.
    expect((await read(a.id, 'ref', '2026-02')).sections).toEqual([]);
    expect(await listStatementPeriods(t, a.id, 'ref')).toEqual([]);
    await expect(listStatementPeriods(t, 'prt_nobody', 'ref')).rejects.toMatchObject({
      code: 'partner_not_found',
    });
  });
});
