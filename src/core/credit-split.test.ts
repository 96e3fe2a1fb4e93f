import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CoalitionValue,
  SHAPLEY_EXACT_MAX,
  SHAPLEY_SAMPLES,
  shapleyValues,
  splitCredit,
  type TouchedPartner,
} from './credit-split.js';

const touched = (...ids: string[]): TouchedPartner[] =>
  ids.map((partnerId, i) => ({ partnerId, firstAt: i * 1000, lastAt: i * 1000 }));

/** A game given by a table of coalition values, keyed by sorted member ids. */
const table =
  (values: Record<string, number>): CoalitionValue =>
  (s) =>
    BigInt(values[[...s].sort().join('')] ?? 0);

const fraction = (r: ReturnType<typeof shapleyValues>, p: string) =>
  Number(r.num.get(p)) / Number(r.den);

describe('Shapley values: textbook cases, exactly', () => {
  it('two symmetric partners share 50/50', () => {
    const v = table({ A: 10, B: 10, AB: 20 });
    const r = shapleyValues(['A', 'B'], v);
    expect(r.exact).toBe(true);
    expect(r.num.get('A')).toBe(r.num.get('B'));
    const shares = splitCredit(10001n, touched('A', 'B'), { kind: 'shapley' }, v);
    expect(shares.map((s) => [s.partnerId, s.amount, s.percentBps])).toEqual([
      ['A', 5001n, 5000n],
      ['B', 5000n, 5000n],
    ]);
  });

  it('a partner who adds nothing gets 0', () => {
    // C is a null player: every coalition is worth the same with or without it.
    const v = table({ A: 4, B: 6, AB: 12, C: 0, AC: 4, BC: 6, ABC: 12 });
    const r = shapleyValues(['A', 'B', 'C'], v);
    expect(r.num.get('C')).toBe(0n);
    const shares = splitCredit(1200n, touched('A', 'B', 'C'), { kind: 'shapley' }, v);
    expect(shares.map((s) => s.amount)).toEqual([500n, 700n, 0n]);
    expect(shares[2]?.why).toContain('you received 0% of this conversion');
    expect(shares[2]?.why).toContain('you added nothing to the others');
  });

  it('three partners with known coalition values get the known split (20/30/40 of 90)', () => {
    const v = table({ A: 10, B: 20, C: 30, AB: 40, AC: 50, BC: 60, ABC: 90 });
    const r = shapleyValues(['A', 'B', 'C'], v);
    expect(['A', 'B', 'C'].map((p) => fraction(r, p))).toEqual([20, 30, 40]);
    const shares = splitCredit(9000n, touched('A', 'B', 'C'), { kind: 'shapley' }, v);
    expect(shares.map((s) => s.amount)).toEqual([2000n, 3000n, 4000n]);
    expect(shares[0]?.why).toMatch(/^you received 22\.22% of this conversion because/);
  });

  it('the glove game: one left glove, two right ones → 2/3, 1/6, 1/6', () => {
    const v: CoalitionValue = (s) => (s.has('L') && (s.has('R1') || s.has('R2')) ? 1n : 0n);
    const r = shapleyValues(['L', 'R1', 'R2'], v);
    expect(r.den).toBe(6n);
    expect(['L', 'R1', 'R2'].map((p) => r.num.get(p))).toEqual([4n, 1n, 1n]);
  });
});

