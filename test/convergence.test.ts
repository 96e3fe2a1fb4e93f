import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { prng } from '../src/core/prng.js';
import { DAY_MS } from '../src/core/time.js';
import { closeBonusPeriods } from '../src/engine/bonus-periods.js';
import { fixedClock } from '../src/engine/deps.js';
import { deriveAll } from '../src/engine/derive-dirty-units.js';
import { ingestEvents } from '../src/engine/ingest-events.js';
import { createPartner } from '../src/engine/partners.js';
import { createProgram, publishVersion } from '../src/engine/programs.js';
import { readBalances } from '../src/engine/read-balances.js';
import { type ClickInput, recordClicks } from '../src/engine/record-clicks.js';
import { releaseAllDue } from '../src/engine/release-holds.js';
import { createCode, createLink } from '../src/engine/tracking.js';
import { expectSummariesMatch } from './support/expect-summaries.js';
import { sequentialIds } from './support/sequential-ids.js';
import { backend, type TestTandem, testTandem } from './support/test-tandem.js';

const START = Date.parse('2026-01-01T00:00:00Z');
const END = START + 400 * DAY_MS;
const PARTNERS = 8;

type Item =
  | { kind: 'click'; click: ClickInput }
  | { kind: 'event'; event: Record<string, unknown> };

/**
 * A stream of clicks and events over ~13 months: signups quoting clicks,
 * referral codes or coupons (and some quoting nothing), activations,
 * payments in USD and JPY, partial and full refunds, chargebacks, refunds
 * that name a payment that never arrives, and bot clicks.
 */
function generate(seed: number, size: number, world: World): Item[] {
  const rand = prng(seed);
  const items: Item[] = [];
  const iso = (t: number) => new Date(t).toISOString();
  let c = 0;
  while (items.length < size) {
    c++;
    const p = world.partners[Math.floor(rand() * PARTNERS)] as World['partners'][number];
    const t0 = START + Math.floor(rand() * 300 * DAY_MS);
    const customer = {
      id: `cus_${seed}_${c}`,
      side: rand() < 0.6 ? 'seller' : 'buyer',
      country: rand() < 0.5 ? 'US' : 'JP',
    };
    const clickId = `clk_${seed}_${c}`;
    const bot = rand() < 0.05;
    items.push({
      kind: 'click',
      click: {
        id: clickId,
        linkId: p.linkId,
        partnerId: p.id,
        programId: world.programId,
        occurredAt: t0,
        ip: '192.0.2.1',
        userAgent: bot ? 'Googlebot/2.1' : 'Mozilla/5.0 Chrome/120',
        referer: undefined,
      },
    });
    const r = rand();
    const evidence =
      r < 0.6
        ? { click_id: clickId }
        : r < 0.75
          ? { referral_code: p.code.toLowerCase() }
          : r < 0.9
            ? { coupon: p.coupon }
            : {};
    let t = t0 + Math.floor(rand() * 20 * DAY_MS);
    items.push({
      kind: 'event',
      event: { id: `su_${c}`, type: 'signup', occurred_at: iso(t), customer, ...evidence },
    });
    if (rand() < 0.7) {
      t += Math.floor(rand() * 5 * DAY_MS);
      items.push({
        kind: 'event',
        event: { id: `ac_${c}`, type: 'activation', occurred_at: iso(t), customer },
      });
    }
    const currency = customer.country === 'JP' ? 'JPY' : 'USD';
    const payments = Math.floor(rand() * 6);
    for (let m = 0; m < payments; m++) {
      t += Math.floor((20 + rand() * 40) * DAY_MS);
      if (t >= END) break;
      const amount =
        currency === 'JPY'
          ? `${1000 + Math.floor(rand() * 20000)}`
          : `${10 + Math.floor(rand() * 300)}.${String(Math.floor(rand() * 100)).padStart(2, '0')}`;
      const id = `pay_${c}_${m}`;
      items.push({
        kind: 'event',
        event: {
          id,
          type: 'payment',
          occurred_at: iso(t),
          customer,
          currency,
          revenue: amount,
          gross: amount,
        },
      });
      const x = rand();
      if (x < 0.08) {
        items.push({
          kind: 'event',
          event: {
            id: `rf_${c}_${m}`,
            type: 'refund',
            occurred_at: iso(t + DAY_MS),
            customer,
            payment_id: id,
          },
        });
      } else if (x < 0.14) {
        const part = currency === 'JPY' ? '333' : '3.33';
        items.push({
          kind: 'event',
          event: {
            id: `rfa_${c}_${m}`,
            type: 'refund',
            occurred_at: iso(t + DAY_MS),
            customer,
            payment_id: id,
            currency,
            revenue: part,
          },
        });
        items.push({
          kind: 'event',
          event: {
            id: `rfb_${c}_${m}`,
            type: 'refund',
            occurred_at: iso(t + 2 * DAY_MS),
            customer,
            payment_id: id,
            currency,
            revenue: part,
          },
        });
      } else if (x < 0.16) {
        items.push({
          kind: 'event',
          event: {
            id: `cb_${c}_${m}`,
            type: 'chargeback',
            occurred_at: iso(t + 40 * DAY_MS),
            customer,
            payment_id: id,
          },
        });
      } else if (x < 0.17) {
        items.push({
          kind: 'event',
          event: {
            id: `orphan_${c}_${m}`,
            type: 'refund',
            occurred_at: iso(t),
            customer,
            payment_id: `never_${c}`,
          },
        });
      }
    }
  }
  return items;
}

