import { isCurrency } from './currency.js';
import { canonicalJson } from './event-input.js';
import { formatFactor, toFactor } from './factor.js';
import { formatAmount, parseAmount } from './money.js';

/**
 * One difference between two versions' terms, for people and for programs:
 * `path` points into the terms (list items by id in brackets, never by index:
 * `rewards[first-year-revenue].percent`), `before`/`after` are the values as
 * the documents hold them, and `summary` says it in one plain sentence.
 */
export interface TermsChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
  summary: string;
}

/**
 * Collects changes while the sections of two documents are compared, and
 * knows each side's currency so amounts read the same however they were
 * written ("10" and "10.00" USD are one amount, shown as 10.00).
 */
export class ChangeList {
  readonly changes: TermsChange[] = [];
  constructor(
    readonly curBefore: string,
    readonly curAfter: string,
  ) {}

  added(path: string, after: unknown, summary: string): void {
    this.changes.push({ path, change: 'added', after, summary });
  }

  removed(path: string, before: unknown, summary: string): void {
    this.changes.push({ path, change: 'removed', before, summary });
  }

  changed(path: string, before: unknown, after: unknown, summary: string): void {
    this.changes.push({ path, change: 'changed', before, after, summary });
  }

  /**
   * Reports an optional value that appeared, disappeared or changed, with a
   * sentence for each case; equal values (by `equal`) report nothing.
   */
  optional<T>(
    path: string,
    before: T | undefined,
    after: T | undefined,
    say: { added: (a: T) => string; removed: (b: T) => string; changed: (b: T, a: T) => string },
    equal: (b: T, a: T) => boolean = same,
  ): void {
    if (before === undefined && after === undefined) return;
    if (before === undefined) this.added(path, after, say.added(after as T));
    else if (after === undefined) this.removed(path, before, say.removed(before));
    else if (!equal(before, after)) this.changed(path, before, after, say.changed(before, after));
  }

  /** An amount of the before document, normalized to its currency's decimals. */
  amountBefore(text: string): string {
    return amountText(text, this.curBefore);
  }

  amountAfter(text: string): string {
    return amountText(text, this.curAfter);
  }

  /** Two amounts are the same only in the same currency. */
  sameAmount(before: string, after: string): boolean {
    return (
      this.curBefore === this.curAfter && this.amountBefore(before) === this.amountAfter(after)
    );
  }

  /** `20000.00 → 15000.00 USD`, or `10.00 USD → 10.00 EUR` when the currency changed. */
  moneyChange(before: string, after: string): string {
    const b = this.amountBefore(before);
    const a = this.amountAfter(after);
    return this.curBefore === this.curAfter
      ? `${b} → ${a} ${this.curAfter}`
      : `${b} ${this.curBefore} → ${a} ${this.curAfter}`;
  }
}

/** Deep equality of JSON-like values, key order ignored. */
export function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function amountText(text: string, currency: string): string {
  if (!isCurrency(currency)) return text;
  try {
    return formatAmount(parseAmount(text, currency), currency);
  } catch {
    return text;
  }
}

/** `1.5` → `×1.5`. */
export const times = (m: number): string => `×${formatFactor(toFactor(m))}`;

export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 ? one : many}`;

export const quoted = (id: string): string => `"${id}"`;

/**
 * Pairs the items of two lists by id. Lists of rules, tiers, accelerators,
 * bonuses and benefits are compared this way, never by position, so moving
 * an item is not a change and inserting one does not shift the others.
 */
export function matchById<T extends { id: string }>(
  before: readonly T[],
  after: readonly T[],
): { added: T[]; removed: T[]; kept: [T, T][] } {
  const b = new Map(before.map((x) => [x.id, x]));
  const a = new Set(after.map((x) => x.id));
  return {
    added: after.filter((x) => !b.has(x.id)),
    removed: before.filter((x) => !a.has(x.id)),
    kept: after.filter((x) => b.has(x.id)).map((x) => [b.get(x.id) as T, x]),
  };
}

/** True when the ids both lists hold appear in a different relative order. */
export function reordered(before: readonly string[], after: readonly string[]): boolean {
  const inAfter = new Set(after);
  const inBefore = new Set(before);
  const b = before.filter((id) => inAfter.has(id));
  const a = after.filter((id) => inBefore.has(id));
  return b.some((id, i) => a[i] !== id);
}
