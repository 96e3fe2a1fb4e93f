import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliServer } from '../../test/support/cli-server.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { fixedClock } from '../engine/deps.js';
import { deriveAll } from '../engine/derive-dirty-units.js';
import { ingestEvents } from '../engine/ingest-events.js';
import { createPartner } from '../engine/partners.js';
import { createProgram } from '../engine/programs.js';
import { createCode } from '../engine/tracking.js';

const at = (s: string) => Date.parse(s);

describe(`tandem tiers and tandem budget (${backend})`, () => {
  const clock = fixedClock(at('2026-01-01T00:00:00Z'));
  let t: TestTandem;
  let server: Awaited<ReturnType<typeof cliServer>>;
  let partnerId: string;

  beforeAll(async () => {
    t = await testTandem({ clock });
    await createProgram(t, {
      key: 'ref',
      name: 'Referrals',
      firstVersion: {
        terms: {
          currency: 'USD',
          hold_days: 0,
          rewards: [{ id: 'share', event: 'payment', percent: 10 }],
          benefits: [{ id: 'priority-support', name: 'Priority support' }],
          tiers: {
            levels: [
              {
                id: 'silver',
                name: 'Silver',
                requires: [{ metric: 'payments', window_days: 30, at_least: 1 }],
                benefits: ['priority-support'],
              },
              {
                id: 'gold',
                name: 'Gold',
                requires: [{ metric: 'payments', window_days: 30, at_least: 4 }],
                multiplier: 1.5,
              },
            ],
          },
          budget: { monthly: '100.00', when_exhausted: 'stop' },
        },
      },
    });
    const p = await createPartner(t, {
      name: 'P',
      status: 'approved',
      kinds: ['referral'],
      programs: ['ref'],
    });
    partnerId = p.id;
    await createCode(t, { partnerId, program: 'ref', kind: 'referral_code', code: 'CLI' });
    clock.set(at('2026-01-20T00:00:00Z'));
    await ingestEvents(t, [
      {
        id: 'p1',
        type: 'payment',
        occurred_at: '2026-01-05T00:00:00Z',
        customer: { id: 'a' },
        currency: 'USD',
        revenue: '300.00',
        referral_code: 'CLI',
      },
      {
        id: 'p2',
        type: 'payment',
        occurred_at: '2026-01-06T00:00:00Z',
        customer: { id: 'b' },
        currency: 'USD',
        revenue: '900.00',
        referral_code: 'CLI',
      },
    ]);
    await deriveAll(t);
    server = await cliServer(t);
  });

  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  const tandem = (...argv: string[]) => server.tandem(...argv);

  it('evaluates tiers and shows a partner its tier and progress', async () => {
    const ev = await tandem('tiers', 'evaluate', '--program', 'ref');
    expect(ev.code, ev.err).toBe(0);
    expect(ev.out).toContain('1 partners evaluated, 1 changes');
    expect(ev.out).toMatch(new RegExp(`${partnerId}\\s+-\\s+silver\\s+promotion`));
    const again = await tandem('tiers', 'evaluate', '--program', 'ref');
    expect(again.out).toContain('0 changes');
    const show = await tandem('tiers', 'show', partnerId);
    expect(show.code, show.err).toBe(0);
    expect(show.out).toContain('ref: Silver since 2026-01-20');
    expect(show.out).toContain('benefits: Priority support');
    expect(show.out).toMatch(/payments \(30 days\)\s+2 of 4\s+50%/);
  });

  it('prints the budget view: the stop policy held January at exactly 100.00', async () => {
    const r = await tandem('budget', '--program', 'ref', '--month', '2026-01');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/budget\s+100\.00 USD \(stop\)/);
    expect(r.out).toMatch(/spent\s+100\.00/);
    expect(r.out).toMatch(/remaining\s+0\.00/);
    expect(r.out).toMatch(/attributed revenue\s+1200\.00/);
    const bad = await tandem('budget', '--program', 'ref', '--month', '2026-13');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('invalid_period');
  });
});
