import { afterEach, describe, expect, it } from 'vitest';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { type Deps, fixedClock } from './deps.js';
import {
  BACKLOG_SETTLE_MS,
  deriveAll,
  deriveDirtyUnits,
  deriveIsolating,
  PARK_MS,
} from './derive-dirty-units.js';
import { ingestEvents } from './ingest-events.js';
import { createPartner } from './partners.js';
import { createProgram, publishVersion } from './programs.js';
import { listAccruals } from './read-accruals.js';
import { readBalances } from './read-balances.js';
import { releaseAllDue } from './release-holds.js';
import { createCode } from './tracking.js';

const day = (d: string) => Date.parse(`${d}T00:00:00Z`);

async function world(t: TestTandem, terms: Record<string, unknown>, partners = 1) {
  const past = { ...t, clock: fixedClock(day('2025-12-01')) };
  await createProgram(past, { key: 'ref', name: 'Referrals' });
  await publishVersion(past, { program: 'ref', effectiveFrom: day('2026-01-01'), terms });
  const out: { id: string; code: string }[] = [];
  for (let i = 0; i < partners; i++) {
    const p = await createPartner(past, { name: `P${i}`, kinds: ['referral'], status: 'approved' });
    const c = await createCode(past, {
      partnerId: p.id,
      program: 'ref',
      kind: 'referral_code',
      code: `CODE${i}`,
    });
    out.push({ id: p.id, code: c.code });
  }
  return out;
}

const pay = (id: string, customer: string, at: string, revenue: string, code?: string) => ({
  id,
  type: 'payment',
  occurred_at: `${at}T10:00:00Z`,
  customer: { id: customer },
  currency: 'USD',
  revenue,
  ...(code ? { referral_code: code } : {}),
});

/**
 * One partner under a 50.00 monthly cap (10 % of payments) and three February payments of
 * 300.00 from three customers, ingested through `deps` (a test's own clock), not derived.
 */
async function cappedFebruary(t: TestTandem, deps: Deps) {
  const [p] = await world(t, {
    currency: 'USD',
    hold_days: 0,
    rewards: [{ id: 'share', event: 'payment', percent: 10 }],
    caps: { per_partner_per_month: '50.00' },
  });
  if (!p) throw new Error('no partner');
  await ingestEvents(deps, [
    pay('a', 'A', '2026-02-03', '300.00', p.code),
    pay('b', 'B', '2026-02-10', '300.00', p.code),
    pay('c', 'C', '2026-02-20', '300.00', p.code),
  ]);
  return p;
}

const balance = async (t: TestTandem, partnerId: string) => (await readBalances(t, partnerId))[0];

