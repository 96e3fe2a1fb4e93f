import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { workedExampleTerms } from '../../test/support/worked-example.js';
import type { DesiredAccrual } from './accrual.js';
import { applyPartnerCaps } from './apply-partner-caps.js';
import {
  type CustomerDerivation,
  type DeriveCustomerInput,
  deriveCustomer,
} from './derive-customer.js';
import type { TandemEvent } from './event.js';
import { currency } from './money.js';
import { compileTerms, type ProgramTermsInput, parseTerms } from './program-terms.js';
import type { ProgramVersion, ProgramWithVersions } from './program-version.js';
import { addDays, addMonths, monthKey, toIso } from './time.js';
import type { ClickRecord, CodeRecord } from './touch.js';

const USD = currency('USD');
const at = (iso: string): number => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);

const PROGRAM = 'prg_referrals';
const P = 'prt_P';
const Q = 'prt_Q';
const S = 'cus_S';

/** The worked example of DESIGN.md / program-terms.ts. */
const workedTerms: ProgramTermsInput = workedExampleTerms;

function version(
  number: number,
  effectiveFrom: string,
  terms: ProgramTermsInput,
  programId = PROGRAM,
): ProgramVersion {
  return {
    id: `ver_${programId}_${number}`,
    programId,
    number,
    effectiveFrom: at(effectiveFrom),
    publishedAt: at(effectiveFrom) - 86_400_000,
    correction: false,
    terms: compileTerms(parseTerms(terms)),
  };
}

const programOf = (...versions: ProgramVersion[]): ProgramWithVersions => ({
  id: versions[0]?.programId ?? PROGRAM,
  key: 'referrals',
  versions,
});

const click = (
  id: string,
  partnerId: string,
  occurredAt: string,
  extra: Partial<ClickRecord> = {},
): ClickRecord => ({
  id,
  linkId: `lnk_${partnerId}`,
  programId: PROGRAM,
  partnerId,
  occurredAt: at(occurredAt),
  bot: false,
  ...extra,
});

type EventSpec = Partial<TandemEvent> & Pick<TandemEvent, 'id' | 'type'> & { when: string };

function event({ when, ...spec }: EventSpec): TandemEvent {
  return {
    source: 'api',
    externalId: spec.id.replace(/^evt_/, 'ext_'),
    occurredAt: at(when),
    customerId: S,
    customer: {},
    ...spec,
  };
}

const signup = (when: string, extra: Partial<TandemEvent> = {}) =>
  event({ id: `evt_signup_${when}`, type: 'signup', when, customer: { side: 'seller' }, ...extra });
const activation = (when: string, extra: Partial<TandemEvent> = {}) =>
  event({ id: `evt_activation_${when}`, type: 'activation', when, ...extra });
const pay = (when: string, revenue: bigint, extra: Partial<TandemEvent> = {}) =>
  event({
    id: `evt_pay_${when}`,
    externalId: `pay_${when}`,
    type: 'payment',
    when,
    currency: USD,
    revenue,
    ...extra,
  });
const refund = (when: string, paymentWhen: string, extra: Partial<TandemEvent> = {}) =>
  event({
    id: `evt_refund_${when}`,
    type: 'refund',
    when,
    paymentId: `pay_${paymentWhen}`,
    ...extra,
  });

function derive(
  events: TandemEvent[],
  opts: Partial<DeriveCustomerInput> = {},
): CustomerDerivation {
  return deriveCustomer({
    customerId: S,
    events,
    clicks: new Map([['clk_P', click('clk_P', P, '2026-01-03T15:00:00Z')]]),
    codes: new Map(),
    programs: [programOf(version(1, '2026-01-01', workedTerms))],
    ...opts,
  });
}

const total = (as: readonly DesiredAccrual[]) => as.reduce((s, a) => s + a.amount, 0n);
const byKey = (as: readonly DesiredAccrual[]) =>
  [...as].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
const paymentDays = Array.from({ length: 15 }, (_, i) =>
  toIso(addMonths(at('2026-01-10'), i)).slice(0, 10),
);

