import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { earn, payoutWorld, refund } from '../../test/support/payout-world.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { cancelPayoutRun } from './cancel-payout.js';
import { createPayoutRun } from './create-payout-run.js';
import { readBalances } from './read-balances.js';
import { listPayouts } from './read-payout-runs.js';
import { recordPayoutOutcome } from './record-payout-outcome.js';
import { sendPayoutRun } from './send-payout-run.js';

const csvProfile = { rail: 'csv', details: { account_holder: 'A', account_number: '12345678' } };
const MONTH = 31 * 86_400_000;

type Step =
  | { kind: 'earn'; partner: number; revenue: number }
  | { kind: 'refund'; nth: number }
  | { kind: 'run'; outcome: 'settle' | 'fail' | 'cancel' | 'leave' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('earn' as const),
      partner: fc.nat(2),
      revenue: fc.integer({ min: 1, max: 90_000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), nth: fc.nat(20) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      outcome: fc.constantFrom(
        'settle' as const,
        'fail' as const,
        'cancel' as const,
        'leave' as const,
      ),
    }),
  },
);

/** What the ledger says each partner holds, in minor units, and what its lines earned net. */
async function partnerState(t: TestTandem, partnerId: string) {
  const [b] = await readBalances(t, partnerId);
  const m = b?.minor ?? { pending: '0', available: '0', processing: '0', paid: '0' };
  const earned = await sql<{ total: unknown }>`
    SELECT COALESCE(SUM(amount), 0) AS total FROM accrual_lines WHERE partner_id = ${partnerId}`.execute(
    t.store.db,
  );
  return {
    pending: BigInt(m.pending),
    available: BigInt(m.available),
    processing: BigInt(m.processing),
    paid: BigInt(m.paid),
    earnedNet: BigInt(String(earned.rows[0]?.total ?? 0)),
  };
}

describe(`payout invariants under random earnings, refunds and runs (${backend})`, () => {
  it('payouts plus remaining balances always equal what was earned minus reversals; no payout exceeds the balance or falls below the minimum', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 14 }), async (steps) => {
        const t = await testTandem({ now: '2026-01-10T00:00:00Z' });
        try {
          const { partners } = await payoutWorld(t, {
            payouts: { minimum: '20.00' },
            profiles: [csvProfile, csvProfile, csvProfile],
          });
          const payments: { id: string; customer: string }[] = [];
          let n = 0;
          for (const s of steps) {
            if (s.kind === 'earn') {
              const p = partners[s.partner] as { code: string };
              const customer = `c${++n}`;
              const at = new Date(t.clock.now() - 60_000).toISOString();
              const id = await earn(t, p.code, (s.revenue / 100).toFixed(2), { at, customer });
              payments.push({ id, customer });
            } else if (s.kind === 'refund') {
              const pay = payments.splice(s.nth % Math.max(payments.length, 1), 1)[0];
              if (pay)
                await refund(
                  t,
                  pay.id,
                  pay.customer,
                  new Date(t.clock.now() - 30_000).toISOString(),
                );
            } else {
              // A new month, so a new period can be run.
              t.clock.advance(MONTH);
              const before = new Map<string, bigint>();
              for (const p of partners) before.set(p.id, (await partnerState(t, p.id)).available);
              const run = await createPayoutRun(t, { program: 'ref', actor: 'ops' });
              const paid = (await listPayouts(t, { run_id: run.id })).data;
              for (const p of paid) {
                // The whole available balance is claimed, never more, never below the minimum.
                expect(BigInt(p.minor)).toBe(before.get(p.partner_id));
                expect(BigInt(p.minor)).toBeGreaterThanOrEqual(2000n);
                expect((await partnerState(t, p.partner_id)).available).toBe(0n);
              }
              for (const p of partners)
                if (!paid.some((x) => x.partner_id === p.id))
                  // Held: below the minimum or negative; the balance carries forward untouched.
                  expect((await partnerState(t, p.id)).available).toBe(before.get(p.id));
              if (s.outcome === 'cancel') await cancelPayoutRun(t, run.id, 'ops', 'test');
              else {
                await sendPayoutRun(t, run.id, 'ops');
                for (const p of paid)
                  if (s.outcome === 'settle')
                    await recordPayoutOutcome(
                      t,
                      p.id,
                      { status: 'settled', reference: `r-${p.id}` },
                      'ops',
                    );
                  else if (s.outcome === 'fail')
                    await recordPayoutOutcome(
                      t,
                      p.id,
                      { status: 'failed', reason: 'bounced' },
                      'ops',
                    );
              }
            }
            for (const p of partners) {
              const st = await partnerState(t, p.id);
              expect(st.pending + st.available + st.processing + st.paid).toBe(st.earnedNet);
            }
          }
          const sums = await sql<{
            total: unknown;
          }>`SELECT SUM(amount) AS total FROM ledger_entries`.execute(t.store.db);
          expect(BigInt(String(sums.rows[0]?.total ?? 0))).toBe(0n);
        } finally {
          await t.close();
        }
      }),
      { numRuns: backend === 'postgres' ? 8 : 20 },
    );
  }, 240_000);
});
