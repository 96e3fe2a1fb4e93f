import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Condition,
  compareDecimal,
  conditionSchema,
  evaluateCondition,
  type Facts,
} from './conditions.js';
import { formatPath } from './issues.js';

const seller: Facts = {
  'customer.side': 'seller',
  'customer.country': 'DE',
  'event.type': 'payment',
  'event.currency': 'USD',
  'event.revenue': '100.00',
  'event.attributes.plan': 'pro',
  'customer.attributes.seats': 12,
  'customer.attributes.verified': true,
};

const ev = (c: Condition, facts: Facts = seller) => evaluateCondition(c, facts);

describe('evaluateCondition: comparisons', () => {
  it('eq / ne', () => {
    expect(ev({ field: 'customer.side', op: 'eq', value: 'seller' })).toBe(true);
    expect(ev({ field: 'customer.side', op: 'eq', value: 'buyer' })).toBe(false);
    expect(ev({ field: 'customer.side', op: 'ne', value: 'buyer' })).toBe(true);
    expect(ev({ field: 'customer.side', op: 'ne', value: 'seller' })).toBe(false);
    expect(ev({ field: 'customer.attributes.verified', op: 'eq', value: true })).toBe(true);
    expect(ev({ field: 'customer.attributes.verified', op: 'eq', value: false })).toBe(false);
  });

  it('eq is case-sensitive for strings', () => {
    expect(ev({ field: 'customer.side', op: 'eq', value: 'Seller' })).toBe(false);
  });

  it('eq compares numbers numerically, also against decimal strings', () => {
    expect(ev({ field: 'event.revenue', op: 'eq', value: 100 })).toBe(true);
    expect(ev({ field: 'event.revenue', op: 'eq', value: '100.00' })).toBe(true);
    expect(ev({ field: 'customer.attributes.seats', op: 'eq', value: '12.0' })).toBe(true);
    expect(ev({ field: 'customer.attributes.seats', op: 'eq', value: 12.5 })).toBe(false);
    // a number never equals a non-numeric string
    expect(ev({ field: 'customer.side', op: 'eq', value: 1 })).toBe(false);
  });

  it('in / not_in', () => {
    expect(ev({ field: 'customer.country', op: 'in', value: ['FR', 'DE'] })).toBe(true);
    expect(ev({ field: 'customer.country', op: 'in', value: ['FR', 'IT'] })).toBe(false);
    expect(ev({ field: 'customer.country', op: 'not_in', value: ['FR', 'IT'] })).toBe(true);
    expect(ev({ field: 'customer.country', op: 'not_in', value: ['DE'] })).toBe(false);
    expect(ev({ field: 'event.revenue', op: 'in', value: [50, 100] })).toBe(true);
  });

  it('exists: present and non-empty', () => {
    expect(ev({ field: 'customer.country', op: 'exists' })).toBe(true);
    expect(ev({ field: 'customer.segment', op: 'exists' })).toBe(false);
    expect(ev({ field: 'customer.segment', op: 'exists' }, { 'customer.segment': '' })).toBe(false);
    expect(
      ev({ field: 'customer.attributes.n', op: 'exists' }, { 'customer.attributes.n': 0 }),
    ).toBe(true);
    expect(
      ev({ field: 'customer.attributes.b', op: 'exists' }, { 'customer.attributes.b': false }),
    ).toBe(true);
  });

  it('gt / gte / lt / lte compare decimals exactly', () => {
    expect(ev({ field: 'event.revenue', op: 'gt', value: '99.99' })).toBe(true);
    expect(ev({ field: 'event.revenue', op: 'gt', value: 100 })).toBe(false);
    expect(ev({ field: 'event.revenue', op: 'gte', value: 100 })).toBe(true);
    expect(ev({ field: 'event.revenue', op: 'gte', value: '100.01' })).toBe(false);
    expect(ev({ field: 'event.revenue', op: 'lt', value: '100.01' })).toBe(true);
    expect(ev({ field: 'event.revenue', op: 'lt', value: '100' })).toBe(false);
    expect(ev({ field: 'event.revenue', op: 'lte', value: '100.000' })).toBe(true);
    expect(ev({ field: 'event.revenue', op: 'lte', value: '99.999' })).toBe(false);
    expect(ev({ field: 'customer.attributes.seats', op: 'gt', value: 9 })).toBe(true); // not "12" < "9"
    expect(ev({ field: 'event.revenue', op: 'gt', value: -1 }, { 'event.revenue': '-0.5' })).toBe(
      true,
    );
    expect(
      ev({ field: 'event.revenue', op: 'lt', value: '-0.4' }, { 'event.revenue': '-0.5' }),
    ).toBe(true);
  });

  it('ordering comparisons on non-numeric facts are false', () => {
    expect(ev({ field: 'customer.side', op: 'gt', value: 0 })).toBe(false);
    expect(ev({ field: 'customer.side', op: 'lte', value: 0 })).toBe(false);
    expect(ev({ field: 'customer.attributes.verified', op: 'gte', value: 0 })).toBe(false);
  });
});

