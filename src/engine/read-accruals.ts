import { sql } from 'kysely';
import { type Currency, isCreditAsset } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { formatAmount } from '../core/money.js';
import { toIso } from '../core/time.js';
import type { AccrualLinesTable } from '../store/schema.js';
import { jsonOut, toBigInt, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';

export interface AccrualView {
  id: string;
  key: string;
  kind: string;
  partner_id: string;
  program_id: string;
  version_id: string;
  rule_id: string;
  customer_id: string;
  event_id: string;
  amount: string;
  amount_minor: string;
  currency: string;
  occurred_at: string;
  available_at: string;
  status: 'pending' | 'available';
  created_at: string;
  trace: unknown;
}

/** Ledger accrual lines (accruals, reversals, adjustments), newest event first, paged by cursor. */
export async function listAccruals(
  deps: Deps,
  q: {
    partnerId?: string | undefined;
    customerId?: string | undefined;
    limit: number;
    before?: string | undefined;
  },
): Promise<{ data: AccrualView[]; next_cursor: string | null }> {
  let query = deps.store.db
    .selectFrom('accrual_lines')
    .leftJoin('releases', 'releases.line_id', 'accrual_lines.id')
    .selectAll('accrual_lines')
    .select('releases.released_at')
    .orderBy('accrual_lines.occurred_at', 'desc')
    .orderBy('accrual_lines.id', 'desc')
    .limit(q.limit + 1);
  if (q.partnerId) query = query.where('accrual_lines.partner_id', '=', q.partnerId);
  if (q.customerId) query = query.where('accrual_lines.customer_id', '=', q.customerId);
  if (q.before) {
    const [at, id] = decodeCursor(q.before);
    query = query.where((eb) =>
      eb.or([
        eb('accrual_lines.occurred_at', '<', at),
        eb.and([eb('accrual_lines.occurred_at', '=', at), eb('accrual_lines.id', '<', id)]),
      ]),
    );
  }
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((r) => toView(r, r.released_at !== null)),
    next_cursor:
      rows.length > q.limit && last ? encodeCursor(toNumber(last.occurred_at), last.id) : null,
  };
}

/** One accrual line with its full trace. Errors: `accrual_not_found`. */
export async function getAccrual(deps: Deps, id: string): Promise<AccrualView> {
  const row = await deps.store.db
    .selectFrom('accrual_lines')
    .leftJoin('releases', 'releases.line_id', 'accrual_lines.id')
    .selectAll('accrual_lines')
    .select('releases.released_at')
    .where('accrual_lines.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new TandemError('accrual_not_found', `no accrual ${id}`);
  return toView(row, row.released_at !== null);
}

/** Net accrued per accrual key (what derivation converged to), for audits and tests. */
export async function netAccruals(
  deps: Deps,
): Promise<Map<string, { partnerId: string; currency: string; amount: bigint }>> {
  const rows = await sql<{ key: string; partner_id: string; currency: string; total: unknown }>`
    SELECT key, partner_id, currency, SUM(amount) AS total FROM accrual_lines
    GROUP BY key, partner_id, currency`.execute(deps.store.db);
  const out = new Map<string, { partnerId: string; currency: string; amount: bigint }>();
  for (const r of rows.rows) {
    const amount = toBigInt(r.total);
    if (amount !== 0n)
      out.set(`${r.key}|${r.partner_id}|${r.currency}`, {
        partnerId: r.partner_id,
        currency: r.currency,
        amount,
      });
  }
  return out;
}

function toView(r: AccrualLinesTable, released: boolean): AccrualView {
  const amount = toBigInt(r.amount);
  return {
    id: r.id,
    key: r.key,
    kind: r.kind,
    partner_id: r.partner_id,
    program_id: r.program_id,
    version_id: r.version_id,
    rule_id: r.rule_id,
    customer_id: r.customer_id,
    event_id: r.event_id,
    amount: formatAmount(amount, r.currency as Currency),
    amount_minor: amount.toString(),
    currency: r.currency,
    occurred_at: toIso(toNumber(r.occurred_at)),
    available_at: toIso(toNumber(r.available_at)),
    // Credits never wait in a hold: they are usable (redeemable) as soon as granted.
    status: released || isCreditAsset(r.currency) ? 'available' : 'pending',
    created_at: toIso(toNumber(r.created_at)),
    trace: jsonOut(r.trace),
  };
}

export function encodeCursor(at: number, id: string): string {
  return Buffer.from(`${at}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): [number, string] {
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = /^(\d{1,15}):(.{1,200})$/s.exec(text);
  if (!m) {
    throw new TandemError('validation_failed', 'invalid cursor', {
      issues: [{ path: 'before', message: 'not a cursor this API returned' }],
    });
  }
  return [Number(m[1]), m[2] as string];
}
