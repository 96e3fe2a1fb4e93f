import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/**
 * What the API fuzz tests share: adversarial values, mutations of a valid
 * request along paths, a tally of answers, and the check that an answer is
 * never a 5xx and every 4xx is a problem document (DESIGN invariant 8).
 */
export type Path = (string | number)[];

/** A mutation value that deletes the field instead of setting it. */
export const DELETE = Symbol('delete');

/** Lone surrogates and NUL next to every other code point. */
export const oddText = fc.string({
  unit: fc.oneof(
    { weight: 8, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udfff', '\u202e', '\ufeff') },
  ),
  maxLength: 40,
});

export const nested = (depth: number): unknown => {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

/** Strings that look like numbers, amounts, dates or currencies, and are not quite. */
const ODD_STRINGS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '1e3',
  '-1',
  '-0.01',
  '0x1F',
  '1,000.00',
  ' 12 ',
  '١٢٣',
  '𝟙𝟚',
  '１２',
  '',
  ' ',
  'null',
  '9'.repeat(40),
  '999999999999999.999',
  '1.',
  '.5',
  '+1',
  '2026-02-30',
  '2026-01-01T25:00:00Z',
  '0000-01-01',
  '9999-12-31T23:59:59Z',
  'USD',
  'usd',
  'JPY',
  'KWD',
];

/**
 * Values that a field should not hold, or only barely: JSON of every shape,
 * odd text, huge strings, number-like strings (plus `strings`), numbers
 * (plus `numbers`), deep nesting.
 */
export function weirdValues(
  opts: { strings?: readonly string[]; numbers?: readonly number[]; textWeight?: number } = {},
): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    { weight: opts.textWeight ?? 4, arbitrary: oddText },
    fc.nat(100_000).map((n) => 'x'.repeat(n)),
    {
      weight: opts.strings ? 3 : 1,
      arbitrary: fc.constantFrom(...ODD_STRINGS, ...(opts.strings ?? [])),
    },
    ...(opts.numbers ? [{ weight: 3, arbitrary: fc.constantFrom(...opts.numbers) }] : []),
    fc.double(),
    fc.integer(),
    fc.bigInt().map(String),
    fc.oneof(fc.nat(80), fc.nat(300)).map(nested),
    fc.constantFrom(null, {}, [], [[]], true, false),
    fc.dictionary(oddText, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  );
}

/** A mutation: a path (possibly into what is not there) and a value, or a deletion. */
export const mutations = (paths: Path[], values: fc.Arbitrary<unknown>, maxLength = 3) =>
  fc.array(fc.tuple(fc.constantFrom(...paths), fc.oneof(values, fc.constant(DELETE))), {
    maxLength,
  });

/** A copy of `base` with the changes applied, creating objects and arrays along a path. */
export function mutate<T>(base: T, changes: [Path, unknown][]): unknown {
  const root = structuredClone(base) as Record<string | number, unknown>;
  for (const [path, value] of changes) {
    let node = root;
    for (const [i, key] of path.entries()) {
      if (i === path.length - 1) {
        if (value === DELETE) delete node[key];
        // A copy: a value may be a part of the base, and later changes may go into it.
        else node[key] = structuredClone(value);
        break;
      }
      const next = node[key];
      if (next === null || typeof next !== 'object')
        node[key] = typeof path[i + 1] === 'number' ? [] : {};
      node = node[key] as Record<string | number, unknown>;
    }
  }
  return root;
}

/** Status counts, so each property can show it reached both sides. */
export class Tally {
  readonly byClass = new Map<string, number>();
  add(status: number) {
    const k = `${Math.floor(status / 100)}xx`;
    this.byClass.set(k, (this.byClass.get(k) ?? 0) + 1);
  }
  get(k: string) {
    return this.byClass.get(k) ?? 0;
  }
}

/** Never a 5xx; every 4xx a problem document whose `status` is the HTTP status and has a `code`. */
export function expectWellFormed(r: LightMyRequestResponse, what: string) {
  expect(r.statusCode, `${what} → ${r.statusCode} ${r.body.slice(0, 300)}`).toBeLessThan(500);
  if (r.statusCode >= 400) {
    expect(r.headers['content-type'], `${what} → ${r.body.slice(0, 300)}`).toMatch(
      /^application\/problem\+json/,
    );
    const body = r.json();
    expect(typeof body.code, `${what} → ${r.body.slice(0, 300)}`).toBe('string');
    expect(body.status).toBe(r.statusCode);
  }
}

/** Any value as text (objects without a prototype have no toString). */
export const asText = (v: unknown): string =>
  typeof v === 'string' ? v : (JSON.stringify(v) ?? '');

/** An id as a URL path segment; text that cannot be encoded (a lone surrogate) is sent raw-escaped. */
export const pathPart = (id: string): string => {
  try {
    return encodeURIComponent(id.slice(0, 200));
  } catch {
    return escape(id.slice(0, 200));
  }
};

/**
 * Runs `count` arbitrary requests: each answer is well formed (never a 5xx),
 * and a refused one (4xx) leaves `snapshot()` as it was. The tally of status
 * classes goes into `tallies[what]`; at least one request must be refused.
 */
export async function fuzzRequests<T, S>(
  what: string,
  arb: fc.Arbitrary<T>,
  send: (x: T) => Promise<LightMyRequestResponse>,
  opts: { snapshot: () => Promise<S>; tallies: Record<string, Tally>; count?: number },
): Promise<void> {
  const tally = new Tally();
  opts.tallies[what] = tally;
  await fc.assert(
    fc.asyncProperty(arb, async (x) => {
      const before = await opts.snapshot();
      const r = await send(x);
      tally.add(r.statusCode);
      expectWellFormed(r, what);
      if (r.statusCode >= 400)
        expect(await opts.snapshot(), `${what} changed the database on ${r.statusCode}`).toEqual(
          before,
        );
    }),
    { numRuns: opts.count ?? 150 },
  );
  expect(tally.get('4xx')).toBeGreaterThan(0);
}