describe('evaluateCondition: missing facts compare as absent', () => {
  const none: Facts = {};
  it.each<[Condition, boolean]>([
    [{ field: 'customer.side', op: 'eq', value: 'seller' }, false],
    [{ field: 'customer.side', op: 'ne', value: 'seller' }, true],
    [{ field: 'customer.side', op: 'in', value: ['seller'] }, false],
    [{ field: 'customer.side', op: 'not_in', value: ['seller'] }, true],
    [{ field: 'customer.side', op: 'exists' }, false],
    [{ field: 'event.revenue', op: 'gt', value: 0 }, false],
    [{ field: 'event.revenue', op: 'gte', value: 0 }, false],
    [{ field: 'event.revenue', op: 'lt', value: 0 }, false],
    [{ field: 'event.revenue', op: 'lte', value: 0 }, false],
  ])('%j → %s', (c, expected) => {
    expect(ev(c, none)).toBe(expected);
    // an explicitly undefined fact behaves exactly like a missing one
    expect(ev(c, { [(c as { field: string }).field]: undefined })).toBe(expected);
  });
});

describe('evaluateCondition: all / any / not', () => {
  const yes: Condition = { field: 'customer.side', op: 'eq', value: 'seller' };
  const no: Condition = { field: 'customer.side', op: 'eq', value: 'buyer' };

  it('all needs every child, any needs one, not negates', () => {
    expect(ev({ all: [yes, yes] })).toBe(true);
    expect(ev({ all: [yes, no] })).toBe(false);
    expect(ev({ any: [no, yes] })).toBe(true);
    expect(ev({ any: [no, no] })).toBe(false);
    expect(ev({ not: yes })).toBe(false);
    expect(ev({ not: no })).toBe(true);
  });

  it('nests', () => {
    const c: Condition = {
      all: [
        yes,
        {
          any: [
            { field: 'customer.country', op: 'in', value: ['FR'] },
            { not: { field: 'event.revenue', op: 'lt', value: 50 } },
          ],
        },
      ],
    };
    expect(ev(c)).toBe(true);
    expect(ev(c, { ...seller, 'event.revenue': '49.99' })).toBe(false);
    expect(ev(c, { ...seller, 'event.revenue': '49.99', 'customer.country': 'FR' })).toBe(true);
  });

  it('not(eq) equals ne and not(in) equals not_in, also for missing facts (property)', () => {
    const fact = fc.option(
      fc.oneof(
        fc.constantFrom('a', 'b', '1', '1.0', ''),
        fc.integer({ min: -2, max: 2 }),
        fc.boolean(),
      ),
      {
        nil: undefined,
      },
    );
    const value = fc.oneof(
      fc.constantFrom('a', 'b', '1', '2'),
      fc.integer({ min: -2, max: 2 }),
      fc.boolean(),
    );
    fc.assert(
      fc.property(fact, value, fc.array(value, { minLength: 1, maxLength: 3 }), (f, v, vs) => {
        const facts: Facts = { 'customer.segment': f };
        const field = 'customer.segment';
        expect(ev({ not: { field, op: 'eq', value: v } }, facts)).toBe(
          ev({ field, op: 'ne', value: v }, facts),
        );
        expect(ev({ not: { field, op: 'in', value: vs } }, facts)).toBe(
          ev({ field, op: 'not_in', value: vs }, facts),
        );
      }),
    );
  });
});

