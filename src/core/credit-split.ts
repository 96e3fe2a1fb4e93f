import { formatBasisPoints } from './factor.js';
import { allocate } from './money.js';
import { prng } from './prng.js';
import { divideHalfEven } from './rounding.js';

/**
 * Fair credit between partners who touched one customer (issue 6): a
 * single winner (first or last touch), position-based weights (40/20/40 by
 * default), or the Shapley value of each partner over a coalition value
 * function. Every rule gives integer weights; `splitAmount` turns weights
 * into minor units that always sum exactly to the reward (largest
 * remainder, ties to the earlier partner), and every share says why in
 * plain words.
 */

/** A partner's touches of one customer, in time order (the first touch first). */
export interface TouchedPartner {
  partnerId: string;
  /** When the partner first and last touched the customer (epoch ms). */
  firstAt: number;
  lastAt: number;
}

export type SplitRule =
  | { kind: 'first_touch' }
  | { kind: 'last_touch' }
  /** Percent to the first and the last partner; the middle ones share the rest equally. */
  | { kind: 'position'; first: number; last: number }
  /**
   * `values`: each partner's Shapley value when the caller computed it
   * exactly in closed form (see `noisyOrShapley`); else it comes from `v`.
   */
  | { kind: 'shapley'; values?: ReadonlyMap<string, bigint> };

export interface Share {
  partnerId: string;
  /** Exact weight: the share is `weight / total` of the reward. */
  weight: bigint;
  amount: bigint;
  /** Hundredths of a percent, rounded half-even (for display; amounts are exact). */
  percentBps: bigint;
  why: string;
}

/** Coalition value: what the partners in the set bring together (a count, a rate in basis points …). */
export type CoalitionValue = (members: ReadonlySet<string>) => bigint;

/** The most partners whose Shapley value is computed exactly (2^12 coalitions); beyond, sampled. */
export const SHAPLEY_EXACT_MAX = 12;
/** Permutations sampled beyond `SHAPLEY_EXACT_MAX` partners (seeded: the same split every time). */
export const SHAPLEY_SAMPLES = 20_000;

const factorial = (n: number): bigint => {
  let f = 1n;
  for (let i = 2n; i <= BigInt(n); i++) f *= i;
  return f;
};

/**
 * Each player's Shapley value as an exact fraction `num / den` (one common
 * denominator): the average, over every order in which the players could
 * join, of what each adds to the coalition before it. Exact up to
 * `SHAPLEY_EXACT_MAX` players (sum over subsets with weights
 * |S|!(n−|S|−1)!/n!); beyond, the average over `SHAPLEY_SAMPLES` random
 * orders drawn with a fixed seed, so the split is still deterministic.
 * Efficient by construction: the values sum to v(all) − v(none).
 */
export function shapleyValues(
  players: readonly string[],
  v: CoalitionValue,
  opts: { seed?: number; samples?: number } = {},
): { num: Map<string, bigint>; den: bigint; exact: boolean; samples: number } {
  const n = players.length;
  const num = new Map(players.map((p) => [p, 0n]));
  if (n === 0) return { num, den: 1n, exact: true, samples: 0 };
  if (n <= SHAPLEY_EXACT_MAX) {
    // Memoize v over subsets (bitmasks): 2^n calls at most.
    const memo = new Map<number, bigint>();
    const value = (mask: number) => {
      let x = memo.get(mask);
      if (x === undefined) {
        x = v(new Set(players.filter((_, i) => mask & (1 << i))));
        memo.set(mask, x);
      }
      return x;
    };
    const weight = new Map<number, bigint>();
    for (let s = 0; s < n; s++) weight.set(s, factorial(s) * factorial(n - s - 1));
    for (let mask = 0; mask < 1 << n; mask++) {
      const size = popcount(mask);
      for (let i = 0; i < n; i++) {
        if (mask & (1 << i)) continue;
        const marginal = value(mask | (1 << i)) - value(mask);
        const p = players[i] as string;
        num.set(p, (num.get(p) as bigint) + (weight.get(size) as bigint) * marginal);
      }
    }
    return { num, den: factorial(n), exact: true, samples: 0 };
  }
  const samples = opts.samples ?? SHAPLEY_SAMPLES;
  const rand = prng(opts.seed ?? 1);
  const order = [...players];
  for (let k = 0; k < samples; k++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j] as string, order[i] as string];
    }
    const joined = new Set<string>();
    let before = v(joined);
    for (const p of order) {
      joined.add(p);
      const after = v(joined);
      num.set(p, (num.get(p) as bigint) + after - before);
      before = after;
    }
  }
  return { num, den: BigInt(samples), exact: false, samples };
}

function popcount(x: number): number {
  let c = 0;
  for (let y = x; y; y &= y - 1) c++;
  return c;
}

/**
 * Splits `amount` (minor units) between the partners who touched a customer
 * under `rule`. The shares always sum exactly to `amount`. Partners are
 * taken in time order of their first touch; with Shapley, a partner whose
 * value is negative (it made conversion less likely) gets nothing, and the
 * others share the whole.
 */
