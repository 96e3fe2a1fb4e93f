import { z } from 'zod';

/**
 * Conditions on customer and event attributes, as a typed tree rather than an
 * expression string, so that a program version is validated completely when
 * it is published and evaluated without a parser at run time.
 */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { field: string; op: ComparisonOp; value?: Scalar | Scalar[] };

export type Scalar = string | number | boolean;
export const comparisonOps = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'not_in',
  'exists',
] as const;
export type ComparisonOp = (typeof comparisonOps)[number];

// `integration.*` facts exist for usage rewards (their accelerators); elsewhere they are absent.
const FIELD =
  /^(customer\.(side|country|segment|attributes\.[A-Za-z0-9_-]+)|event\.(type|currency|revenue|gross|attributes\.[A-Za-z0-9_-]+)|integration\.(id|category))$/;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const comparison = z
  .object({
    field: z.string().regex(FIELD, {
      message:
        'must be customer.side|country|segment|attributes.NAME, event.type|currency|revenue|gross|attributes.NAME or integration.id|category',
    }),
    op: z.enum(comparisonOps),
    value: z.union([scalar, z.array(scalar).min(1)]).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const list = Array.isArray(c.value);
    if (c.op === 'exists') {
      if (c.value !== undefined)
        ctx.addIssue({ code: 'custom', path: ['value'], message: 'exists takes no value' });
    } else if (c.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} needs a value` });
    } else if ((c.op === 'in' || c.op === 'not_in') !== list) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: list
          ? `${c.op} compares with one value, not a list`
          : `${c.op} needs a list of values`,
      });
    } else if (['gt', 'gte', 'lt', 'lte'].includes(c.op) && !isNumeric(c.value as Scalar)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} needs a number` });
    }
  });

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
    comparison,
  ]),
) as z.ZodType<Condition>;

function isNumeric(v: Scalar): boolean {
  return typeof v === 'number'
    ? Number.isFinite(v)
    : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v);
}

/** What a condition can read: flat string paths to scalars. */
export type Facts = Readonly<Record<string, Scalar | undefined>>;

/**
 * Evaluates a condition against facts. Missing facts compare as absent: `eq`
 * is false, `ne` and `not_in` are true, ordering comparisons are false.
 * Numbers compare numerically; amounts arrive as decimal strings in major units.
 */
export function evaluateCondition(c: Condition, facts: Facts): boolean {
  if ('all' in c) return c.all.every((x) => evaluateCondition(x, facts));
  if ('any' in c) return c.any.some((x) => evaluateCondition(x, facts));
  if ('not' in c) return !evaluateCondition(c.not, facts);
  const actual = facts[c.field];
  switch (c.op) {
    case 'exists':
      return actual !== undefined && actual !== '';
    case 'eq':
      return actual !== undefined && same(actual, c.value as Scalar);
    case 'ne':
      return actual === undefined || !same(actual, c.value as Scalar);
    case 'in':
      return actual !== undefined && (c.value as Scalar[]).some((v) => same(actual, v));
    case 'not_in':
      return actual === undefined || !(c.value as Scalar[]).some((v) => same(actual, v));
    default: {
      if (actual === undefined || !isNumeric(actual)) return false;
      const cmp = compareDecimal(decimalText(actual), decimalText(c.value as Scalar));
      if (c.op === 'gt') return cmp > 0;
      if (c.op === 'gte') return cmp >= 0;
      if (c.op === 'lt') return cmp < 0;
      return cmp <= 0;
    }
  }
}

function same(a: Scalar, b: Scalar): boolean {
  if (typeof a === 'number' || typeof b === 'number') {
    return isNumeric(a) && isNumeric(b) && compareDecimal(decimalText(a), decimalText(b)) === 0;
  }
  return String(a) === String(b);
}

/** A number as plain decimal text: String() would write 1e21 or 1e-7, which are not decimals. */
function decimalText(v: Scalar): string {
  if (typeof v !== 'number') return String(v);
  const s = String(v);
  if (!/e/i.test(s)) return s;
  if (Math.abs(v) >= 1) return BigInt(v).toString();
  return v.toFixed(20).replace(/0+$/, '');
}

/** Exact comparison of two decimal strings (no floats: "0.1" + "0.2" problems stay out). */
export function compareDecimal(a: string, b: string): number {
  const scale = Math.max(fractionDigits(a), fractionDigits(b));
  const x = toScaled(a, scale);
  const y = toScaled(b, scale);
  return x === y ? 0 : x > y ? 1 : -1;
}

function fractionDigits(s: string): number {
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

function toScaled(s: string, scale: number): bigint {
  const negative = s.startsWith('-');
  const body = negative ? s.slice(1) : s;
  const [whole = '0', frac = ''] = body.split('.');
  const v = BigInt(whole + frac.padEnd(scale, '0'));
  return negative ? -v : v;
}
