import { afterEach, describe, expect, it } from 'vitest';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { fixedClock } from './deps.js';
import { ingestEvents } from './ingest-events.js';
import { createPartner } from './partners.js';
import { createProgram } from './programs.js';
import { createCode } from './tracking.js';
import { startWorker } from './worker.js';

const at = (iso: string) => Date.parse(iso);

describe(`the worker's scheduled jobs (${backend})`, () => {
  let t: TestTandem;
  afterEach(async () => t?.close());

  it('derives, closes ended bonus periods and evaluates tiers on its own', async () => {
    t = await testTandem({ now: '2026-02-15T00:00:00Z' });
    const past = { ...t, clock: fixedClock(at('2026-01-01T00:00:00Z')) };
    await createProgram(past, {
      key: 'ref',
      name: 'Referrals',
      firstVersion: {
        terms: {
          currency: 'USD',
          hold_days: 0,
          rewards: [],
          tiers: { levels: [{ id: 'gold', requires: [{ metric: 'activations', at_least: 1 }] }] },
          bonuses: [{ id: 'one', metric: 'activations', steps: [{ at_least: 1, pays: '5.00' }] }],
        },
      },
    });
    const p = await createPartner(past, {
      name: 'P',
      kinds: ['referral'],
      status: 'approved',
      programs: ['ref'],
    });
    await createCode(past, { partnerId: p.id, program: 'ref', kind: 'referral_code', code: 'WRK' });
    await ingestEvents(t, [
      {
        id: 'a1',
        type: 'activation',
        occurred_at: '2026-01-20T00:00:00Z',
        customer: { id: 'c1' },
        referral_code: 'WRK',
      },
    ]);
    const worker = startWorker(t, { intervalMs: 10 });
    try {
      // First pass: derives the activation, closes January (which marks the bonus unit)
      // and evaluates tiers. A staged unit settles a second after its mark.
      await worker.idle();
      t.clock.advance(2_000);
      await worker.idle();
    } finally {
      await worker.stop();
    }
    const tiers = await t.store.db
      .selectFrom('partner_tiers')
      .select(['partner_id', 'tier'])
      .execute();
    expect(tiers).toEqual([{ partner_id: p.id, tier: 'gold' }]);
    const bonus = await t.store.db
      .selectFrom('accrual_lines')
      .select(['rule_id', 'amount'])
      .where('partner_id', '=', p.id)
      .execute();
    expect(bonus.map((b) => [b.rule_id, Number(b.amount)])).toEqual([['one', 500]]);
  });
});