export function splitCredit(
  amount: bigint,
  partners: readonly TouchedPartner[],
  rule: SplitRule,
  v?: CoalitionValue,
): Share[] {
  if (partners.length === 0) return [];
  const ordered = [...partners].sort(
    (a, b) => a.firstAt - b.firstAt || (a.partnerId < b.partnerId ? -1 : 1),
  );
  const ids = ordered.map((p) => p.partnerId);
  let weights: bigint[];
  let why: (i: number, pct: string) => string;
  const n = ordered.length;
  if (rule.kind === 'first_touch' || rule.kind === 'last_touch') {
    const winner =
      rule.kind === 'first_touch'
        ? 0
        : ordered.reduce(
            (best, p, i) => (p.lastAt > (ordered[best] as TouchedPartner).lastAt ? i : best),
            0,
          );
    weights = ids.map((_, i) => (i === winner ? 1n : 0n));
    why = (i) =>
      i === winner
        ? `you received 100% of this conversion because the program credits the ${rule.kind === 'first_touch' ? 'first' : 'last'} partner to touch the customer, and that was you`
        : `you received 0% of this conversion because the program credits only the ${rule.kind === 'first_touch' ? 'first' : 'last'} partner to touch the customer`;
  } else if (rule.kind === 'position') {
    weights = positionWeights(n, rule.first, rule.last);
    why = (i, pct) =>
      n === 1
        ? 'you received 100% of this conversion because you were the only partner to touch the customer'
        : `you received ${pct} of this conversion because you were ${i === 0 ? 'the first' : i === n - 1 ? 'the last' : 'between the first and the last'} of ${n} partners to touch the customer, and the program gives ${n === 2 ? 'the first and the last equal shares' : `${rule.first}% to the first, ${rule.last}% to the last and the rest equally to those between`}`;
  } else {
    const given = rule.values;
    if (!given && !v) throw new RangeError('shapley needs a coalition value function');
    const s = given
      ? { num: given, exact: true, samples: 0 }
      : shapleyValues(ids, v as CoalitionValue);
    const raw = ids.map((id) => s.num.get(id) ?? 0n);
    weights = raw.map((x) => (x > 0n ? x : 0n));
    if (weights.every((w) => w === 0n)) weights = ids.map(() => 1n);
    why = (i, pct) =>
      `you received ${pct} of this conversion because that is your average added value over every order in which the ${n} partners could have touched the customer (Shapley value${s.exact ? '' : `, estimated from ${s.samples} sampled orders`})${(raw[i] as bigint) <= 0n ? '; you added nothing to the others' : ''}`;
  }
  const amounts = splitAmount(amount, weights);
  const total = weights.reduce((a, w) => a + w, 0n);
  return ids.map((partnerId, i) => {
    const weight = weights[i] as bigint;
    const percentBps = divideHalfEven(weight * 10_000n, total);
    return {
      partnerId,
      weight,
      amount: amounts[i] as bigint,
      percentBps,
      why: why(i, `${formatBasisPoints(percentBps)}%`),
    };
  });
}

/**
 * Exact Shapley values, for any number of players, of the noisy-OR game
 * v(S) = 1 − Π_{j∈S} q_j, where q_j = num/den is the chance that player j
 * alone does not convert the customer. Closed form: player i adds
 * (1 − q_i) Π_{j∈S} q_j to a coalition S, so
 * φ_i = (1 − q_i) Σ_k k!(n−k−1)!/n! · e_k(q without i), with e_k the
 * elementary symmetric polynomials — O(n³) bigint steps instead of 2^n
 * coalitions. Returns integers proportional to the values (one common
 * denominator, D·n!, left out), in the order given.
 */
export function noisyOrShapley(q: readonly { num: bigint; den: bigint }[]): bigint[] {
  const n = q.length;
  const fact = [1n];
  for (let k = 1; k <= n; k++) fact.push((fact[k - 1] as bigint) * BigInt(k));
  return q.map((qi, i) => {
    // Coefficients of Π_{j≠i} (den_j + num_j x): coefficient k is e_k(q_{−i}) × Π_{j≠i} den_j.
    let poly = [1n];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const { num, den } = q[j] as { num: bigint; den: bigint };
      const next = new Array<bigint>(poly.length + 1).fill(0n);
      poly.forEach((c, k) => {
        next[k] = (next[k] as bigint) + c * den;
        next[k + 1] = (next[k + 1] as bigint) + c * num;
      });
      poly = next;
    }
    let sum = 0n;
    poly.forEach((c, k) => {
      sum += (fact[k] as bigint) * (fact[n - k - 1] as bigint) * c;
    });
    // Scaled to the common denominator Π_j den_j: (den_i − num_i) over den_i, times the rest.
    return (qi.den - qi.num) * sum;
  });
}

/** Weights per position, in hundredths of a percent, summing to 10,000. */
export function positionWeights(n: number, first: number, last: number): bigint[] {
  if (n === 1) return [10_000n];
  if (n === 2) return [5_000n, 5_000n];
  const f = BigInt(Math.round(first * 100));
  const l = BigInt(Math.round(last * 100));
  const middle = 10_000n - f - l;
  const each = allocate(
    middle,
    Array.from({ length: n - 2 }, () => 1n),
  );
  return [f, ...each, l];
}

/** Minor units for each weight, summing exactly to `amount` (largest remainder). */
export function splitAmount(amount: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.every((w) => w === 0n)) throw new RangeError('nothing to split by');
  return allocate(amount, weights);
}