interface World {
  programId: string;
  partners: { id: string; linkId: string; code: string; coupon: string }[];
}

async function setUp(t: TestTandem): Promise<World> {
  const past = { ...t, clock: fixedClock(START - DAY_MS) };
  const program = await createProgram(past, { key: 'referrals', name: 'Referrals' });
  await publishVersion(past, {
    program: 'referrals',
    effectiveFrom: START,
    terms: {
      currency: 'USD',
      attribution: { model: 'last_touch', window_days: 30 },
      hold_days: 30,
      rewards: [
        { id: 'signup', event: 'signup', flat: '1.00' },
        {
          id: 'activation',
          event: 'activation',
          flat: '10.00',
          when: { field: 'customer.side', op: 'eq', value: 'seller' },
        },
        {
          id: 'share',
          event: 'payment',
          percent: 12.5,
          duration: { months: 6, from: 'first_payment' },
          cap_per_customer: '120.00',
        },
      ],
      caps: { per_partner_per_month: '900.00' },
      // Tiers (history written below), accelerators and bonuses take part too.
      tiers: { levels: [{ id: 'gold', requires: [], multiplier: 1.25 }] },
      accelerators: [
        {
          id: 'jp-sellers',
          from: new Date(START + 30 * DAY_MS).toISOString(),
          to: new Date(START + 120 * DAY_MS).toISOString(),
          multiplier: 1.5,
          when: {
            all: [
              { field: 'customer.country', op: 'eq', value: 'JP' },
              { field: 'customer.side', op: 'eq', value: 'seller' },
            ],
          },
        },
      ],
      stacking: { mode: 'add', ceiling: 1.6 },
      bonuses: [
        {
          id: 'activations',
          metric: 'activations',
          steps: [
            { at_least: 5, pays: '25.00' },
            { at_least: 10, pays: '60.00' },
          ],
        },
      ],
    },
  });
  // A second version mid-stream changes the rate: events are judged by the version at their time.
  await publishVersion(
    { ...t, clock: fixedClock(START + 150 * DAY_MS) },
    {
      program: 'referrals',
      effectiveFrom: START + 200 * DAY_MS,
      terms: {
        currency: 'USD',
        attribution: {
          model: 'first_touch',
          window_days: 45,
          priority: ['referral_code', 'coupon', 'click'],
        },
        hold_days: 14,
        rewards: [
          { id: 'activation', event: 'activation', flat: '12.00' },
          {
            id: 'share',
            event: 'payment',
            percent: 15,
            duration: { months: 6, from: 'first_payment' },
            cap_per_customer: '120.00',
          },
        ],
        // A budget that binds in busy months: every accrual of the month is scaled.
        budget: { monthly: '1500.00', when_exhausted: 'prorate' },
        margin_guard: { max_percent: 20 },
        bonuses: [
          {
            id: 'quarter-revenue',
            metric: 'referred_revenue',
            period: 'quarter',
            steps: [{ at_least: '2000.00', pays: '100.00' }],
          },
        ],
      },
    },
  );
  const partners: World['partners'] = [];
  for (let i = 0; i < PARTNERS; i++) {
    const p = await createPartner(past, {
      name: `Partner ${i}`,
      kinds: ['referral'],
      status: 'approved',
    });
    const link = await createLink(past, {
      partnerId: p.id,
      program: 'referrals',
      destination: 'https://m.example/',
      code: `l${i}`,
    });
    const code = await createCode(past, {
      partnerId: p.id,
      program: 'referrals',
      kind: 'referral_code',
      code: `REF${i}`,
    });
    const coupon = await createCode(past, {
      partnerId: p.id,
      program: 'referrals',
      kind: 'coupon',
      code: `SAVE${i}`,
    });
    partners.push({ id: p.id, linkId: link.id, code: code.code, coupon: coupon.code });
    // Tier history is an input like partner status: half the partners hold
    // gold for a stretch, so the tier boost must converge like the rest.
    if (i % 2 === 0) {
      for (const [n, at, tier] of [
        [0, START + (40 + i) * DAY_MS, 'gold'],
        [1, START + (160 + i) * DAY_MS, null],
      ] as const) {
        await t.store.db
          .insertInto('partner_tier_history')
          .values({
            id: `tch_${i}_${n}`,
            program_id: program.id,
            partner_id: p.id,
            tier,
            previous: null,
            at,
            reason: 'test',
            version_id: 'v',
            metrics: '{}',
          })
          .execute();
      }
    }
  }
  return { programId: program.id, partners };
}

