import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accrualIdentity, type DesiredAccrual } from './accrual.js';
import { diffAccruals, type PostedAccrual } from './diff-accruals.js';
import { currency } from './money.js';

const USD = currency('USD');
const t0 = Date.parse('2026-01-10T00:00:00Z');
const HOLD = 30 * 86_400_000;

function desired(n: number, amount: bigint, extra: Partial<DesiredAccrual> = {}): DesiredAccrual {
  return {
    key: `evt_${n}:prg_1:share`,
    unit: 'c:cus_1',
    kind: 'accrual',
    programId: 'prg_1',
    versionId: 'ver_1',
    ruleId: 'share',
    partnerId: 'prt_P',
    customerId: 'cus_1',
    eventId: `evt_${n}`,
    amount,
    currency: USD,
    occurredAt: t0 + n * 1000,
    availableAt: t0 + n * 1000 + HOLD,
    trace: {
      program: { id: 'prg_1', version_id: 'ver_1', version: 1 },
      rule: { id: 'share', event: 'payment', pays: 'percent' },
      event: { id: `evt_${n}`, external_id: `pay_${n}`, type: 'payment', occurred_at: '' },
      inputs: {},
      steps: [],
      hold_days: 30,
      available_at: '',
    },
    ...extra,
  };
}

/** What the ledger holds after posting `d` as it is. */
const posted = (d: DesiredAccrual, amount = d.amount): PostedAccrual => ({
  key: d.key,
  partnerId: d.partnerId,
  currency: d.currency,
  availableAt: d.availableAt,
  amount,
  programId: d.programId,
  customerId: d.customerId,
  eventId: d.eventId,
  ruleId: d.ruleId,
  versionId: d.versionId,
  occurredAt: d.occurredAt,
});

describe('diffAccruals', () => {
  const d1 = desired(1, 2000n);
  const d2 = desired(2, 2000n);
  const r1 = desired(3, -2000n, { kind: 'reversal', reverses: d1.key });

  it('returns nothing when the ledger already holds what is desired', () => {
    expect(diffAccruals([d1, d2, r1], [posted(d1), posted(d2), posted(r1)])).toEqual([]);
    expect(diffAccruals([], [])).toEqual([]);
  });

  it('posts new accruals and reversals with their own kind', () => {
    expect(
      diffAccruals([d1, r1], []).map((x) => [x.kind, x.amount, x.desired?.key, x.posted]),
    ).toEqual([
      ['accrual', 2000n, d1.key, undefined],
      ['reversal', -2000n, r1.key, undefined],
    ]);
  });

  it('a changed amount becomes one adjustment of the difference', () => {
    const out = diffAccruals([desired(1, 1500n)], [posted(d1)]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'adjustment', amount: -500n });
    expect(out[0]?.posted?.key).toBe(d1.key);
    expect(diffAccruals([desired(1, 2600n)], [posted(d1)]).map((x) => [x.kind, x.amount])).toEqual([
      ['adjustment', 600n],
    ]);
  });

  it('a posted accrual no longer desired is adjusted back to zero', () => {
    const out = diffAccruals([d1], [posted(d1), posted(d2)]);
    expect(out.map((x) => [x.kind, x.amount, x.posted?.key, x.desired])).toEqual([
      ['adjustment', -2000n, d2.key, undefined],
    ]);
  });

  it('a posted line already netted to zero needs nothing', () => {
    expect(diffAccruals([], [posted(d2, 0n)])).toEqual([]);
  });

  it('a change of partner gives two deltas: take back from the old, pay the new', () => {
    const moved = desired(1, 2000n, { partnerId: 'prt_Q' });
    const out = diffAccruals([moved], [posted(d1)]);
    expect(out).toHaveLength(2);
    expect(
      out.map((x) => [x.kind, x.amount, x.desired?.partnerId ?? x.posted?.partnerId]).sort(),
    ).toEqual(
      [
        ['accrual', 2000n, 'prt_Q'],
        ['adjustment', -2000n, 'prt_P'],
      ].sort(),
    );
  });

  it('a change of availability date also gives two deltas', () => {
    const later = desired(1, 2000n, { availableAt: d1.availableAt + 86_400_000 });
    const out = diffAccruals([later], [posted(d1)]);
    expect(out.map((x) => x.amount).sort()).toEqual([-2000n, 2000n].sort());
    expect(out.reduce((s, x) => s + x.amount, 0n)).toBe(0n);
  });

  it('orders deltas by occurred_at then key', () => {
    const out = diffAccruals([d2, r1, d1], []);
    expect(out.map((x) => x.desired?.key)).toEqual([d1.key, d2.key, r1.key]);
  });

  it('posting the deltas makes the ledger match and a second diff empty (property)', () => {
    const line = fc.record({
      n: fc.integer({ min: 0, max: 5 }),
      amount: fc.bigInt({ min: -5000n, max: 5000n }).filter((a) => a !== 0n),
      partner: fc.constantFrom('prt_P', 'prt_Q'),
    });
    const lines = fc.uniqueArray(line, { maxLength: 6, selector: (l) => `${l.n}|${l.partner}` });
    fc.assert(
      fc.property(lines, lines, (want, have) => {
        const ds = want.map((l) => desired(l.n, l.amount, { partnerId: l.partner }));
        const ps = have.map((l) => posted(desired(l.n, l.amount, { partnerId: l.partner })));
        const deltas = diffAccruals(ds, ps);
        // apply the deltas to the ledger, net per identity
        const ledger = new Map<string, PostedAccrual>(ps.map((p) => [accrualIdentity(p), p]));
        for (const x of deltas) {
          const base = x.posted ?? posted(x.desired as DesiredAccrual, 0n);
          const id = accrualIdentity(base);
          const prev = ledger.get(id);
          ledger.set(id, { ...base, amount: (prev?.amount ?? 0n) + x.amount });
          expect(x.amount).not.toBe(0n);
        }
        expect(diffAccruals(ds, [...ledger.values()])).toEqual([]);
        // what the ledger holds now is what is desired
        const netDesired = ds.reduce((s, d) => s + d.amount, 0n);
        expect([...ledger.values()].reduce((s, p) => s + p.amount, 0n)).toBe(netDesired);
      }),
    );
  });
});
