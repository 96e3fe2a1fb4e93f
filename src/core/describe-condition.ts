import type { Condition, Scalar } from './conditions.js';

const OPS: Record<string, string> = {
  eq: '=',
  ne: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  in: 'in',
  not_in: 'not in',
};

/**
 * A condition as one line of text, for people: the CLI's terms summary and
 * the plain-English diff of two versions both print conditions this way, so
 * an operator reads the same words in both places.
 *
 * @example
 * describeCondition({ all: [
 *   { field: 'customer.side', op: 'eq', value: 'seller' },
 *   { field: 'customer.country', op: 'in', value: ['US', 'CA'] },
 * ] }) // 'customer.side = seller and customer.country in [US, CA]'
 */
export function describeCondition(c: Condition, nested = false): string {
  const wrap = (s: string) => (nested ? `(${s})` : s);
  if ('all' in c) return wrap(c.all.map((x) => describeCondition(x, true)).join(' and '));
  if ('any' in c) return wrap(c.any.map((x) => describeCondition(x, true)).join(' or '));
  if ('not' in c) return `not ${describeCondition(c.not, true)}`;
  if (c.op === 'exists') return `${c.field} is set`;
  const show = (v: Scalar) => (typeof v === 'string' ? v : JSON.stringify(v));
  const value = Array.isArray(c.value) ? `[${c.value.map(show).join(', ')}]` : show(c.value ?? '');
  return `${c.field} ${OPS[c.op] ?? c.op} ${value}`;
}
