import { describe, expect, it } from 'vitest';
import type { DesiredAccrual } from './accrual.js';
import { deriveCustomer } from './derive-customer.js';
import type { TandemEvent } from './event.js';
import { currency } from './money.js';
import { compileTerms, type ProgramTermsInput, parseTerms } from './program-terms.js';
import type { ProgramWithVersions } from './program-version.js';
import { type CustomerEvents, Replay, type ReplayBatch, replay, wholeMonthsOf } from './replay.js';
import { settleStagedUnit } from './settle-staged-unit.js';
import type { CodeRecord } from './touch.js';

const USD = currency('USD');
const at = (iso: string): number => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
const PROGRAM = 'prg_ref';

function program(terms: ProgramTermsInput, effectiveFrom = '2025-01-01'): ProgramWithVersions {
  return {
    id: PROGRAM,
    key: 'ref',
    versions: [
      {
        id: 'ver_1',
        programId: PROGRAM,
        number: 1,
        effectiveFrom: at(effectiveFrom),
        publishedAt: at(effectiveFrom),
        correction: false,
        terms: compileTerms(parseTerms(terms)),
      },
    ],
  };
}

const codes = new Map<string, CodeRecord>(
  ['A', 'B'].map((p) => [
    `CODE${p}`,
    {
      code: `CODE${p}`,
      kind: 'referral_code',
      programId: PROGRAM,
      partnerId: `prt_${p}`,
      createdAt: at('2025-01-01'),
      disabledAt: undefined,
    },
  ]),
);

let n = 0;
function pay(customer: string, when: string, revenue: bigint, code?: string): TandemEvent {
  n++;
  return {
    id: `evt_${String(n).padStart(4, '0')}`,
    source: 'api',
    externalId: `p-${n}`,
    type: 'payment',
    occurredAt: at(when),
    customerId: customer,
    customer: {},
    currency: USD,
    revenue,
    ...(code ? { referralCode: code } : {}),
  };
}

function refund(customer: string, when: string, payment: TandemEvent): TandemEvent {
  n++;
  return {
    id: `evt_${String(n).padStart(4, '0')}`,
    source: 'api',
    externalId: `r-${n}`,
    type: 'refund',
    occurredAt: at(when),
    customerId: customer,
    customer: {},
    paymentId: payment.externalId,
  };
}

const batch = (...customers: CustomerEvents[]): ReplayBatch => ({
  customers,
  clicks: new Map(),
  codes,
});

const capped = program({
  currency: 'USD',
  hold_days: 0,
  rewards: [{ id: 'share', event: 'payment', percent: 10 }],
  caps: { per_partner_per_month: '50.00' },
});

/** What the engine would post: derive each customer, c: units final, the rest settled per unit. */
function engineTotals(
  p: ProgramWithVersions,
  customers: CustomerEvents[],
  period: { from: number; to: number },
): Map<string, bigint> {
  const staged = new Map<string, DesiredAccrual[]>();
  const final: DesiredAccrual[] = [];
  for (const c of customers) {
    const d = deriveCustomer({ ...c, clicks: new Map(), codes, programs: [p] });
    for (const a of d.accruals) {
      if (a.unit.startsWith('c:')) final.push(a);
      else staged.set(a.unit, [...(staged.get(a.unit) ?? []), a]);
    }
  }
  for (const list of staged.values()) final.push(...settleStagedUnit(list));
  const out = new Map<string, bigint>();
  for (const a of final)
    if (a.occurredAt >= period.from && a.occurredAt < period.to)
      out.set(a.partnerId, (out.get(a.partnerId) ?? 0n) + a.amount);
  return out;
}

const totals = (r: ReturnType<typeof replay>) =>
  new Map(r.costs.filter((c) => c.amount !== 0n).map((c) => [c.partnerId, c.amount]));

