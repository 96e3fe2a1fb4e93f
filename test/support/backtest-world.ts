import { prng } from '../../src/core/prng.js';
import type { ProgramTermsInput } from '../../src/core/program-terms.js';
import { DAY_MS } from '../../src/core/time.js';
import { fixedClock } from '../../src/engine/deps.js';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { ingestEvents } from '../../src/engine/ingest-events.js';
import { changePartnerStatus, createPartner } from '../../src/engine/partners.js';
import { createProgram, publishVersion } from '../../src/engine/programs.js';
import { recordClicks } from '../../src/engine/record-clicks.js';
import { createCode, createLink } from '../../src/engine/tracking.js';
import type { TestTandem } from './test-tandem.js';

const at = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);

const sellerSignup = {
  id: 'seller-signup',
  event: 'signup',
  flat: '2.00',
  when: { field: 'customer.side', op: 'eq', value: 'seller' },
} as const;
const buyerGmv = {
  id: 'buyer-gmv',
  event: 'payment',
  percent: 1,
  of: 'gross',
  when: { field: 'customer.side', op: 'eq', value: 'buyer' },
} as const;
const revenueShare = (percent: number, cap: string) =>
  ({
    id: 'revenue-share',
    event: 'payment',
    percent,
    of: 'revenue',
    duration: { months: 12, from: 'first_payment' },
    cap_per_customer: cap,
  }) as const;

/** Until 2026-03-15: a 150.00 monthly cap per partner binds for the busiest partner. */
export const termsV1 = {
  currency: 'USD',
  attribution: { model: 'last_touch', window_days: 60 },
  hold_days: 30,
  rewards: [
    sellerSignup,
    { id: 'activation', event: 'activation', flat: '10.00' },
    revenueShare(20, '60.00'),
    buyerGmv,
  ],
  caps: { per_partner_per_month: '150.00' },
} satisfies ProgramTermsInput;

/**
 * From 2026-03-15: richer activation bounty and revenue share, a higher cap, and a monthly
 * budget that binds and is prorated: the month's USD accruals are scaled to sum to it.
 */
export const termsV2 = {
  ...termsV1,
  rewards: [
    sellerSignup,
    { id: 'activation', event: 'activation', flat: '12.00' },
    revenueShare(25, '80.00'),
    buyerGmv,
  ],
  caps: { per_partner_per_month: '200.00' },
  budget: { monthly: '300.00', when_exhausted: 'prorate' },
} satisfies ProgramTermsInput;

export interface BacktestWorld {
  programId: string;
  partners: { id: string; name: string }[];
  events: number;
}

/**
 * A realistic program history for backtests, stored and derived through the engine:
 * program `ref` with version 1 from 2025-10-01 and version 2 from 2026-03-15; four partners
 * with a link, a referral code and a coupon each (Delta suspended from 2026-04-10 to
 * 2026-05-20); 120 customers who sign up between October 2025 and July 2026 through a click,
 * a code, a coupon or nothing, then activate, pay monthly (some in EUR) and sometimes refund
 * (in full or half). A fifth partner, Foxtrot, holds edge cases of the monthly cap around
 * period boundaries. The clock ends at 2026-08-01.
 */