async function deliver(t: TestTandem, items: Item[], batch: (i: number) => number) {
  for (let i = 0, b = 0; i < items.length; b++) {
    const size = batch(b);
    const part = items.slice(i, i + size);
    i += size;
    await recordClicks(
      t,
      part.flatMap((x) => (x.kind === 'click' ? [x.click] : [])),
    );
    const events = part.flatMap((x) => (x.kind === 'event' ? [x.event] : []));
    if (events.length) {
      const r = await ingestEvents(t, events);
      expect(r.rejected).toBe(0);
    }
    await deriveAll(t);
  }
  await closeBonusPeriods(t);
  await deriveAll(t);
  await releaseAllDue(t);
}

/** Everything a partner can see of money: balances and the net accrual per (event, rule, partner, currency). */
async function outcome(t: TestTandem, world: World) {
  const balances: Record<string, unknown> = {};
  for (const p of world.partners) balances[p.id] = await readBalances(t, p.id);
  const rows = await sql<{
    external_id: string;
    rule_id: string;
    partner_id: string;
    currency: string;
    net: unknown;
  }>`
    SELECT COALESCE(e.external_id, l.key) AS external_id, l.rule_id, l.partner_id, l.currency,
      SUM(l.amount) AS net
    FROM accrual_lines l LEFT JOIN events e ON e.id = l.event_id
    GROUP BY COALESCE(e.external_id, l.key), l.rule_id, l.partner_id, l.currency`.execute(
    t.store.db,
  );
  const accruals = rows.rows
    .map((r) => ({ ...r, net: BigInt(r.net as string | bigint) }))
    .filter((r) => r.net !== 0n)
    .map((r) => `${r.external_id}|${r.rule_id}|${r.partner_id}|${r.currency}|${r.net}`)
    .sort();
  return { balances, accruals };
}

describe(`convergence (${backend})`, () => {
  it('≥10,000 events delivered 1–3 times in shuffled order give the same ledger as one in-order delivery', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const ordered = await testTandem({
          now: new Date(END + 60 * DAY_MS).toISOString(),
          ids: sequentialIds(),
        });
        const shuffled = await testTandem({
          now: new Date(END + 60 * DAY_MS).toISOString(),
          ids: sequentialIds(),
        });
        try {
          const worldA = await setUp(ordered);
          const worldB = await setUp(shuffled);
          expect(worldB).toEqual(worldA);
          const items = generate(seed, 10_000, worldA);
          const time = (x: Item) =>
            x.kind === 'click' ? x.click.occurredAt : Date.parse(x.event.occurred_at as string);
          const inOrder = [...items].sort((a, b) => time(a) - time(b));
          const rand = prng(seed ^ 0x5bd1e995);
          const copies = items.flatMap((x) =>
            Array.from({ length: 1 + Math.floor(rand() * 3) }, () => x),
          );
          for (let i = copies.length - 1; i > 0; i--) {
            const j = Math.floor(rand() * (i + 1));
            [copies[i], copies[j]] = [copies[j] as Item, copies[i] as Item];
          }
          expect(items.length).toBeGreaterThanOrEqual(10_000);
          await deliver(ordered, inOrder, () => 500);
          await deliver(shuffled, copies, () => 50 + Math.floor(rand() * 900));
          const a = await outcome(ordered, worldA);
          const b = await outcome(shuffled, worldB);
          expect(a.accruals.length).toBeGreaterThan(1000);
          // The new stages really took part: bonuses, tier and accelerator boosts, the budget.
          const count = async (where: ReturnType<typeof sql>) =>
            Number(
              (
                await sql<{
                  n: unknown;
                }>`SELECT COUNT(*) AS n FROM accrual_lines WHERE ${where}`.execute(ordered.store.db)
              ).rows[0]?.n,
            );
          const trace = (text: string) => sql`CAST(trace AS TEXT) LIKE ${`%${text}%`}`;
          expect(await count(sql`rule_id IN ('activations', 'quarter-revenue')`)).toBeGreaterThan(
            0,
          );
          expect(await count(trace('tier gold'))).toBeGreaterThan(0);
          expect(await count(trace('accelerator jp-sellers'))).toBeGreaterThan(0);
          expect(await count(trace('monthly budget'))).toBeGreaterThan(0);
          expect(b.balances).toEqual(a.balances);
          expect(b.accruals).toEqual(a.accruals);
          // The summaries the dashboards read follow every re-derivation and duplicate.
          await expectSummariesMatch(ordered);
          await expectSummariesMatch(shuffled);
        } finally {
          await ordered.close();
          await shuffled.close();
        }
      }),
      { numRuns: 2 },
    );
  }, 600_000);
});