describe(`derivation through the ledger (${backend})`, () => {
  let t: TestTandem;
  afterEach(async () => t?.close());

  it('a monthly partner cap is shared across customers in time order, and a late earlier event takes precedence', async () => {
    t = await testTandem({ now: '2026-04-01T00:00:00Z' });
    const p = await cappedFebruary(t, t);
    await deriveAll(t);
    expect((await balance(t, p.id))?.available).toBe('50.00');
    const first = (await listAccruals(t, { partnerId: p.id, limit: 50 })).data;
    expect(
      first
        .map((l) => [l.event_id !== '', l.amount])
        .map((x) => x[1])
        .sort(),
    ).toEqual(['20.00', '30.00']);
    // A payment from February 1st arrives late: it comes first in the month, so it takes 30.00
    // and the later ones give way: the month still totals exactly the cap.
    await ingestEvents(t, [pay('early', 'D', '2026-02-01', '300.00', p.code)]);
    await deriveAll(t);
    expect((await balance(t, p.id))?.available).toBe('50.00');
    const lines = (await listAccruals(t, { partnerId: p.id, limit: 50 })).data;
    const net = new Map<string, bigint>();
    for (const l of lines)
      net.set(
        l.key.split(':')[0] as string,
        (net.get(l.key.split(':')[0] as string) ?? 0n) + BigInt(l.amount_minor),
      );
    expect([...net.values()].filter((v) => v !== 0n).sort()).toEqual([2000n, 3000n]);
    expect(lines.some((l) => l.kind === 'adjustment')).toBe(true);
    // Capped lines keep their full trace, with the cap's step after the arithmetic.
    const capped = lines.find((l) => l.kind === 'accrual' && l.amount === '20.00');
    const trace = capped?.trace as {
      program: { version: number };
      rule: { id: string };
      steps: string[];
    };
    expect(trace.program.version).toBe(1);
    expect(trace.rule.id).toBe('share');
    expect(trace.steps[0]).toContain('300.00 revenue × 10% = 30.00 USD');
    expect(trace.steps.at(-1)).toContain('monthly partner cap 50.00');
    // March is a new month with its own cap.
    await ingestEvents(t, [pay('m', 'A', '2026-03-05', '300.00')]);
    await deriveAll(t);
    expect((await balance(t, p.id))?.available).toBe('80.00');
  });

  it('while customers are backlogged (a full round), their months wait BACKLOG_SETTLE_MS instead of DEFAULT_SETTLE_MS', async () => {
    t = await testTandem({ now: '2026-04-01T00:00:00Z' });
    let now = day('2026-04-01');
    const tt = { ...t, clock: { now: () => now } };
    const p = await cappedFebruary(t, tt);
    // Marked (waiting in the inbox or moved): the month's unit.
    const monthsDirty = async () =>
      new Set(
        [
          ...(await t.store.db.selectFrom('dirty_units').select('unit').execute()),
          ...(await t.store.db.selectFrom('dirty_marks').select('unit').execute()),
        ]
          .map((u) => u.unit)
          .filter((u) => u.startsWith('pm:')),
      ).size;
    // Round 1: two of three customers (a full round); their month is marked.
    expect((await deriveDirtyUnits(tt, { limit: 2 })).units).toBe(2);
    expect(await monthsDirty()).toBe(1);
    // 2 s later the month would be due, but customers are still backlogged: only the customer.
    now += 2_000;
    expect((await deriveDirtyUnits(tt, { limit: 1 })).units).toBe(1);
    expect(await monthsDirty()).toBe(1);
    expect((await balance(t, p.id))?.available ?? '0.00').toBe('0.00');
    // No backlog left: the month settles after DEFAULT_SETTLE_MS, once, over all three customers.
    now += 1_000;
    expect((await deriveDirtyUnits(tt, { limit: 2 })).units).toBe(1);
    expect(await monthsDirty()).toBe(0);
    expect((await balance(t, p.id))?.available).toBe('50.00');
    // A backlog does not starve a month: after BACKLOG_SETTLE_MS it is re-capped anyway.
    await ingestEvents(tt, [
      pay('d', 'D', '2026-02-01', '300.00', p.code),
      pay('e', 'E', '2026-02-02', '300.00', p.code),
    ]);
    expect((await deriveDirtyUnits(tt, { limit: 1 })).units).toBe(1);
    now += BACKLOG_SETTLE_MS;
    expect((await deriveDirtyUnits(tt, { limit: 1 })).units).toBe(2);
    expect(await monthsDirty()).toBe(1);
  });

  it('a correction re-derives only events on or after its date, and is recorded in the audit log', async () => {
    t = await testTandem({ now: '2026-06-01T00:00:00Z' });
    const [p] = await world(t, {
      currency: 'USD',
      hold_days: 0,
      rewards: [{ id: 'share', event: 'payment', percent: 20 }],
    });
    if (!p) throw new Error('no partner');
    await ingestEvents(t, [
      pay('jan', 'A', '2026-01-10', '100.00', p.code),
      pay('mar', 'A', '2026-03-10', '100.00'),
      pay('may', 'A', '2026-05-10', '100.00'),
    ]);
    await deriveAll(t);
    expect((await balance(t, p.id))?.available).toBe('60.00');
    await expect(
      publishVersion(t, {
        program: 'ref',
        effectiveFrom: day('2026-03-01'),
        terms: {
          currency: 'USD',
          hold_days: 0,
          rewards: [{ id: 'share', event: 'payment', percent: 10 }],
        },
      }),
    ).rejects.toMatchObject({ code: 'version_in_past' });
    await publishVersion(t, {
      program: 'ref',
      effectiveFrom: day('2026-03-01'),
      correction: true,
      reason: 'the rate from March was agreed at 10%',
      terms: {
        currency: 'USD',
        hold_days: 0,
        rewards: [{ id: 'share', event: 'payment', percent: 10 }],
      },
    });
    await deriveAll(t);
    expect((await balance(t, p.id))?.available).toBe('40.00');
    const lines = (await listAccruals(t, { partnerId: p.id, limit: 50 })).data;
    const jan = lines.filter((l) => l.occurred_at.startsWith('2026-01'));
    expect(jan).toHaveLength(1);
    expect(jan[0]?.kind).toBe('accrual');
    const adjustments = lines.filter((l) => l.kind === 'adjustment');
    expect(adjustments.map((l) => l.amount).sort()).toEqual(['-10.00', '-10.00']);
    const audit = await t.store.db
      .selectFrom('audit_log')
      .select(['action', 'data'])
      .where('action', '=', 'program.correction_published')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]?.data)).toContain('10%');
  });

  it('a refund after the money was paid out is clawed back: the balance goes negative and is carried', async () => {
    t = await testTandem({ now: '2026-01-05T00:00:00Z' });
    const [p] = await world(t, {
      currency: 'USD',
      hold_days: 30,
      rewards: [{ id: 'share', event: 'payment', percent: 20 }],
    });
    if (!p) throw new Error('no partner');
    const clock = t.clock as ReturnType<typeof fixedClock>;
    clock.set(day('2026-02-15'));
    await ingestEvents(t, [pay('p1', 'A', '2026-01-10', '100.00', p.code)]);
    await deriveAll(t);
    // 30 days after Jan 10 is Feb 9: already available at this clock.
    expect(await balance(t, p.id)).toMatchObject({ pending: '0.00', available: '20.00' });
    // What a settled payout does to the ledger: available → paid, balanced.
    const prg = (await t.store.db.selectFrom('programs').select('id').executeTakeFirstOrThrow()).id;
    await t.store.db
      .insertInto('ledger_transactions')
      .values({
        id: 'ltx_payout',
        kind: 'payout',
        unit: null,
        created_at: clock.now(),
        memo: 'test payout',
      })
      .execute();
    await t.store.db
      .insertInto('ledger_entries')
      .values([
        {
          tx_id: 'ltx_payout',
          account: `program:${prg}:partner:${p.id}:available`,
          currency: 'USD',
          amount: -2000n,
          line_id: null,
          created_at: clock.now(),
        },
        {
          tx_id: 'ltx_payout',
          account: `program:${prg}:partner:${p.id}:paid`,
          currency: 'USD',
          amount: 2000n,
          line_id: null,
          created_at: clock.now(),
        },
      ])
      .execute();
    clock.set(day('2026-02-25'));
    await ingestEvents(t, [
      {
        id: 'r1',
        type: 'refund',
        occurred_at: '2026-02-24T00:00:00Z',
        customer: { id: 'A' },
        payment_id: 'p1',
      },
    ]);
    await deriveAll(t);
    expect(await balance(t, p.id)).toMatchObject({
      pending: '0.00',
      available: '-20.00',
      paid: '20.00',
      negative: '20.00',
    });
    // The debt is carried against what the partner earns next, never dropped.
    await ingestEvents(t, [pay('p2', 'B', '2026-01-20', '150.00', p.code)]);
    await deriveAll(t);
    expect(await balance(t, p.id)).toMatchObject({
      available: '10.00',
      negative: '0.00',
      paid: '20.00',
    });
  });

  it('holds release exactly when due, never twice', async () => {
    t = await testTandem({ now: '2026-01-01T00:00:00Z' });
    const [p] = await world(t, {
      currency: 'USD',
      hold_days: 30,
      rewards: [{ id: 'bounty', event: 'signup', flat: '5.00' }],
    });
    if (!p) throw new Error('no partner');
    const clock = t.clock as ReturnType<typeof fixedClock>;
    clock.set(day('2026-01-11'));
    await ingestEvents(t, [
      {
        id: 's',
        type: 'signup',
        occurred_at: '2026-01-10T00:00:00Z',
        customer: { id: 'A' },
        referral_code: 'code0',
      },
    ]);
    await deriveAll(t);
    expect(await balance(t, p.id)).toMatchObject({ pending: '5.00', available: '0.00' });
    clock.set(day('2026-02-09') - 1);
    expect(await releaseAllDue(t)).toBe(0);
    clock.set(day('2026-02-09'));
    expect(await releaseAllDue(t)).toBe(1);
    expect(await releaseAllDue(t)).toBe(0);
    expect(await balance(t, p.id)).toMatchObject({ pending: '0.00', available: '5.00' });
  });
});

