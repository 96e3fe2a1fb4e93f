import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeStripe, startFakeStripe } from '../../test/support/fake-stripe.js';
import { earn, ledgerSums, payoutWorld } from '../../test/support/payout-world.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { createPayoutRun } from './create-payout-run.js';
import { stripeRail } from './rails/stripe-rail.js';
import { readBalances } from './read-balances.js';
import { listPayouts, readPayout } from './read-payout-runs.js';
import { recordPayoutOutcome } from './record-payout-outcome.js';
import { resumePayouts } from './resume-payouts.js';
import { sendPayoutRun } from './send-payout-run.js';

const stripeProfile = (account: string) => ({ rail: 'stripe', details: { account } });

describe(`Stripe Connect payouts against a fake Stripe (${backend})`, () => {
  let stripe: FakeStripe;
  let t: TestTandem;
  beforeAll(async () => {
    stripe = await startFakeStripe();
  });
  afterAll(async () => stripe.close());
  afterEach(async () => t?.close());

  async function world(partners: number) {
    t = await testTandem({
      now: '2026-02-02T00:00:00Z',
      rails: {
        stripe: stripeRail({ apiKey: 'sk_test_tandem', baseUrl: stripe.url, timeoutMs: 300 }),
      },
    });
    const w = await payoutWorld(t, {
      profiles: Array.from({ length: partners }, (_, i) =>
        stripeProfile(`acct_${i}x${Date.now()}`),
      ),
    });
    for (const p of w.partners) await earn(t, p.code, '250.00');
    const run = await createPayoutRun(t, { program: 'ref', actor: 'ops' });
    const payouts = (await listPayouts(t, { run_id: run.id })).data;
    return { ...w, run, payouts };
  }
  const transfersOf = (payoutId: string) =>
    stripe.transfers().filter((x) => x.transfer_group === payoutId);

  it('pays through transfers keyed by the payout id, and records the transfer as the settlement', async () => {
    const { run, payouts, partners } = await world(2);
    const sent = await sendPayoutRun(t, run.id, 'ops');
    expect(sent.status).toBe('settled');
    for (const p of payouts) {
      const [transfer] = transfersOf(p.id);
      expect(transfersOf(p.id)).toHaveLength(1);
      expect(transfer).toMatchObject({
        amount: 2500,
        currency: 'usd',
        metadata: { payout_id: p.id },
      });
      expect(await readPayout(t, p.id)).toMatchObject({
        status: 'settled',
        reference: transfer?.id,
      });
    }
    const keys = stripe
      .requests()
      .filter((r) => r.method === 'POST')
      .map((r) => r.idempotencyKey);
    expect(keys.sort()).toEqual(payouts.map((p) => p.id).sort());
    expect((await readBalances(t, partners[0]?.id as string))[0]).toMatchObject({
      paid: '25.00',
      processing: '0.00',
    });
    expect(await ledgerSums(t)).toEqual({ USD: 0n });
  });

  for (const fault of ['timeout_after_create', 'lost_after_create'] as const) {
    it(`a transfer made but not answered (${fault}) is asked again with the same key: one transfer`, async () => {
      const { run, payouts } = await world(1);
      stripe.failNext(fault);
      await sendPayoutRun(t, run.id, 'ops');
      const [p] = payouts;
      expect(transfersOf(p?.id as string)).toHaveLength(1);
      const posts = stripe.requests().filter((r) => r.idempotencyKey === p?.id);
      expect(posts.length).toBeGreaterThanOrEqual(2);
      const after = await readPayout(t, p?.id as string);
      expect(after).toMatchObject({
        status: 'settled',
        reference: transfersOf(p?.id as string)[0]?.id,
      });
      expect(after.attempts).toBe(2);
    });
  }

  it('a payout left sending when the rail never answers is finished by resume, still with one transfer', async () => {
    const { run, payouts } = await world(1);
    stripe.failNext('timeout', 3);
    await sendPayoutRun(t, run.id, 'ops');
    const [p] = payouts;
    expect(await readPayout(t, p?.id as string)).toMatchObject({ status: 'sending', attempts: 3 });
    expect(transfersOf(p?.id as string)).toHaveLength(0);
    await resumePayouts(t, { staleMs: 0 });
    expect(await readPayout(t, p?.id as string)).toMatchObject({ status: 'settled' });
    await resumePayouts(t, { staleMs: 0 });
    expect(transfersOf(p?.id as string)).toHaveLength(1);
  });

  it('a payout still sending a day after its claim is looked up before it is asked again', async () => {
    const { run, payouts } = await world(1);
    stripe.failNext('lost_after_create');
    stripe.failNext('timeout', 2);
    await sendPayoutRun(t, run.id, 'ops');
    const [p] = payouts;
    expect(await readPayout(t, p?.id as string)).toMatchObject({ status: 'sending' });
    expect(transfersOf(p?.id as string)).toHaveLength(1);
    // Past the idempotency key's guaranteed life the transfer is found by its group, not re-sent.
    t.clock.advance(25 * 3_600_000);
    const posts = () =>
      stripe.requests().filter((r) => r.method === 'POST' && r.idempotencyKey === p?.id).length;
    const before = posts();
    await resumePayouts(t, { staleMs: 0 });
    expect(posts()).toBe(before);
    expect(await readPayout(t, p?.id as string)).toMatchObject({
      status: 'settled',
      reference: transfersOf(p?.id as string)[0]?.id,
    });
    expect(transfersOf(p?.id as string)).toHaveLength(1);
  });

  it('a decline fails the payout and returns its money; a 500 with no transfer behind it does too, once lookups have found none for a while', async () => {
    const { run, payouts, partners } = await world(2);
    stripe.failNext('declined');
    stripe.failNext('server_error');
    await sendPayoutRun(t, run.id, 'ops');
    const [declined, errored] = payouts as unknown as [{ id: string }, { id: string }];
    expect(await readPayout(t, declined.id)).toMatchObject({ status: 'failed' });
    expect((await readPayout(t, declined.id)).failure_reason).toMatch(/balance_insufficient/);
    // Stripe calls a 500 indeterminate: the payout stays sending while the transfer may yet appear.
    expect(await readPayout(t, errored.id)).toMatchObject({ status: 'sending' });
    // Nobody may decide it by hand meanwhile.
    await expect(
      recordPayoutOutcome(t, errored.id, { status: 'failed', reason: 'impatient' }, 'ops'),
    ).rejects.toMatchObject({ code: 'invalid_payout_transition' });
    t.clock.advance(16 * 60_000);
    await resumePayouts(t, { staleMs: 0 });
    expect(await readPayout(t, errored.id)).toMatchObject({ status: 'failed' });
    expect((await readPayout(t, errored.id)).failure_reason).toMatch(/500.*still none/);
    for (const p of payouts) expect(transfersOf(p.id)).toHaveLength(0);
    for (const partner of partners)
      expect((await readBalances(t, partner.id))[0]).toMatchObject({
        available: '25.00',
        processing: '0.00',
      });
    expect(await ledgerSums(t)).toEqual({ USD: 0n });
  });
});
