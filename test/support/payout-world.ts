import { sql } from 'kysely';
import { fixedClock } from '../../src/engine/deps.js';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { ingestEvents } from '../../src/engine/ingest-events.js';
import { createPartner } from '../../src/engine/partners.js';
import { putPayoutProfile } from '../../src/engine/payout-profiles.js';
import { createProgram } from '../../src/engine/programs.js';
import { releaseAllDue } from '../../src/engine/release-holds.js';
import { createCode } from '../../src/engine/tracking.js';
import type { TestTandem } from './test-tandem.js';

/**
 * Program `ref` (from 2026-01-01): 10% of every payment, no hold, and the
 * given `payouts` terms; partners enrolled with codes `CODE0…`, each with a
 * payout profile unless it is `null`.
 */
export async function payoutWorld(
  t: TestTandem,
  opts: {
    payouts?: Record<string, unknown>;
    profiles: (Record<string, unknown> | null)[];
    currency?: string;
  },
): Promise<{ programId: string; partners: { id: string; code: string }[] }> {
  const past = { ...t, clock: fixedClock(Date.parse('2026-01-01T00:00:00Z')) };
  const program = await createProgram(past, {
    key: 'ref',
    name: 'Referrals',
    firstVersion: {
      effectiveFrom: Date.parse('2026-01-01T00:00:00Z'),
      terms: {
        currency: opts.currency ?? 'USD',
        hold_days: 0,
        rewards: [{ id: 'share', event: 'payment', percent: 10 }],
        ...(opts.payouts ? { payouts: opts.payouts } : {}),
      },
    },
  });
  const partners: { id: string; code: string }[] = [];
  for (const [i, profile] of opts.profiles.entries()) {
    const p = await createPartner(past, {
      name: `Partner ${i}`,
      kinds: ['referral'],
      status: 'approved',
      programs: ['ref'],
    });
    const code = `CODE${i}`;
    await createCode(past, { partnerId: p.id, program: 'ref', kind: 'referral_code', code });
    if (profile) await putPayoutProfile(past, p.id, profile, 'test');
    partners.push({ id: p.id, code });
  }
  return { programId: program.id, partners };
}

let seq = 0;

/** A payment of `revenue` by a new customer through `code` (earning 10% of it), derived and released. */
export async function earn(
  t: TestTandem,
  code: string,
  revenue: string,
  opts: { at?: string; currency?: string; id?: string; customer?: string } = {},
): Promise<string> {
  const id = opts.id ?? `pay-${++seq}-${code}`;
  await ingestEvents(t, [
    {
      id,
      type: 'payment',
      occurred_at: opts.at ?? '2026-01-15T10:00:00Z',
      customer: { id: opts.customer ?? `cust-${id}` },
      currency: opts.currency ?? 'USD',
      revenue,
      referral_code: code,
    },
  ]);
  await deriveAll(t);
  await releaseAllDue(t);
  return id;
}

/** A full refund of payment `paymentId`, derived and released. */
export async function refund(t: TestTandem, paymentId: string, customer: string, at: string) {
  await ingestEvents(t, [
    {
      id: `refund-${paymentId}`,
      type: 'refund',
      occurred_at: at,
      customer: { id: customer },
      payment_id: paymentId,
    },
  ]);
  await deriveAll(t);
  await releaseAllDue(t);
}

/**
 * The money invariant, per currency: every ledger transaction balances, so
 * the sum of all entries is zero; and what partners hold (pending,
 * available, processing, paid) plus the conversion account equals what the
 * program's expense account paid out.
 */
export async function ledgerSums(t: TestTandem) {
  const rows = await sql<{ currency: string; total: unknown }>`
    SELECT currency, SUM(amount) AS total FROM ledger_entries GROUP BY currency`.execute(
    t.store.db,
  );
  return Object.fromEntries(rows.rows.map((r) => [r.currency, BigInt(String(r.total))]));
}
