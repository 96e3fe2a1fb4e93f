import { type Currency, isCurrency } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { type FxRate, parseRate } from '../core/fx.js';
import { parseInstant, toIso } from '../core/time.js';
import { toNumber } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { chunks, type Db, inTransaction, type Tx } from './transaction.js';

export interface FxRateInput {
  base: unknown;
  quote: unknown;
  rate: unknown;
  as_of: unknown;
  source?: unknown;
}

export interface FxRateView {
  id: string;
  base: string;
  quote: string;
  rate: string;
  as_of: string;
  source: string | null;
}

export interface FxRowError {
  index: number;
  code: 'unknown_currency' | 'invalid_rate' | 'invalid_as_of' | 'rate_conflict' | 'same_currency';
  message: string;
}

// Rates may be dated a little ahead of this server's clock, like events.
const SKEW_MS = 5 * 60_000;

/**
 * Stores exchange rates (`rate` units of `quote` per unit of `base`, exact
 * decimals, effective from `as_of`). Rates are history: a pair and instant
 * already stored with the same rate is left alone, with another rate it is a
 * `rate_conflict` (publish a rate at a new instant instead). All or nothing:
 * any bad row rejects the batch with every row's problem, and nothing is stored.
 * Errors: `validation_failed` (with `details.rows`).
 */
export async function importFxRates(
  deps: Deps,
  rows: readonly FxRateInput[],
  actor: string,
): Promise<{ imported: number; unchanged: number }> {
  const now = deps.clock.now();
  const errors: FxRowError[] = [];
  const good: {
    index: number;
    base: Currency;
    quote: Currency;
    rate: string;
    asOf: number;
    source: string | null;
  }[] = [];
  rows.forEach((r, index) => {
    const base = String(r.base ?? '').toUpperCase();
    const quote = String(r.quote ?? '').toUpperCase();
    if (!isCurrency(base) || !isCurrency(quote)) {
      errors.push({
        index,
        code: 'unknown_currency',
        message: `unsupported currency pair ${String(r.base)}/${String(r.quote)}`,
      });
      return;
    }
    if (base === quote) {
      errors.push({
        index,
        code: 'same_currency',
        message: 'base and quote are the same currency',
      });
      return;
    }
    const rate = typeof r.rate === 'number' ? String(r.rate) : String(r.rate ?? '');
    if (!parseRate(rate)) {
      errors.push({
        index,
        code: 'invalid_rate',
        message: `rate ${JSON.stringify(r.rate)} is not a positive decimal (at most 12 decimals)`,
      });
      return;
    }
    const asOf = typeof r.as_of === 'string' ? parseInstant(r.as_of) : undefined;
    if (asOf === undefined || asOf > now + SKEW_MS) {
      errors.push({
        index,
        code: 'invalid_as_of',
        message:
          'as_of must be an ISO 8601 date or instant (UTC unless it says otherwise), not in the future',
      });
      return;
    }
    const source = typeof r.source === 'string' ? r.source.slice(0, 100) : null;
    good.push({ index, base, quote, rate, asOf, source });
  });
  return inTransaction(deps, async (tx) => {
    let unchanged = 0;
    const fresh: typeof good = [];
    for (const g of good) {
      const existing = await tx
        .selectFrom('fx_rates')
        .select('rate')
        .where('base', '=', g.base)
        .where('quote', '=', g.quote)
        .where('as_of', '=', g.asOf)
        .executeTakeFirst();
      if (!existing) fresh.push(g);
      else if (sameRate(existing.rate, g.rate)) unchanged++;
      else
        errors.push({
          index: g.index,
          code: 'rate_conflict',
          message: `${g.base}/${g.quote} at ${toIso(g.asOf)} is already ${existing.rate}`,
        });
    }
    if (errors.length > 0)
      throw new TandemError('validation_failed', `${errors.length} FX rate rows are invalid`, {
        rows: errors.sort((a, b) => a.index - b.index),
      });
    // Two rows of one batch for the same pair and instant: the first wins, the others must agree.
    const seen = new Map<string, string>();
    const insert = fresh.filter((g) => {
      const k = `${g.base}|${g.quote}|${g.asOf}`;
      if (seen.has(k)) return false;
      seen.set(k, g.rate);
      return true;
    });
    for (const part of chunks(insert, 200))
      await tx
        .insertInto('fx_rates')
        .values(
          part.map((g) => ({
            id: deps.ids.next('fxr'),
            base: g.base,
            quote: g.quote,
            rate: g.rate,
            as_of: g.asOf,
            source: g.source,
            created_at: now,
          })),
        )
        .execute();
    if (insert.length > 0)
      await audit(deps, tx, {
        actor,
        action: 'fx_rates.imported',
        subject: 'fx_rates',
        data: { imported: insert.length },
      });
    return { imported: insert.length, unchanged: unchanged + fresh.length - insert.length };
  });
}

const sameRate = (a: string, b: string) => {
  const x = parseRate(a);
  const y = parseRate(b);
  return !!x && !!y && x.num * y.den === y.num * x.den;
};

/** Rates, newest first, optionally for one pair. */
export async function listFxRates(
  deps: Deps,
  q: { base?: string; quote?: string; limit?: number },
): Promise<FxRateView[]> {
  let query = deps.store.db.selectFrom('fx_rates').selectAll();
  if (q.base) query = query.where('base', '=', q.base.toUpperCase());
  if (q.quote) query = query.where('quote', '=', q.quote.toUpperCase());
  const rows = await query
    .orderBy('as_of', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(q.limit ?? 100, 1000))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    base: r.base,
    quote: r.quote,
    rate: r.rate,
    as_of: toIso(toNumber(r.as_of)),
    source: r.source,
  }));
}

/** The latest rate of each pair as of `at`: what a payout claimed at `at` converts with. */
export async function loadRateTable(
  db: Db | Tx,
  at: number,
): Promise<(from: Currency, to: Currency) => FxRate | undefined> {
  const rows = await db
    .selectFrom('fx_rates')
    .selectAll()
    .where('as_of', '<=', at)
    .orderBy('as_of')
    .orderBy('id')
    .execute();
  const latest = new Map<string, FxRate>();
  for (const r of rows)
    latest.set(`${r.base}|${r.quote}`, {
      id: r.id,
      base: r.base as Currency,
      quote: r.quote as Currency,
      rate: r.rate,
      asOf: toNumber(r.as_of),
    });
  return (from, to) => latest.get(`${from}|${to}`);
}