export async function backtestWorld(t: TestTandem, seed = 11): Promise<BacktestWorld> {
  const past = { ...t, clock: fixedClock(at('2025-09-15')) };
  const program = await createProgram(past, { key: 'ref', name: 'Referrals' });
  await publishVersion(past, { program: 'ref', effectiveFrom: at('2025-10-01'), terms: termsV1 });
  const partners: {
    id: string;
    name: string;
    linkId: string;
    code: string;
    coupon: string;
    weight: number;
  }[] = [];
  for (const [name, weight] of [
    ['Alpha', 6],
    ['Beta', 3],
    ['Gamma', 2],
    ['Delta', 2],
    // Never picked at random: only the edge cases below.
    ['Foxtrot', 0],
  ] as const) {
    const p = await createPartner(past, {
      name,
      kinds: ['referral'],
      programs: ['ref'],
      status: 'approved',
    });
    const link = await createLink(past, {
      partnerId: p.id,
      program: 'ref',
      destination: 'https://marketplace.example/sell',
    });
    const code = await createCode(past, {
      partnerId: p.id,
      program: 'ref',
      kind: 'referral_code',
      code: `${name.toUpperCase()}10`,
    });
    const coupon = await createCode(past, {
      partnerId: p.id,
      program: 'ref',
      kind: 'coupon',
      code: `${name.toUpperCase()}OFF`,
    });
    partners.push({
      id: p.id,
      name,
      linkId: link.id,
      code: code.code,
      coupon: coupon.code,
      weight,
    });
  }
  await publishVersion(
    { ...t, clock: fixedClock(at('2026-03-01')) },
    { program: 'ref', effectiveFrom: at('2026-03-15'), terms: termsV2 },
  );
  const delta = partners[3] as (typeof partners)[number];
  await changePartnerStatus(
    { ...t, clock: fixedClock(at('2026-04-10')) },
    { partnerId: delta.id, status: 'suspended', reason: 'audit' },
  );
  await changePartnerStatus(
    { ...t, clock: fixedClock(at('2026-05-20')) },
    { partnerId: delta.id, status: 'approved', reason: 'audit passed' },
  );

  const now = at('2026-08-01');
  t.clock.set(now);
  const rand = prng(seed);
  const totalWeight = partners.reduce((s, p) => s + p.weight, 0);
  const partnerOf = () => {
    let r = rand() * totalWeight;
    for (const p of partners) {
      r -= p.weight;
      if (r <= 0) return p;
    }
    return partners[0] as (typeof partners)[number];
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const amount = (units: number) => `${units}.${String(Math.floor(rand() * 100)).padStart(2, '0')}`;
  const clicks: Parameters<typeof recordClicks>[1][number][] = [];
  const events: Record<string, unknown>[] = [];
  const first = at('2025-10-05');
  const last = at('2026-07-20');
  for (let n = 1; n <= 120; n++) {
    const partner = partnerOf();
    const customer = {
      id: `cus_${String(n).padStart(3, '0')}`,
      side: rand() < 0.6 ? 'seller' : 'buyer',
    };
    const signupAt = first + Math.floor(rand() * (last - first));
    const r = rand();
    let evidence: Record<string, string> = {};
    if (r < 0.5) {
      const id = `clk_${n}`;
      clicks.push({
        id,
        linkId: partner.linkId,
        partnerId: partner.id,
        programId: program.id,
        occurredAt: signupAt - Math.floor(rand() * 2 * DAY_MS),
        ip: '198.51.100.7',
        userAgent:
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
        referer: undefined,
      });
      evidence = { click_id: id };
    } else if (r < 0.7) evidence = { referral_code: partner.code };
    else if (r < 0.85) evidence = { coupon: partner.coupon.toLowerCase() };
    const push = (ms: number, body: Record<string, unknown>) => {
      if (ms < now) events.push({ ...body, occurred_at: iso(ms), customer });
    };
    push(signupAt, { id: `s-${n}`, type: 'signup', ...evidence });
    if (rand() > 0.75) continue;
    const activatedAt = signupAt + Math.floor(rand() * 4 * DAY_MS);
    push(activatedAt, { id: `a-${n}`, type: 'activation' });
    const cur = rand() < 0.1 ? 'EUR' : 'USD';
    const payments = 1 + Math.floor(rand() * 6);
    for (let m = 0; m < payments; m++) {
      const paidAt = activatedAt + DAY_MS + m * 30 * DAY_MS + Math.floor(rand() * DAY_MS);
      const revenue = 50 + Math.floor(rand() * 250);
      push(paidAt, {
        id: `p-${n}-${m}`,
        type: 'payment',
        currency: cur,
        revenue: amount(revenue),
        gross: amount(revenue * 6),
      });
      if (rand() < 0.15) {
        const half = rand() < 0.5;
        push(paidAt + (2 + Math.floor(rand() * 18)) * DAY_MS, {
          id: `r-${n}-${m}`,
          type: 'refund',
          payment_id: `p-${n}-${m}`,
          ...(half ? { currency: cur, revenue: `${Math.floor(revenue / 2)}.00` } : {}),
        });
      }
    }
  }
  // Foxtrot's edge cases, where a monthly cap makes a period's lines depend on customers
  // with no event in the period. December: X1 and X2 use 144.00 of the 150.00 cap; Y gets
  // 6.00 of its activation and nothing of its payment, then refunds the payment in January
  // (reversing nothing). February: Z1 and Z2 use 144.00 before the 10th; W's signup on the
  // 14th and payment on the 15th get the 6.00 left.
  const fox = partners[4] as (typeof partners)[number];
  const scenario: [string, 'seller' | 'buyer', string, [string, string, string?][]][] = [
    [
      'x1',
      'seller',
      '2025-12-01T08:00:00Z',
      [
        ['activation', '2025-12-01T09:00:00Z'],
        ['payment', '2025-12-02T10:00:00Z', '300.00'],
      ],
    ],
    [
      'x2',
      'seller',
      '2025-12-01T08:00:00Z',
      [
        ['activation', '2025-12-01T09:00:00Z'],
        ['payment', '2025-12-02T10:00:00Z', '300.00'],
      ],
    ],
    [
      'y',
      'buyer',
      '2025-12-15T08:00:00Z',
      [
        ['activation', '2025-12-15T09:00:00Z'],
        ['payment', '2025-12-20T10:00:00Z', '300.00'],
        ['refund', '2026-01-05T10:00:00Z'],
      ],
    ],
    [
      'z1',
      'seller',
      '2026-02-02T08:00:00Z',
      [
        ['activation', '2026-02-02T09:00:00Z'],
        ['payment', '2026-02-03T10:00:00Z', '300.00'],
      ],
    ],
    [
      'z2',
      'seller',
      '2026-02-02T08:00:00Z',
      [
        ['activation', '2026-02-02T09:00:00Z'],
        ['payment', '2026-02-03T10:00:00Z', '300.00'],
      ],
    ],
    ['w', 'seller', '2026-02-14T08:00:00Z', [['payment', '2026-02-15T10:00:00Z', '300.00']]],
  ];
  for (const [name, side, signupAt, steps] of scenario) {
    const customer = { id: `cus_fox_${name}`, side };
    events.push({
      id: `fox-s-${name}`,
      type: 'signup',
      occurred_at: signupAt,
      customer,
      referral_code: fox.code,
    });
    for (const [type, when, revenue] of steps)
      events.push({
        id: `fox-${type}-${name}`,
        type,
        occurred_at: when,
        customer,
        ...(type === 'payment' ? { currency: 'USD', revenue, gross: revenue } : {}),
        ...(type === 'refund' ? { payment_id: `fox-payment-${name}` } : {}),
      });
  }
  await recordClicks(t, clicks);
  for (let i = 0; i < events.length; i += 500) {
    const r = await ingestEvents(t, events.slice(i, i + 500));
    const rejected = r.results.filter((x) => x.status === 'rejected');
    if (rejected.length) throw new Error(`world: rejected events ${JSON.stringify(rejected[0])}`);
  }
  await deriveAll(t);
  return {
    programId: program.id,
    partners: partners.map((p) => ({ id: p.id, name: p.name })),
    events: events.length,
  };
}
