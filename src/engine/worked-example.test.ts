import { afterEach, describe, expect, it } from 'vitest';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { workedExampleTerms } from '../../test/support/worked-example.js';
import { fixedClock } from './deps.js';
import { deriveAll } from './derive-dirty-units.js';
import { ingestEvents } from './ingest-events.js';
import { createPartner } from './partners.js';
import { createProgram, publishVersion } from './programs.js';
import { listAccruals } from './read-accruals.js';
import { readBalances } from './read-balances.js';
import { recordClicks } from './record-clicks.js';
import { releaseAllDue } from './release-holds.js';
import { createLink } from './tracking.js';

const at = (s: string) => Date.parse(s.length === 10 ? `${s}T12:00:00Z` : s);

describe(`the worked example (${backend})`, () => {
  let t: TestTandem;
  afterEach(async () => t?.close());

  it('a seller referred by a click earns 10.00 + 11 × 20.00 = 230.00, each available 30 days after its event', async () => {
    const clock = fixedClock(at('2025-12-01'));
    t = await testTandem({ clock });
    await createProgram(t, { key: 'referrals', name: 'Referrals' });
    await publishVersion(t, {
      program: 'referrals',
      effectiveFrom: Date.parse('2026-01-01T00:00:00Z'),
      terms: workedExampleTerms,
    });
    const p = await createPartner(t, { name: 'P', kinds: ['referral'], status: 'approved' });
    const link = await createLink(t, {
      partnerId: p.id,
      program: 'referrals',
      destination: 'https://market.example/sell',
    });
    clock.set(at('2026-01-03'));
    await recordClicks(t, [
      {
        id: 'clk_1',
        linkId: link.id,
        partnerId: p.id,
        programId: (await t.store.db.selectFrom('programs').select('id').executeTakeFirstOrThrow())
          .id,
        occurredAt: at('2026-01-03'),
        ip: '203.0.113.9',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120',
        referer: undefined,
      },
    ]);
    const seller = { id: 'S', side: 'seller' as const };
    const events: unknown[] = [
      {
        id: 'su',
        type: 'signup',
        occurred_at: '2026-01-05T12:00:00Z',
        customer: seller,
        click_id: 'clk_1',
      },
      { id: 'ac', type: 'activation', occurred_at: '2026-01-06T12:00:00Z', customer: seller },
    ];
    for (let m = 0; m < 15; m++) {
      const d = new Date(Date.UTC(2026, m, 10, 12));
      events.push({
        id: `pay-${m}`,
        type: 'payment',
        occurred_at: d.toISOString(),
        customer: seller,
        currency: 'USD',
        revenue: '100.00',
        gross: '500.00',
      });
    }
    events.push({
      id: 'rf',
      type: 'refund',
      occurred_at: '2026-02-20T12:00:00Z',
      customer: seller,
      payment_id: 'pay-1',
    });
    clock.set(at('2027-03-11'));
    const r = await ingestEvents(t, events);
    expect(r.rejected).toBe(0);
    await deriveAll(t);

    const lines = (await listAccruals(t, { partnerId: p.id, limit: 100 })).data;
    const total = lines.reduce((s, l) => s + BigInt(l.amount_minor), 0n);
    expect(total).toBe(23000n);
    expect(lines.filter((l) => l.kind === 'accrual' && l.rule_id === 'revenue-share')).toHaveLength(
      12,
    );
    expect(lines.filter((l) => l.kind === 'reversal').map((l) => l.amount)).toEqual(['-20.00']);
    const late = lines.filter((l) => l.occurred_at >= '2027-01-10');
    expect(late).toEqual([]);
    for (const l of lines.filter((x) => x.kind === 'accrual')) {
      expect(Date.parse(l.available_at) - Date.parse(l.occurred_at)).toBe(30 * 86_400_000);
    }
    // Everything is long past its hold at this clock, so all of it is available.
    await releaseAllDue(t);
    expect(await readBalances(t, p.id)).toEqual([
      expect.objectContaining({
        currency: 'USD',
        pending: '0.00',
        available: '230.00',
        paid: '0.00',
        negative: '0.00',
      }),
    ]);
    // Re-deriving changes nothing; re-sending everything changes nothing.
    const again = await ingestEvents(t, events);
    expect(again.duplicates).toBe(events.length);
    expect((await deriveAll(t)).lines).toBe(0);
  });
});