/**
 * Partner P's link is clicked on 2026-01-03; seller S signs up on 2026-01-05 with that click
 * id, activates on 2026-01-06 and pays 100.00 revenue on the 10th of every month from
 * January 2026 to March 2027; the February 2026 payment is refunded in full on 2026-02-20.
 */
function workedExampleEvents(): TandemEvent[] {
  return [
    signup('2026-01-05', { clickId: 'clk_P' }),
    activation('2026-01-06'),
    ...paymentDays.map((d) => pay(d, 10000n)),
    refund('2026-02-20', '2026-02-10'),
  ];
}

describe('deriveCustomer: the worked example', () => {
  const result = derive(workedExampleEvents());
  const accruals = result.accruals.filter((a) => a.kind === 'accrual');
  const reversals = result.accruals.filter((a) => a.kind === 'reversal');
  const share = accruals.filter((a) => a.ruleId === 'revenue-share');

  it('has 15 payment days from 2026-01-10 to 2027-03-10 (fixture check)', () => {
    expect(paymentDays[0]).toBe('2026-01-10');
    expect(paymentDays[14]).toBe('2027-03-10');
  });

  it('earns 230.00 in total: 10.00 activation + 12 × 20.00 − 20.00 refunded', () => {
    expect(total(result.accruals)).toBe(23000n);
  });

  it('attributes S to P through the click, at the signup', () => {
    expect(result.attributions).toHaveLength(1);
    const [a] = result.attributions;
    expect(a).toMatchObject({
      programId: PROGRAM,
      customerId: S,
      partnerId: P,
      eventId: 'evt_signup_2026-01-05',
      attributedAt: at('2026-01-05'),
    });
    expect(a?.reason.touch).toEqual({
      kind: 'click',
      ref: 'clk_P',
      at: '2026-01-03T15:00:00.000Z',
      link_id: 'lnk_prt_P',
    });
    expect(
      result.accruals.every(
        (x) => x.partnerId === P && x.customerId === S && x.programId === PROGRAM,
      ),
    ).toBe(true);
  });

  it('pays the seller activation once: 10.00', () => {
    const act = accruals.filter((a) => a.ruleId === 'seller-activation');
    expect(act.map((a) => a.amount)).toEqual([1000n]);
    expect(act[0]?.trace.steps).toContain('flat 10.00 USD');
  });

  it('pays 20.00 on each of the 12 payments from January to December 2026, none from 2027-01-10', () => {
    expect(share.map((a) => a.amount)).toEqual(Array(12).fill(2000n));
    expect(share.map((a) => monthKey(a.occurredAt))).toEqual(
      Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`),
    );
    expect(result.accruals.some((a) => a.occurredAt >= at('2027-01-10'))).toBe(false);
  });

  it('reverses the refunded February payment once, −20.00, available when the original was', () => {
    expect(reversals).toHaveLength(1);
    const [r] = reversals;
    const original = share.find((a) => a.eventId === 'evt_pay_2026-02-10');
    expect(original).toBeDefined();
    expect(r?.amount).toBe(-2000n);
    expect(r?.key).toBe(`evt_refund_2026-02-20:${PROGRAM}:revenue-share`);
    expect(r?.eventId).toBe('evt_refund_2026-02-20');
    expect(r?.reverses).toBe(original?.key);
    expect(r?.share).toEqual({ num: 1n, den: 1n });
    expect(r?.availableAt).toBe(Math.max(at('2026-02-20'), original?.availableAt ?? 0));
    expect(toIso(r?.availableAt ?? 0)).toBe('2026-03-12T00:00:00.000Z');
    expect(r?.trace.reverses).toBe(original?.key);
  });

  it('holds every accrual for 30 days', () => {
    expect(accruals).toHaveLength(13);
    for (const a of accruals) {
      expect(a.availableAt).toBe(addDays(a.occurredAt, 30));
      expect(a.trace.hold_days).toBe(30);
      expect(a.trace.available_at).toBe(toIso(a.availableAt));
    }
  });

  it('keys accruals by event, program and rule, uniquely', () => {
    const keys = result.accruals.map((a) => a.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(share[0]?.key).toBe(`evt_pay_2026-01-10:${PROGRAM}:revenue-share`);
    expect(result.accruals.every((a) => a.unit === `c:${S}`)).toBe(true);
  });

  it('traces the arithmetic so that a partner can recompute it', () => {
    const first = share[0];
    expect(first?.trace.inputs).toEqual({
      revenue: '100.00',
      percent: '20',
      cap_per_customer: '500.00',
    });
    expect(first?.trace.steps).toEqual([
      'within 12 months from first payment (2026-01-10T00:00:00.000Z to 2027-01-10T00:00:00.000Z)',
      '100.00 revenue × 20% = 20.00 USD (rounded half-even)',
    ]);
    expect(first?.trace.program).toEqual({
      id: PROGRAM,
      version_id: `ver_${PROGRAM}_1`,
      version: 1,
    });
    expect(first?.trace.attribution).toMatchObject({
      partner_id: P,
      touch_kind: 'click',
      touch_ref: 'clk_P',
    });
  });

  it('records every event after attribution as a conversion of P, refunds negative', () => {
    expect(result.conversions).toHaveLength(18);
    expect(result.conversions.every((c) => c.partnerId === P)).toBe(true);
    const revenue = result.conversions.reduce((s, c) => s + c.revenue, 0n);
    expect(revenue).toBe(15n * 10000n); // the full refund carried no amount
  });

  it('gives the same accruals whatever order the events arrive in (property)', () => {
    const events = workedExampleEvents();
    const expected = byKey(result.accruals);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        (shuffled) => {
          const again = derive(shuffled);
          expect(byKey(again.accruals)).toEqual(expected);
          expect(again.attributions).toEqual(result.attributions);
          expect(again.conversions).toEqual(result.conversions);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('gives the same result when derived twice (no hidden state)', () => {
    expect(derive(workedExampleEvents())).toEqual(result);
  });
});

describe('deriveCustomer: refunds', () => {
  const base = [signup('2026-01-05', { clickId: 'clk_P' }), pay('2026-01-10', 10000n)];
  const reversalsOf = (r: CustomerDerivation) => r.accruals.filter((a) => a.kind === 'reversal');

  it('partial refunds of 30.00 and 70.00 reverse 6.00 and 14.00, the whole accrual in total', () => {
    const r = derive([
      ...base,
      refund('2026-01-15', '2026-01-10', { currency: USD, revenue: 3000n }),
      refund('2026-01-25', '2026-01-10', { currency: USD, revenue: 7000n }),
    ]);
    expect(reversalsOf(r).map((a) => a.amount)).toEqual([-600n, -1400n]);
    expect(reversalsOf(r).map((a) => a.share)).toEqual([
      { num: 3n, den: 10n },
      { num: 1n, den: 1n },
    ]);
    expect(total(r.accruals)).toBe(0n);
    expect(r.conversions.filter((c) => c.type === 'refund').map((c) => c.revenue)).toEqual([
      -3000n,
      -7000n,
    ]);
  });

  it('partial refunds round once in total: three thirds of 20.01 reverse exactly 20.01', () => {
    const r = derive([
      signup('2026-01-05', { clickId: 'clk_P' }),
      pay('2026-01-10', 10005n), // 20% of 100.05 = 20.01
      refund('2026-01-11', '2026-01-10', { currency: USD, revenue: 3335n }),
      refund('2026-01-12', '2026-01-10', { currency: USD, revenue: 3335n }),
      refund('2026-01-13', '2026-01-10', { currency: USD, revenue: 3335n }),
    ]);
    const earned = r.accruals.find((a) => a.kind === 'accrual');
    expect(earned?.amount).toBe(2001n);
    expect(reversalsOf(r).map((a) => a.amount)).toEqual([-667n, -667n, -667n]);
    expect(total(r.accruals)).toBe(0n);
  });

  it('a refund larger than the payment never reverses more than was earned', () => {
    const r = derive([
      ...base,
      refund('2026-01-15', '2026-01-10', { currency: USD, revenue: 15000n }),
      refund('2026-01-16', '2026-01-10', { currency: USD, revenue: 1000n }),
      refund('2026-01-17', '2026-01-10'),
    ]);
    expect(reversalsOf(r).map((a) => a.amount)).toEqual([-2000n]);
    expect(total(r.accruals)).toBe(0n);
  });

  it('a full refund after a partial one reverses the rest', () => {
    const r = derive([
      ...base,
      refund('2026-01-15', '2026-01-10', { currency: USD, revenue: 2500n }),
      refund('2026-01-20', '2026-01-10'),
    ]);
    expect(reversalsOf(r).map((a) => a.amount)).toEqual([-500n, -1500n]);
  });

  it('a chargeback reverses like a refund', () => {
    const r = derive([
      ...base,
      event({ id: 'evt_cb', type: 'chargeback', when: '2026-01-20', paymentId: 'pay_2026-01-10' }),
    ]);
    expect(reversalsOf(r).map((a) => [a.amount, a.eventId])).toEqual([[-2000n, 'evt_cb']]);
  });

  it('a refund of a payment not seen yet reverses nothing, until the payment arrives', () => {
    const lonely = derive([
      signup('2026-01-05', { clickId: 'clk_P' }),
      refund('2026-01-15', '2026-01-10'),
    ]);
    expect(lonely.accruals).toEqual([]);
    const later = derive([refund('2026-01-15', '2026-01-10'), ...base]);
    expect(reversalsOf(later).map((a) => a.amount)).toEqual([-2000n]);
  });

  it('a refund at the same instant as its payment reverses it when its id sorts after', () => {
    const r = derive([
      signup('2026-01-05', { clickId: 'clk_P' }),
      pay('2026-02-10', 10000n, { id: 'evt_1' }),
      refund('2026-02-10', '2026-02-10', { id: 'evt_2' }),
    ]);
    expect(total(r.accruals)).toBe(0n);
  });

  // Regression (derive-customer.ts deriveProgram, refund lookup): events at the same
  // occurred_at are evaluated in id order, and a refund evaluated before its payment finds
  // no payment and is skipped for good. Date-only times ("2026-02-10") make ties common, and
  // time-sortable ids follow arrival order, so the ledger depends on delivery order
  // (DESIGN invariant 4). Payments now precede their refunds at equal times.
  it('a refund at the same instant as its payment reverses it whatever the ids', () => {
    const r = derive([
      signup('2026-01-05', { clickId: 'clk_P' }),
      pay('2026-02-10', 10000n, { id: 'evt_2' }),
      refund('2026-02-10', '2026-02-10', { id: 'evt_1' }),
    ]);
    expect(total(r.accruals)).toBe(0n);
  });

  // Regression (derive-customer.ts deriveProgram, conversions.push): a payment made before the
  // customer was attributed earns nothing and is no conversion, but its later refund is
  // recorded as a negative conversion of the partner, lowering their reported revenue.
  it('a refund of a payment made before attribution is not a conversion of the partner', () => {
    const r = derive([
      pay('2026-01-02', 10000n),
      signup('2026-01-05', { clickId: 'clk_P' }),
      refund('2026-01-20', '2026-01-02', { currency: USD, revenue: 10000n }),
    ]);
    expect(r.accruals).toEqual([]);
    expect(r.conversions.reduce((s, c) => s + c.revenue, 0n)).toBe(0n);
  });

  it('a refund only matches a payment of the same source', () => {
    const r = derive([...base, refund('2026-01-15', '2026-01-10', { source: 'stripe' })]);
    expect(reversalsOf(r)).toEqual([]);
  });

  it('reversals count down the cap room; the later payment earns it again', () => {
    const r = derive([
      signup('2026-01-05', { clickId: 'clk_P' }),
      pay('2026-01-10', 150000n), // 300.00
      pay('2026-02-10', 150000n), // 200.00 (cap 500.00)
      refund('2026-02-15', '2026-01-10'), // −300.00 gives 300.00 room back
      pay('2026-03-10', 150000n), // 300.00
    ]);
    expect(r.accruals.map((a) => a.amount)).toEqual([30000n, 20000n, -30000n, 30000n]);
  });
});

describe('deriveCustomer: refunds that do not fit their payment (review findings)', () => {
  const reversed = (r: CustomerDerivation) =>
    r.accruals.filter((a) => a.kind === 'reversal').reduce((s, a) => s - a.amount, 0n);

  it('partial refunds stating different fields add up exactly: 60% of revenue + 40% of gross = all', () => {
    const r = derive([
      signup('2026-01-05', { clickId: 'clk_P' }),
      pay('2026-01-10', 10000n, { gross: 100000n }),
      refund('2026-01-15', '2026-01-10', { currency: USD, revenue: 6000n }),
      refund('2026-01-20', '2026-01-10', { currency: USD, gross: 40000n }),
    ]);
    expect(reversed(r)).toBe(2000n);
    expect(total(r.accruals)).toBe(0n);
  });

  it('a refund in another currency than its payment reverses nothing (minor units are not comparable)', () => {
    const r = derive([
      signup('2026-01-05', { clickId: 'clk_P' }),
      pay('2026-01-10', 10000n),
      refund('2026-01-15', '2026-01-10', { currency: currency('JPY'), revenue: 10000n }),
    ]);
    expect(reversed(r)).toBe(0n);
  });

  it('a partial refund stating only a field its payment lacks reverses nothing rather than everything', () => {
    const r = derive([
      signup('2026-01-05', { clickId: 'clk_P' }),
      pay('2026-01-10', 10000n),
      refund('2026-01-15', '2026-01-10', { currency: USD, gross: 100n }),
    ]);
    expect(reversed(r)).toBe(0n);
  });

  it('under a monthly partner cap, every growth of the refunded share reaches the cap stage', () => {
    const capped: ProgramTermsInput = {
      currency: 'USD',
      hold_days: 0,
      rewards: [{ id: 'share', event: 'payment', percent: 10 }],
      caps: { per_partner_per_month: '0.09' },
    };
    const r = derive(
      [
        signup('2026-01-05', { clickId: 'clk_P' }),
        pay('2026-01-10', 100n),
        refund('2026-01-15', '2026-01-10', { currency: USD, revenue: 26n }),
        refund('2026-01-16', '2026-01-10', { currency: USD, revenue: 8n }),
      ],
      { programs: [programOf(version(1, '2026-01-01', capped))] },
    );
    // Uncapped 10 minor units, granted 9. Refunded 26%, then 34% in all: uncapped that is 3 and
    // still 3 (nothing more), but of the 9 granted it is 2 and then 3 — the second step must count.
    const final = applyPartnerCaps(r.accruals);
    expect(final.filter((a) => a.kind === 'reversal').map((a) => a.amount)).toEqual([-2n, -1n]);
    expect(total(final)).toBe(9n - 3n);
  });
});

describe('deriveCustomer: caps, conditions, durations and versions', () => {
  it('cap_per_customer cuts an accrual and says so in the trace', () => {
    const r = derive([
      signup('2026-01-05', { clickId: 'clk_P' }),
      pay('2026-01-10', 150000n), // 20% = 300.00
      pay('2026-02-10', 150000n), // 300.00, but only 200.00 left
      pay('2026-03-10', 150000n), // nothing left
    ]);
    expect(r.accruals.map((a) => a.amount)).toEqual([30000n, 20000n]);
    const cut = r.accruals[1];
    expect(cut?.trace.steps.some((s) => s.includes('cap per customer 500.00'))).toBe(true);
    expect(cut?.trace.steps.at(-1)).toBe(
      'cap per customer 500.00: 300.00 already earned, 200.00 left → 200.00',
    );
    expect(r.accruals[0]?.trace.steps.some((s) => s.includes('cap per customer'))).toBe(false);
    expect(total(r.accruals)).toBe(50000n);
  });

  it('pays the activation reward to sellers only', () => {
    const buyer = derive([
      signup('2026-01-05', { clickId: 'clk_P', customer: { side: 'buyer' } }),
      activation('2026-01-06'),
    ]);
    expect(buyer.attributions).toHaveLength(1);
    expect(buyer.accruals).toEqual([]);
    // the side can be told on the activation itself, too
    const told = derive([
      signup('2026-01-05', { clickId: 'clk_P', customer: {} }),
      activation('2026-01-06', { customer: { side: 'seller' } }),
    ]);
    expect(told.accruals.map((a) => a.amount)).toEqual([1000n]);
  });

  it('rounds percent rewards half-even', () => {
    const r = derive([
      signup('2026-01-05', { clickId: 'clk_P' }),
      pay('2026-01-10', 2n),
      pay('2026-01-11', 3n),
      pay('2026-01-12', 13n),
    ]);
    // 0.4 → 0 (no accrual), 0.6 → 1, 2.6 → 3
    expect(r.accruals.map((a) => a.amount)).toEqual([1n, 3n]);
  });

  it('percent of gross reads gross, and a payment without that amount earns nothing', () => {
    const programs = [
      programOf(
        version(1, '2026-01-01', {
          currency: 'USD',
          rewards: [{ id: 'gross-share', event: 'payment', percent: 10, of: 'gross' }],
        }),
      ),
    ];
    const r = derive(
      [
        signup('2026-01-05', { clickId: 'clk_P' }),
        pay('2026-01-10', 10000n, { gross: 12000n }),
        pay('2026-01-11', 10000n),
      ],
      { programs },
    );
    expect(r.accruals.map((a) => a.amount)).toEqual([1200n]);
  });

  it('a duration in days counts from attribution by default', () => {
    const programs = [
      programOf(
        version(1, '2026-01-01', {
          currency: 'USD',
          rewards: [{ id: 'first-month', event: 'payment', percent: 10, duration: { days: 30 } }],
        }),
      ),
    ];
    const r = derive(
      [
        signup('2026-01-05', { clickId: 'clk_P' }),
        pay('2026-02-03', 10000n),
        pay('2026-02-04', 10000n),
      ],
      { programs },
    );
    // attributed 2026-01-05 → window ends 2026-02-04 (exclusive)
    expect(r.accruals.map((a) => toIso(a.occurredAt).slice(0, 10))).toEqual(['2026-02-03']);
  });

  it('evaluates each event under the version in force at its own occurred_at', () => {
    const v2 = version(2, '2026-07-01', {
      ...workedTerms,
      rewards: [
        {
          id: 'revenue-share',
          event: 'payment',
          percent: 10,
          duration: { months: 12, from: 'first_payment' },
        },
      ],
    });
    const r = derive(workedExampleEvents().slice(0, 10), {
      programs: [programOf(version(1, '2026-01-01', workedTerms), v2)],
    });
    const share = r.accruals.filter((a) => a.ruleId === 'revenue-share' && a.kind === 'accrual');
    expect(share.map((a) => [monthKey(a.occurredAt), a.amount, a.versionId])).toEqual([
      ['2026-01', 2000n, `ver_${PROGRAM}_1`],
      ['2026-02', 2000n, `ver_${PROGRAM}_1`],
      ['2026-03', 2000n, `ver_${PROGRAM}_1`],
      ['2026-04', 2000n, `ver_${PROGRAM}_1`],
      ['2026-05', 2000n, `ver_${PROGRAM}_1`],
      ['2026-06', 2000n, `ver_${PROGRAM}_1`],
      ['2026-07', 1000n, `ver_${PROGRAM}_2`],
      ['2026-08', 1000n, `ver_${PROGRAM}_2`],
    ]);
  });

  it('events before the first version earn nothing and do not attribute', () => {
    const r = derive(
      [
        signup('2026-01-05', { clickId: 'clk_P' }),
        activation('2026-01-06'),
        pay('2026-01-10', 10000n),
      ],
      {
        programs: [programOf(version(1, '2026-01-07', workedTerms))],
        clicks: new Map([['clk_P', click('clk_P', P, '2026-01-03')]]),
      },
    );
    expect(r.attributions.map((a) => a.eventId)).toEqual(['evt_pay_2026-01-10']);
    expect(r.accruals.map((a) => [a.ruleId, a.amount])).toEqual([['revenue-share', 2000n]]);
  });

  it('a monthly partner cap routes accruals to the partner-month unit and carries the cap', () => {
    const programs = [
      programOf(
        version(1, '2026-01-01', { ...workedTerms, caps: { per_partner_per_month: '50.00' } }),
      ),
    ];
    const r = derive([signup('2026-01-05', { clickId: 'clk_P' }), pay('2026-01-10', 10000n)], {
      programs,
    });
    expect(r.accruals.map((a) => [a.unit, a.partnerCap])).toEqual([
      [`pm:${PROGRAM}:${P}:2026-01`, 5000n],
    ]);
  });

  it('ignores payments in another currency for a capped rule’s cap but still pays them', () => {
    const r = derive([
      signup('2026-01-05', { clickId: 'clk_P' }),
      pay('2026-01-10', 10000n, { currency: currency('EUR') }),
    ]);
    expect(r.accruals.map((a) => [a.amount, a.currency, a.trace.inputs.cap_per_customer])).toEqual([
      [2000n, 'EUR', undefined],
    ]);
  });
});

describe('deriveCustomer: attribution', () => {
  it('a customer with no touch earns nothing', () => {
    const r = derive([signup('2026-01-05'), activation('2026-01-06'), pay('2026-01-10', 10000n)]);
    expect(r.attributions).toEqual([]);
    expect(r.conversions).toEqual([]);
    expect(r.accruals).toEqual([]);
  });

  it('an unknown click id earns nothing', () => {
    expect(
      derive([signup('2026-01-05', { clickId: 'clk_nope' }), pay('2026-01-10', 10000n)]).accruals,
    ).toEqual([]);
  });

  it('bot clicks never attribute', () => {
    const r = derive(
      [
        signup('2026-01-05', { clickId: 'clk_bot' }),
        activation('2026-01-06'),
        pay('2026-01-10', 10000n),
      ],
      {
        clicks: new Map([['clk_bot', click('clk_bot', P, '2026-01-03', { bot: true })]]),
      },
    );
    expect(r.attributions).toEqual([]);
    expect(r.accruals).toEqual([]);
  });

  it('a click outside the window does not attribute', () => {
    const r = derive([signup('2026-06-01', { clickId: 'clk_P' }), pay('2026-06-10', 10000n)]);
    expect(r.attributions).toEqual([]);
    expect(r.accruals).toEqual([]);
  });

  describe('codes', () => {
    const code = (disabledAt: number | undefined): CodeRecord => ({
      code: 'ALICE10',
      kind: 'referral_code',
      programId: PROGRAM,
      partnerId: P,
      createdAt: at('2025-12-01'),
      disabledAt,
    });
    const events = [signup('2026-01-05', { referralCode: ' alice10 ' }), activation('2026-01-06')];

    it('an active code attributes, matched case-insensitively', () => {
      const r = derive(events, { codes: new Map([['ALICE10', code(undefined)]]) });
      expect(
        r.attributions.map((a) => [a.partnerId, a.reason.touch.kind, a.reason.touch.ref]),
      ).toEqual([[P, 'referral_code', 'ALICE10']]);
      expect(r.accruals.map((a) => a.amount)).toEqual([1000n]);
    });

    it('a code disabled before the event does not attribute', () => {
      const r = derive(events, { codes: new Map([['ALICE10', code(at('2026-01-01'))]]) });
      expect(r.attributions).toEqual([]);
      expect(r.accruals).toEqual([]);
    });

    it('a code disabled after the event still attributes', () => {
      const r = derive(events, { codes: new Map([['ALICE10', code(at('2026-02-01'))]]) });
      expect(r.attributions.map((a) => a.partnerId)).toEqual([P]);
    });

    it('a coupon beats a click on the same signup', () => {
      const coupon: CodeRecord = {
        ...code(undefined),
        code: 'SPRING',
        kind: 'coupon',
        partnerId: Q,
      };
      const r = derive([signup('2026-01-05', { clickId: 'clk_P', coupon: 'spring' })], {
        codes: new Map([['SPRING', coupon]]),
      });
      expect(r.attributions.map((a) => [a.partnerId, a.reason.touch.kind])).toEqual([
        [Q, 'coupon'],
      ]);
    });
  });

  it('is pinned: a later click of partner Q does not move the customer away from P', () => {
    const clicks = new Map([
      ['clk_P', click('clk_P', P, '2026-01-03')],
      ['clk_Q', click('clk_Q', Q, '2026-03-01')],
    ]);
    const r = derive(
      [
        signup('2026-01-05', { clickId: 'clk_P' }),
        activation('2026-01-06'),
        pay('2026-01-10', 10000n),
        pay('2026-03-10', 10000n, { clickId: 'clk_Q' }),
        pay('2026-04-10', 10000n, { clickId: 'clk_Q' }),
      ],
      { clicks },
    );
    expect(r.attributions.map((a) => a.partnerId)).toEqual([P]);
    expect(r.accruals).toHaveLength(4);
    expect(r.accruals.every((a) => a.partnerId === P)).toBe(true);
    expect(r.conversions.every((c) => c.partnerId === P)).toBe(true);
  });

  it('attributes separately per program, each with its own touches', () => {
    const other = version(
      1,
      '2026-01-01',
      { currency: 'USD', rewards: [{ id: 'signup-bonus', event: 'signup', flat: '5.00' }] },
      'prg_other',
    );
    const clicks = new Map([
      ['clk_P', click('clk_P', P, '2026-01-03')],
      ['clk_Q', click('clk_Q', Q, '2026-01-05T12:00:00Z', { programId: 'prg_other' })],
    ]);
    const r = derive(
      [signup('2026-01-05', { clickId: 'clk_P' }), activation('2026-01-06', { clickId: 'clk_Q' })],
      {
        clicks,
        programs: [programOf(version(1, '2026-01-01', workedTerms)), programOf(other)],
      },
    );
    expect(r.attributions.map((a) => [a.programId, a.partnerId, a.eventId])).toEqual([
      [PROGRAM, P, 'evt_signup_2026-01-05'],
      ['prg_other', Q, 'evt_activation_2026-01-06'],
    ]);
    // the other program's signup bonus is not paid: its signup came before Q's touch
    expect(r.accruals.map((a) => [a.programId, a.ruleId, a.partnerId])).toEqual([
      [PROGRAM, 'seller-activation', P],
    ]);
  });
});

describe('partner status over time', () => {
  const day = (d: string) => Date.parse(`${d}T12:00:00Z`);
  const version: ProgramVersion = {
    id: 'ver_s',
    programId: 'prg_s',
    number: 1,
    effectiveFrom: day('2026-01-01'),
    publishedAt: day('2025-12-01'),
    correction: false,
    terms: compileTerms(
      parseTerms({
        currency: 'USD',
        hold_days: 0,
        rewards: [{ id: 'share', event: 'payment', percent: 10 }],
      }),
    ),
  };
  const click: ClickRecord = {
    id: 'clk_s',
    linkId: 'lnk',
    programId: 'prg_s',
    partnerId: 'P',
    occurredAt: day('2026-01-02'),
    bot: false,
  };
  const ev = (id: string, type: 'signup' | 'payment', at: string): TandemEvent => ({
    id,
    source: 'api',
    externalId: id,
    type,
    occurredAt: day(at),
    customerId: 'C',
    customer: {},
    ...(type === 'signup' ? { clickId: 'clk_s' } : { currency: 'USD' as never, revenue: 10000n }),
  });
  const run = (history: { at: number; status: string }[]) =>
    deriveCustomer({
      customerId: 'C',
      events: [
        ev('s', 'signup', '2026-01-03'),
        ev('p1', 'payment', '2026-02-01'),
        ev('p2', 'payment', '2026-03-01'),
        ev('p3', 'payment', '2026-04-01'),
      ],
      clicks: new Map([[click.id, click]]),
      codes: new Map(),
      programs: [{ id: 'prg_s', key: 's', versions: [version] }],
      partnerStatus: new Map([['P', history]]),
    });

  it('a suspended partner earns nothing while suspended and again once reinstated', () => {
    const r = run([
      { at: day('2025-12-01'), status: 'approved' },
      { at: day('2026-02-15'), status: 'suspended' },
      { at: day('2026-03-15'), status: 'approved' },
    ]);
    expect(r.accruals.map((a) => a.eventId)).toEqual(['p1', 'p3']);
  });

  it('a partner created approved is credited for events from before its creation (a backfill)', () => {
    const r = run([{ at: day('2026-06-01'), status: 'approved' }]);
    expect(r.accruals.map((a) => a.eventId)).toEqual(['p1', 'p2', 'p3']);
  });

  it('a touch of a partner that was not approved at the time attributes nothing', () => {
    const r = run([
      { at: day('2025-12-01'), status: 'applied' },
      { at: day('2026-01-10'), status: 'approved' },
    ]);
    expect(r.attributions).toEqual([]);
    expect(r.accruals).toEqual([]);
  });
});