describe('replay', () => {
  it('grants a monthly cap across customers of different batches, in time order', () => {
    const c1 = { customerId: 'C1', events: [pay('C1', '2026-02-10', 30000n, 'CODEA')] };
    const c2 = { customerId: 'C2', events: [pay('C2', '2026-02-03', 30000n, 'CODEA')] };
    const c3 = { customerId: 'C3', events: [pay('C3', '2026-02-20', 30000n, 'CODEB')] };
    const period = { from: at('2026-02-01'), to: at('2026-03-01') };
    const r = replay({ programs: [capped], period, complete: period }, [batch(c1), batch(c2, c3)]);
    // 10 % of 300.00 = 30.00 each; A's month is capped at 50.00 (C2 first: 30.00, C1: 20.00).
    expect(totals(r)).toEqual(
      new Map([
        ['prt_A', 5000n],
        ['prt_B', 3000n],
      ]),
    );
    expect(totals(r)).toEqual(engineTotals(capped, [c1, c2, c3], period));
    expect(r.customers).toBe(3);
    expect(r.events).toBe(3);
    const payments = r.conversions.filter((c) => c.type === 'payment');
    expect(payments.reduce((s, c) => s + c.count, 0)).toBe(3);
    expect(payments.reduce((s, c) => s + c.revenue, 0n)).toBe(90000n);
  });

  it('counts only accruals and conversions of the period', () => {
    const events = [
      pay('C1', '2026-01-31T23:59:59Z', 10000n, 'CODEA'),
      pay('C1', '2026-02-01T00:00:00Z', 20000n),
      pay('C1', '2026-02-28T23:59:59Z', 40000n),
      pay('C1', '2026-03-01T00:00:00Z', 80000n),
    ];
    const period = { from: at('2026-02-01'), to: at('2026-03-01') };
    const r = replay(
      { programs: [capped], period, complete: { from: at('2026-01-01'), to: period.to } },
      [batch({ customerId: 'C1', events })],
    );
    expect(totals(r)).toEqual(new Map([['prt_A', 5000n]]));
    expect(r.conversions).toEqual([
      expect.objectContaining({ partnerId: 'prt_A', type: 'payment', count: 2, revenue: 60000n }),
    ]);
  });

  it('asks for the stored candidates of an earlier capped month a refund in the period reverses', () => {
    // January: C9 (not in the replay) used 40.00 of A's 50.00 cap first; C1 got 10.00 of 30.00.
    // C1's payment is fully refunded in February: the reversal is −10.00, not −30.00.
    const c1Pay = pay('C1', '2026-01-20', 30000n, 'CODEA');
    const c1 = { customerId: 'C1', events: [c1Pay, refund('C1', '2026-02-05', c1Pay)] };
    const c9 = { customerId: 'C9', events: [pay('C9', '2026-01-05', 40000n, 'CODEA')] };
    const period = { from: at('2026-02-01'), to: at('2026-03-01') };
    const opts = { programs: [capped], period, complete: period };

    const r = new Replay(opts);
    r.add(batch(c1));
    const units = r.unitsNeedingContext();
    expect(units).toEqual([`pm:${PROGRAM}:prt_A:2026-01`]);
    // The ledger's candidates of that unit, C1's own among them (the replay keeps its own).
    const stored = new Map<string, DesiredAccrual[]>();
    for (const c of [c1, c9])
      for (const a of deriveCustomer({ ...c, clicks: new Map(), codes, programs: [capped] })
        .accruals)
        stored.set(a.unit, [...(stored.get(a.unit) ?? []), a]);
    const result = r.finish(stored);
    expect(totals(result)).toEqual(new Map([['prt_A', -1000n]]));
    expect(totals(result)).toEqual(engineTotals(capped, [c1, c9], period));

    // Without the context the month looks uncapped for C1: the very mismatch it prevents.
    expect(totals(replay(opts, [batch(c1)]))).toEqual(new Map([['prt_A', -3000n]]));
  });

  it('settles each month once the loader says no customer to come can add to it', () => {
    // Two partners, customers joining month after month and paying for three months.
    const customers: CustomerEvents[] = [];
    for (let i = 0; i < 12; i++) {
      const id = `M${String(i).padStart(2, '0')}`;
      const month = `2026-${String(1 + (i % 6)).padStart(2, '0')}`;
      customers.push({
        customerId: id,
        events: [
          pay(
            id,
            `${month}-0${1 + (i % 9)}`,
            25000n + BigInt(i) * 1000n,
            i % 2 ? 'CODEA' : 'CODEB',
          ),
          pay(id, `${month}-20`, 30000n),
          pay(id, `${month}-28`, 40000n),
        ],
      });
    }
    const first = (c: CustomerEvents) => Math.min(...c.events.map((e) => e.occurredAt));
    customers.sort((a, b) => first(a) - first(b));
    const period = { from: at('2026-02-01'), to: at('2026-05-15') };
    const opts = { programs: [capped], period, complete: wholeMonthsOf(period) };
    const whole = replay(opts, [batch(...customers)]);

    const r = new Replay(opts);
    const open: number[] = [];
    for (let i = 0; i < customers.length; i += 2) {
      const next = customers[i + 2];
      r.add({
        ...batch(...customers.slice(i, i + 2)),
        firstEventsBefore: next ? first(next) : Number.POSITIVE_INFINITY,
      });
      open.push(r.openUnits);
    }
    // Months were let go along the way, not all held until the end.
    expect(Math.max(...open)).toBeLessThan(6);
    expect(open.at(-1)).toBe(0);
    const settled = r.finish();
    expect(totals(settled)).toEqual(totals(whole));
    expect(totals(settled)).toEqual(engineTotals(capped, customers, period));
    expect(settled.conversions).toEqual(whole.conversions);
  });

  it('refuses a customer split across batches, which would count twice', () => {
    const r = new Replay({
      programs: [capped],
      period: { from: 0, to: at('2030-01-01') },
      complete: { from: 0, to: at('2030-01-01') },
    });
    r.add(batch({ customerId: 'C1', events: [pay('C1', '2026-01-01', 100n, 'CODEA')] }));
    expect(() =>
      r.add(batch({ customerId: 'C1', events: [pay('C1', '2026-01-02', 100n)] })),
    ).toThrow(/replayed twice/);
  });
});
