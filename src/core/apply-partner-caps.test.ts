import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DesiredAccrual } from './accrual.js';
import { applyPartnerCaps } from './apply-partner-caps.js';
import { currency } from './money.js';

const USD = currency('USD');
const CAP = 5000n; // 50.00 per partner per month
const t0 = Date.parse('2026-01-01T00:00:00Z');

function accrual(n: number, amount: bigint, extra: Partial<DesiredAccrual> = {}): DesiredAccrual {
  const key = `evt_${n}:prg_1:share`;
  return {
    key,
    unit: 'pm:prg_1:prt_P:2026-01',
    kind: 'accrual',
    programId: 'prg_1',
    versionId: 'ver_1',
    ruleId: 'share',
    partnerId: 'prt_P',
    customerId: `cus_${n}`,
    eventId: `evt_${n}`,
    amount,
    currency: USD,
    occurredAt: t0 + n * 3_600_000,
    availableAt: t0 + n * 3_600_000 + 30 * 86_400_000,
    trace: {
      program: { id: 'prg_1', version_id: 'ver_1', version: 1 },
      rule: { id: 'share', event: 'payment', pays: 'percent' },
      event: {
        id: `evt_${n}`,
        external_id: `pay_${n}`,
        type: 'payment',
        occurred_at: new Date(t0 + n * 3_600_000).toISOString(),
      },
      inputs: {},
      steps: ['150.00 revenue × 20% = 30.00 USD (rounded half-even)'],
      hold_days: 30,
      available_at: '',
    },
    partnerCap: CAP,
    ...extra,
  };
}

function reversal(
  n: number,
  of: DesiredAccrual,
  share: { num: bigint; den: bigint },
  amount: bigint,
): DesiredAccrual {
  return {
    ...of,
    key: `evt_r${n}:prg_1:share`,
    kind: 'reversal',
    eventId: `evt_r${n}`,
    amount,
    occurredAt: of.occurredAt + n * 60_000,
    reverses: of.key,
    share,
    trace: { ...of.trace, steps: ['refund of payment: share', 'original arithmetic'] },
  };
}

describe('applyPartnerCaps', () => {
  const a1 = accrual(1, 3000n);
  const a2 = accrual(2, 3000n);
  const a3 = accrual(3, 3000n);

  it('grants 30.00, then the 20.00 left under a 50.00 cap, then drops the third', () => {
    const out = applyPartnerCaps([a1, a2, a3]);
    expect(out.map((a) => [a.key, a.amount])).toEqual([
      [a1.key, 3000n],
      [a2.key, 2000n],
    ]);
    expect(out[0]?.trace.steps).toEqual(a1.trace.steps);
    expect(out[1]?.trace.steps.at(-1)).toBe(
      'monthly partner cap 50.00: 30.00 already earned this month → 20.00',
    );
  });

  it('grants in (occurred_at, key) order, not in input order', () => {
    expect(applyPartnerCaps([a3, a1, a2]).map((a) => [a.key, a.amount])).toEqual([
      [a1.key, 3000n],
      [a2.key, 2000n],
    ]);
  });

  it('recomputes a full reversal of the cut accrual from what was granted: −20.00', () => {
    const r = reversal(1, a2, { num: 1n, den: 1n }, -3000n);
    const out = applyPartnerCaps([a1, a2, a3, r]);
    const rev = out.filter((a) => a.kind === 'reversal');
    expect(rev.map((a) => [a.key, a.amount, a.reverses])).toEqual([[r.key, -2000n, a2.key]]);
    expect(rev[0]?.trace.steps).toEqual([
      'refund of payment: share',
      '20.00 granted after the monthly cap × 1/1 = 20.00; 0.00 already reversed → −20.00 USD',
    ]);
    // reversals do not give cap room back: the third accrual stays dropped
    expect(out.some((a) => a.key === a3.key)).toBe(false);
  });

  it('recomputes cumulative partial reversals so that they never exceed the grant', () => {
    const r1 = reversal(1, a2, { num: 1n, den: 3n }, -1000n); // 20.00 × 1/3 = 6.67
    const r2 = reversal(2, a2, { num: 2n, den: 3n }, -1000n); // × 2/3 = 13.33 → −6.66
    const r3 = reversal(3, a2, { num: 3n, den: 3n }, -1000n); // × 3/3 = 20.00 → −6.67
    const out = applyPartnerCaps([r3, a2, r1, a1, r2]);
    expect(out.filter((a) => a.kind === 'reversal').map((a) => a.amount)).toEqual([
      -667n,
      -666n,
      -667n,
    ]);
    expect(out.reduce((s, a) => s + a.amount, 0n)).toBe(3000n);
  });

  it('drops reversals of dropped accruals and of unknown keys', () => {
    const out = applyPartnerCaps([
      a1,
      a2,
      a3,
      reversal(1, a3, { num: 1n, den: 1n }, -3000n),
      { ...reversal(2, a1, { num: 1n, den: 1n }, -3000n), reverses: 'evt_x:prg_1:share' },
    ]);
    expect(out.filter((a) => a.kind === 'reversal')).toEqual([]);
  });

  it('leaves accruals without a cap alone', () => {
    const free = [
      accrual(1, 9000n, { partnerCap: undefined }),
      accrual(2, 9000n, { partnerCap: undefined }),
    ];
    expect(applyPartnerCaps(free).map((a) => a.amount)).toEqual([9000n, 9000n]);
  });

  it('never grants more than the cap, nor more than asked, per month (property)', () => {
    const amounts = fc.array(fc.bigInt({ min: 1n, max: 10_000n }), { maxLength: 12 });
    fc.assert(
      fc.property(amounts, fc.bigInt({ min: 0n, max: 20_000n }), (as, cap) => {
        const candidates = as.map((amount, i) => accrual(i, amount, { partnerCap: cap }));
        const out = applyPartnerCaps(candidates);
        const granted = out.reduce((s, a) => s + a.amount, 0n);
        const asked = as.reduce((s, a) => s + a, 0n);
        expect(granted).toBe(asked < cap ? asked : cap);
        for (const a of out) {
          const c = candidates.find((x) => x.key === a.key);
          expect(a.amount > 0n && a.amount <= (c?.amount ?? 0n)).toBe(true);
        }
      }),
    );
  });
});