describe(`a unit that cannot be derived (${backend})`, () => {
  let t: TestTandem;
  afterEach(async () => t?.close());

  it('is parked and logged while every other unit is derived', async () => {
    t = await testTandem({ now: '2026-03-01T00:00:00Z' });
    const [p] = await world(t, {
      currency: 'USD',
      hold_days: 0,
      rewards: [{ id: 'share', event: 'payment', percent: 10 }],
    });
    if (!p) throw new Error('no partner');
    await ingestEvents(t, [pay('a', 'A', '2026-02-03', '100.00', p.code)]);
    // A corrupt candidate row (no amount) poisons its partner-month unit.
    await t.store.db
      .insertInto('accrual_candidates')
      .values({
        key: 'poison',
        unit: 'pm:prg_x:prt_x:2026-02',
        customer_id: 'Z',
        hash: 'x',
        data: '{}',
        trace: '{}',
      })
      .execute();
    await t.store.db
      .insertInto('dirty_units')
      .values({ unit: 'pm:prg_x:prt_x:2026-02', marked_at: t.clock.now() })
      .execute();
    await expect(deriveDirtyUnits(t, { settleMs: 0 })).rejects.toThrow();
    const r = await deriveIsolating(t);
    expect(r.parked).toEqual(['pm:prg_x:prt_x:2026-02']);
    expect(r.units).toBe(1);
    expect(await balance(t, p.id)).toMatchObject({ available: '10.00' });
    const left = await t.store.db.selectFrom('dirty_units').selectAll().execute();
    expect(left.map((u) => [u.unit, Number(u.marked_at)])).toEqual([
      ['pm:prg_x:prt_x:2026-02', t.clock.now() + PARK_MS],
    ]);
    // Parked: the next rounds leave it alone until its back-off has passed.
    expect((await deriveDirtyUnits(t, { settleMs: 0 })).units).toBe(0);
  });
});

