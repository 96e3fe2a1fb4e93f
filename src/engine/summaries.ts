import { isCreditAsset } from '../core/currency.js';
import { partnerAccountParts } from '../core/ledger.js';
import { DAY_MS } from '../core/time.js';
import type { LedgerEntriesTable } from '../store/schema.js';
import { toBigInt, toNumber } from '../store/values.js';
import { chunks, deferUntilCommit, type Tx } from './transaction.js';

/**
 * The summaries dashboards read (daily_stats, daily_totals, account_balances), kept by
 * adding deltas in the transaction that writes what they sum. Keys are
 * merged and upserted in one sorted order, so two transactions touching the
 * same rows queue behind each other instead of deadlocking (PostgreSQL).
 */

export type DailyMetric =
  | 'clicks'
  | 'bot_clicks'
  | 'signups'
  | 'activations'
  | 'payments'
  | 'refunds'
  | 'revenue'
  | 'earnings';

export interface StatDelta {
  at: number;
  partnerId: string;
  metric: DailyMetric;
  /** '' for counts. */
  currency: string;
  value: bigint;
}

export const conversionMetric = (type: string): DailyMetric =>
  type === 'signup'
    ? 'signups'
    : type === 'activation'
      ? 'activations'
      : type === 'payment'
        ? 'payments'
        : 'refunds';

/** A conversion row's deltas: its count and, with a currency, its revenue; `sign` −1 removes it. */
export function conversionDeltas(
  c: {
    partner_id: string;
    type: string;
    occurred_at: unknown;
    currency: string | null;
    revenue: unknown;
  },
  sign: 1n | -1n,
): StatDelta[] {
  const at = toNumber(c.occurred_at);
  const out: StatDelta[] = [
    { at, partnerId: c.partner_id, metric: conversionMetric(c.type), currency: '', value: sign },
  ];
  if (c.currency)
    out.push({
      at,
      partnerId: c.partner_id,
      metric: 'revenue',
      currency: c.currency,
      value: sign * toBigInt(c.revenue),
    });
  return out;
}

/** An accrual line's earnings (money only: credits are not earnings). */
export function earningDeltas(
  lines: readonly { partner_id: string; occurred_at: unknown; currency: string; amount: unknown }[],
): StatDelta[] {
  return lines
    .filter((l) => !isCreditAsset(l.currency))
    .map((l) => ({
      at: toNumber(l.occurred_at),
      partnerId: l.partner_id,
      metric: 'earnings' as const,
      currency: l.currency,
      value: toBigInt(l.amount),
    }));
}

/**
 * Sums amounts per key and returns the rows in key order: the order every
 * upsert here takes, so two transactions touching the same rows queue.
 */
function sumInKeyOrder<R>(items: Iterable<readonly [key: string, row: R, amount: bigint]>) {
  const merged = new Map<string, { row: R; total: bigint }>();
  for (const [key, row, amount] of items) {
    const m = merged.get(key) ?? { row, total: 0n };
    m.total += amount;
    merged.set(key, m);
  }
  return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
}

export async function addDailyStats(tx: Tx, deltas: readonly StatDelta[]): Promise<void> {
  const rows = sumInKeyOrder(
    deltas.map((d) => {
      const day = Math.floor(d.at / DAY_MS);
      const key = `${String(day).padStart(8, '0')}|${d.partnerId}|${d.metric}|${d.currency}`;
      return [
        key,
        { day, partner_id: d.partnerId, metric: d.metric, currency: d.currency },
        d.value,
      ] as const;
    }),
  )
    .filter((m) => m.total !== 0n)
    .map((m) => ({ ...m.row, value: m.total }));
  await addDailyTotals(tx, rows);
  for (const part of chunks(rows, 400))
    await tx
      .insertInto('daily_stats')
      .values(part)
      .onConflict((oc) =>
        oc
          .columns(['day', 'partner_id', 'metric', 'currency'])
          .doUpdateSet((eb) => ({ value: eb('daily_stats.value', '+', eb.ref('excluded.value')) })),
      )
      .execute();
}

type TotalRow = { day: number; metric: string; currency: string; value: bigint };
const pendingTotals = new WeakMap<Tx, TotalRow[]>();

/**
 * Adds to daily_totals (daily_stats over all partners). Every transaction
 * that adds today's signups would lock the same few rows, so the deltas are
 * collected and written once, just before the transaction commits: two
 * workers then queue for the length of a commit, not of a derivation round.
 */
async function addDailyTotals(tx: Tx, rows: readonly TotalRow[]): Promise<void> {
  const pending = pendingTotals.get(tx);
  if (pending) {
    pending.push(...rows);
    return;
  }
  const collected = [...rows];
  if (deferUntilCommit(tx, () => upsertTotals(tx, collected))) pendingTotals.set(tx, collected);
  else await upsertTotals(tx, collected);
}

async function upsertTotals(tx: Tx, deltas: readonly TotalRow[]): Promise<void> {
  const rows = sumInKeyOrder(
    deltas.map((d) => [
      `${String(d.day).padStart(8, '0')}|${d.metric}|${d.currency}`,
      { day: d.day, metric: d.metric, currency: d.currency },
      d.value,
    ]),
  )
    .filter((m) => m.total !== 0n)
    .map((m) => ({ ...m.row, value: m.total }));
  for (const part of chunks(rows, 400))
    await tx
      .insertInto('daily_totals')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['day', 'metric', 'currency']).doUpdateSet((eb) => ({
          value: eb('daily_totals.value', '+', eb.ref('excluded.value')),
        })),
      )
      .execute();
}

/** Inserts ledger entries, the one way entries are written, and adds them to partner account balances. */
export async function insertEntries(
  tx: Tx,
  entries: readonly Omit<LedgerEntriesTable, 'id'>[],
): Promise<void> {
  for (const part of chunks([...entries], 500))
    await tx.insertInto('ledger_entries').values(part).execute();
  const rows = sumInKeyOrder(
    entries
      // A partner's accounts, credits included (what migration 0009 filled).
      .filter((e) => partnerAccountParts(e.account) !== undefined)
      .map(
        (e) =>
          [
            `${e.account}|${e.currency}`,
            { account: e.account, currency: e.currency },
            toBigInt(e.amount),
          ] as const,
      ),
  ).map((m) => ({ ...m.row, balance: m.total }));
  for (const part of chunks(rows, 400))
    await tx
      .insertInto('account_balances')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['account', 'currency']).doUpdateSet((eb) => ({
          balance: eb('account_balances.balance', '+', eb.ref('excluded.balance')),
        })),
      )
      .execute();
}