describe('compareDecimal', () => {
  it('is exact', () => {
    expect(compareDecimal('0.10', '0.1')).toBe(0);
    expect(compareDecimal('10.5', '9.99')).toBe(1);
    expect(compareDecimal('9.99', '10.5')).toBe(-1);
    expect(compareDecimal('100', '100.00')).toBe(0);
    expect(compareDecimal('-1.5', '-1.49')).toBe(-1);
    expect(compareDecimal('-0.0', '0')).toBe(0);
    expect(compareDecimal('0.30000000000000001', '0.3')).toBe(1); // floats would say equal
    expect(compareDecimal('12345678901234567890.01', '12345678901234567890')).toBe(1);
  });

  it('agrees with integer comparison of scaled values (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.nat(6),
        fc.nat(6),
        (a, b, sa, sb) => {
          const dec = (v: bigint, s: number) => {
            const neg = v < 0n;
            const digits = (neg ? -v : v).toString().padStart(s + 1, '0');
            return (
              (neg ? '-' : '') + (s === 0 ? digits : `${digits.slice(0, -s)}.${digits.slice(-s)}`)
            );
          };
          // a·10^-sa vs b·10^-sb  ⇔  a·10^sb vs b·10^sa
          const x = a * 10n ** BigInt(sb);
          const y = b * 10n ** BigInt(sa);
          expect(compareDecimal(dec(a, sa), dec(b, sb))).toBe(x === y ? 0 : x > y ? 1 : -1);
        },
      ),
    );
  });

  // Regression (conditions.ts compareDecimal/toScaled): numbers are turned into text with String(),
  // which uses exponent notation below 1e-6 and from 1e21 ("1e-7", "1e+21"); BigInt() then
  // throws a SyntaxError. Such values pass conditionSchema (and event attributes accept any
  // finite number), so deriving a customer with one would throw.
  it('does not throw on numbers that String() writes in exponent notation', () => {
    expect(ev({ field: 'event.revenue', op: 'gt', value: 1e-7 }, { 'event.revenue': '1.00' })).toBe(
      true,
    );
    expect(
      ev(
        { field: 'customer.attributes.n', op: 'gt', value: 10 },
        { 'customer.attributes.n': 1e21 },
      ),
    ).toBe(true);
  });
});

describe('conditionSchema', () => {
  const issuesOf = (input: unknown) => {
    const r = conditionSchema.safeParse(input);
    expect(r.success).toBe(false);
    return r.success
      ? []
      : r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  };

  it('accepts a well-formed tree', () => {
    const c = {
      all: [
        { field: 'customer.side', op: 'eq', value: 'seller' },
        {
          any: [
            { field: 'customer.attributes.tier-2', op: 'exists' },
            { not: { field: 'event.gross', op: 'gte', value: '10.5' } },
          ],
        },
        { field: 'event.attributes.plan_id', op: 'not_in', value: ['free', 'trial'] },
      ],
    };
    expect(conditionSchema.parse(c)).toEqual(c);
  });

  it('rejects a bad field path, naming the field', () => {
    for (const field of [
      'customer.email',
      'event.amount',
      'customer.attributes.',
      'customer.attributes.a.b',
      'customer.side.x',
      'side',
    ]) {
      const issues = issuesOf({ field, op: 'eq', value: 'x' });
      expect(
        issues.some((i) => i.path === 'field' && /customer\.side/.test(i.message)),
        field,
      ).toBe(true);
    }
  });

  it('rejects in / not_in with a scalar value at path value', () => {
    expect(issuesOf({ field: 'customer.country', op: 'in', value: 'DE' })).toContainEqual({
      path: 'value',
      message: 'in needs a list of values',
    });
    expect(issuesOf({ field: 'customer.country', op: 'not_in', value: 'DE' })).toContainEqual({
      path: 'value',
      message: 'not_in needs a list of values',
    });
  });

  it('rejects a list where one value is compared', () => {
    expect(issuesOf({ field: 'customer.country', op: 'eq', value: ['DE'] })).toContainEqual({
      path: 'value',
      message: 'eq compares with one value, not a list',
    });
  });

  it('rejects missing values, values on exists, non-numeric ordering and empty lists', () => {
    expect(issuesOf({ field: 'customer.side', op: 'eq' })).toContainEqual({
      path: 'value',
      message: 'eq needs a value',
    });
    expect(issuesOf({ field: 'customer.side', op: 'exists', value: 'x' })).toContainEqual({
      path: 'value',
      message: 'exists takes no value',
    });
    expect(issuesOf({ field: 'event.revenue', op: 'gt', value: 'lots' })).toContainEqual({
      path: 'value',
      message: 'gt needs a number',
    });
    issuesOf({ field: 'customer.country', op: 'in', value: [] });
    issuesOf({ all: [] });
    issuesOf({ field: 'customer.side', op: 'like', value: 'x' });
    issuesOf({ field: 'customer.side', op: 'eq', value: 'x', extra: 1 });
  });

  it('reports problems deep in the tree with their path', () => {
    const issues = issuesOf({
      all: [
        { field: 'customer.side', op: 'eq', value: 'x' },
        { not: { field: 'customer.country', op: 'in', value: 'DE' } },
      ],
    });
    expect(issues.map((i) => i.path)).toContain('all[1].not.value');
  });
});