describe('Shapley values: properties', () => {
  // A random game: coalition values drawn per subset of up to 6 players.
  const game = fc
    .integer({ min: 1, max: 6 })
    .chain((n) =>
      fc
        .array(fc.integer({ min: 0, max: 1000 }), { minLength: 1 << n, maxLength: 1 << n })
        .map((values) => ({ n, values })),
    );
  const players = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);
  const gameValue =
    (n: number, values: number[]): CoalitionValue =>
    (s) => {
      let mask = 0;
      for (let i = 0; i < n; i++) if (s.has(`p${i}`)) mask |= 1 << i;
      return mask === 0 ? 0n : BigInt(values[mask] as number);
    };

  it('are efficient: they sum to v(all) − v(none), and the amounts to the reward exactly', () => {
    fc.assert(
      fc.property(game, fc.bigInt({ min: 0n, max: 10n ** 12n }), ({ n, values }, amount) => {
        const v = gameValue(n, values);
        const r = shapleyValues(players(n), v);
        const sum = [...r.num.values()].reduce((a, x) => a + x, 0n);
        expect(sum).toBe((v(new Set(players(n))) - v(new Set())) * r.den);
        const shares = splitCredit(amount, touched(...players(n)), { kind: 'shapley' }, v);
        expect(shares.reduce((a, s) => a + s.amount, 0n)).toBe(amount);
        for (const s of shares) expect(s.amount >= 0n).toBe(true);
      }),
    );
  });

  it('are symmetric: players who add the same to every coalition get the same', () => {
    fc.assert(
      fc.property(game, ({ n, values }) => {
        if (n < 2) return;
        // Make p0 and p1 interchangeable: v(S) depends on them only through how many are in S.
        const base = gameValue(n, values);
        const v: CoalitionValue = (s) => {
          const t = new Set(s);
          if (t.has('p1') && !t.has('p0')) {
            t.delete('p1');
            t.add('p0');
          }
          return base(t);
        };
        const r = shapleyValues(players(n), v);
        expect(r.num.get('p0')).toBe(r.num.get('p1'));
      }),
    );
  });

  it('are deterministic, whatever order the partners are given in', () => {
    fc.assert(
      fc.property(game, fc.integer(), ({ n, values }, seed) => {
        const v = gameValue(n, values);
        const list = touched(...players(n));
        const shuffled = [...list].sort(() => (seed % 2 === 0 ? -1 : 1));
        const a = splitCredit(99_999n, list, { kind: 'shapley' }, v);
        const b = splitCredit(99_999n, shuffled, { kind: 'shapley' }, v);
        expect(b).toEqual(a);
      }),
      { numRuns: 50 },
    );
  });

  it(`are exact up to ${SHAPLEY_EXACT_MAX} partners and sampled (${SHAPLEY_SAMPLES} seeded orders) beyond`, () => {
    const size: CoalitionValue = (s) => BigInt(s.size * s.size);
    const twelve = shapleyValues(players(SHAPLEY_EXACT_MAX), size);
    expect(twelve.exact).toBe(true);
    // A symmetric game: everyone gets v(all)/n exactly.
    for (const x of twelve.num.values()) expect(x * 12n).toBe(144n * twelve.den);
    const fourteen = shapleyValues(players(14), size, { samples: 2000 });
    expect(fourteen).toMatchObject({ exact: false, samples: 2000, den: 2000n });
    const sum = [...fourteen.num.values()].reduce((a, x) => a + x, 0n);
    expect(sum).toBe(196n * 2000n); // still efficient
    for (const x of fourteen.num.values())
      expect(Math.abs(Number(x) / 2000 - 14)).toBeLessThan(1.5);
    expect(shapleyValues(players(14), size, { samples: 2000 })).toEqual(fourteen);
  });
});

describe('single-winner and position-based splits', () => {
  const three: TouchedPartner[] = [
    { partnerId: 'blog', firstAt: 1, lastAt: 50 },
    { partnerId: 'agency', firstAt: 10, lastAt: 20 },
    { partnerId: 'app', firstAt: 30, lastAt: 40 },
  ];

  it('first touch and last touch', () => {
    expect(splitCredit(1000n, three, { kind: 'first_touch' }).map((s) => s.amount)).toEqual([
      1000n,
      0n,
      0n,
    ]);
    // The last touch is the latest lastAt: the blog touched again after the app.
    const last = splitCredit(1000n, three, { kind: 'last_touch' });
    expect(last.map((s) => [s.partnerId, s.amount])).toEqual([
      ['blog', 1000n],
      ['agency', 0n],
      ['app', 0n],
    ]);
    expect(last[0]?.why).toBe(
      'you received 100% of this conversion because the program credits the last partner to touch the customer, and that was you',
    );
  });

  it('40/20/40, the middle sharing its part, always summing to the reward', () => {
    const rule = { kind: 'position', first: 40, last: 40 } as const;
    expect(splitCredit(10000n, three, rule).map((s) => s.amount)).toEqual([4000n, 2000n, 4000n]);
    const four = [...three, { partnerId: 'podcast', firstAt: 35, lastAt: 36 }];
    expect(splitCredit(10001n, four, rule).map((s) => s.amount)).toEqual([
      4001n,
      1000n,
      1000n,
      4000n,
    ]);
    const shares = splitCredit(999n, four, rule);
    expect(shares.reduce((a, s) => a + s.amount, 0n)).toBe(999n);
    expect(shares[1]?.why).toBe(
      'you received 10% of this conversion because you were between the first and the last of 4 partners to touch the customer, and the program gives 40% to the first, 40% to the last and the rest equally to those between',
    );
    expect(splitCredit(777n, three.slice(0, 2), rule).map((s) => s.amount)).toEqual([389n, 388n]);
    expect(splitCredit(777n, three.slice(0, 1), rule)[0]?.why).toBe(
      'you received 100% of this conversion because you were the only partner to touch the customer',
    );
  });
});
