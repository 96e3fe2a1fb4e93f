import { isCreditAsset } from '../core/currency.js';
import { DAY_MS } from '../core/time.js';
import type { LedgerEntriesTable } from '../store/schema.js';
import { toBigInt, toNumber } from '../store/values.js';
import { chunks, type Tx } from './transaction.js';

/**
 * The summaries dashboards read (daily_stats, account_balances), kept by
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

export async function addDailyStats(tx: Tx, deltas: readonly StatDelta[]): Promise<void> {
  const merged = new Map<
    string,
    { day: number; partner_id: string; metric: string; currency: string; value: bigint }
  >();
  for (const d of deltas) {
    const day = Math.floor(d.at / DAY_MS);
    const key = `${String(day).padStart(8, '0')}|${d.partnerId}|${d.metric}|${d.currency}`;
    const row = merged.get(key) ?? {
      day,
      partner_id: d.partnerId,
      metric: d.metric,
      currency: d.currency,
      value: 0n,
    };
    row.value += d.value;
    merged.set(key, row);
  }
  const rows = [...merged.entries()]
    .filter(([, r]) => r.value !== 0n)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);
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

/** A partner's accounts, credits included (as migration 0009's `LIKE 'program:%:partner:%'`). */
const PARTNER_ACCOUNT = /^program:[^:]+:partner:/;

/** Inserts ledger entries, the one way entries are written, and adds them to partner account balances. */
export async function insertEntries(
  tx: Tx,
  entries: readonly Omit<LedgerEntriesTable, 'id'>[],
): Promise<void> {
  for (const part of chunks([...entries], 500))
    await tx.insertInto('ledger_entries').values(part).execute();
  const merged = new Map<string, { account: string; currency: string; balance: bigint }>();
  for (const e of entries) {
    if (!PARTNER_ACCOUNT.test(e.account)) continue;
    const key = `${e.account}|${e.currency}`;
    const row = merged.get(key) ?? { account: e.account, currency: e.currency, balance: 0n };
    row.balance += toBigInt(e.amount);
    merged.set(key, row);
  }
  const rows = [...merged.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);
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