describe(`read models follow re-derivation (${backend})`, () => {
  let t: TestTandem;
  afterEach(async () => t?.close());

  it('a late event that moves the attribution moves the conversions with it', async () => {
    t = await testTandem({ now: '2026-03-01T00:00:00Z' });
    const [p1, p2] = await world(
      t,
      { currency: 'USD', hold_days: 0, rewards: [{ id: 'share', event: 'payment', percent: 10 }] },
      2,
    );
    if (!p1 || !p2) throw new Error('no partners');
    await ingestEvents(t, [
      { id: 's', type: 'signup', occurred_at: '2026-01-05T10:00:00Z', customer: { id: 'A' } },
      pay('p', 'A', '2026-01-10', '100.00', p2.code),
    ]);
    await deriveAll(t);
    const partnerOf = async () => {
      const a = await t.store.db
        .selectFrom('attributions')
        .select('partner_id')
        .where('customer_id', '=', 'A')
        .execute();
      const c = await t.store.db
        .selectFrom('conversions')
        .select(['partner_id', 'type'])
        .where('customer_id', '=', 'A')
        .orderBy('occurred_at')
        .execute();
      return {
        attributed: a.map((x) => x.partner_id),
        conversions: c.map((x) => [x.type, x.partner_id]),
      };
    };
    expect(await partnerOf()).toEqual({ attributed: [p2.id], conversions: [['payment', p2.id]] });
    // An activation of Jan 6 quoting P1's code arrives late: P1 touched the customer first.
    await ingestEvents(t, [
      {
        id: 'a',
        type: 'activation',
        occurred_at: '2026-01-06T10:00:00Z',
        customer: { id: 'A' },
        referral_code: p1.code,
      },
    ]);
    await deriveAll(t);
    expect(await partnerOf()).toEqual({
      attributed: [p1.id],
      conversions: [
        ['activation', p1.id],
        ['payment', p1.id],
      ],
    });
    expect(await balance(t, p1.id)).toMatchObject({ available: '10.00' });
    expect(await balance(t, p2.id)).toMatchObject({ available: '0.00' });
  });
});
