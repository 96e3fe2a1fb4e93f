import { sql } from 'kysely';
import type { Currency } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { partnerAccountParts } from '../core/ledger.js';
import { formatAmount } from '../core/money.js';
import { toIso } from '../core/time.js';
import { toBigInt, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';

const money = (amount: unknown, currency: string) => ({
  amount: formatAmount(toBigInt(amount), currency as Currency),
  amount_minor: toBigInt(amount).toString(),
  currency,
});

/**
 * Partner accounts and their balances (the summary kept with every
 * posting), for one partner or program or all: where the ledger explorer
 * starts before drilling into an account's entries.
 */
export async function listLedgerAccounts(
  deps: Deps,
  q: { partnerId?: string | undefined; programId?: string | undefined },
) {
  // Ids are matched literally: `_` (in every typeid) and `%` are LIKE wildcards.
  const literal = (id: string) => id.replace(/[\\%_]/g, '\\$&');
  const like = (pattern: string) => sql<boolean>`account LIKE ${pattern} ESCAPE '\\'`;
  let query = deps.store.db
    .selectFrom('account_balances')
    .select(['account', 'currency', 'balance'])
    .orderBy('account')
    .orderBy('currency')
    .limit(5000);
  if (q.programId) query = query.where(like(`program:${literal(q.programId)}:partner:%`));
  if (q.partnerId) query = query.where(like(`program:%:partner:${literal(q.partnerId)}:%`));
  const rows = await query.execute();
  return rows.flatMap((r) => {
    const a = partnerAccountParts(r.account);
    if (!a) return [];
    return [
      {
        account: r.account,
        program_id: a.programId,
        partner_id: a.partnerId,
        kind: a.kind,
        ...money(r.balance, r.currency),
      },
    ];
  });
}

/**
 * One account's entries, newest first, paged by entry id (an index on
 * account and id), each with its transaction's kind, unit and memo.
 */
export async function listLedgerEntries(
  deps: Deps,
  q: { account: string; before?: number | undefined; limit: number },
) {
  let query = deps.store.db
    .selectFrom('ledger_entries')
    .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.tx_id')
    .select([
      'ledger_entries.id',
      'ledger_entries.tx_id',
      'ledger_entries.currency',
      'ledger_entries.amount',
      'ledger_entries.line_id',
      'ledger_entries.created_at',
      'ledger_transactions.kind',
      'ledger_transactions.unit',
      'ledger_transactions.memo',
    ])
    .where('ledger_entries.account', '=', q.account)
    .orderBy('ledger_entries.id', 'desc')
    .limit(q.limit + 1);
  if (q.before !== undefined) query = query.where('ledger_entries.id', '<', q.before);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    account: q.account,
    data: page.map((r) => ({
      id: toNumber(r.id),
      transaction_id: r.tx_id,
      kind: r.kind,
      unit: r.unit,
      memo: r.memo,
      line_id: r.line_id,
      created_at: toIso(toNumber(r.created_at)),
      ...money(r.amount, r.currency),
    })),
    next_cursor: rows.length > q.limit && last ? String(toNumber(last.id)) : null,
  };
}

/** One ledger transaction: every entry (it balances per currency) and its accrual lines. Errors: `not_found`. */
export async function getLedgerTransaction(deps: Deps, id: string) {
  const db = deps.store.db;
  const tx = await db
    .selectFrom('ledger_transactions')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!tx) throw new TandemError('not_found', `no ledger transaction ${id}`);
  const [entries, lines] = await Promise.all([
    db
      .selectFrom('ledger_entries')
      .select(['id', 'account', 'currency', 'amount', 'line_id'])
      .where('tx_id', '=', id)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('accrual_lines')
      .select([
        'id',
        'kind',
        'partner_id',
        'rule_id',
        'event_id',
        'customer_id',
        'amount',
        'currency',
      ])
      .where('tx_id', '=', id)
      .orderBy('id')
      .execute(),
  ]);
  return {
    id: tx.id,
    kind: tx.kind,
    unit: tx.unit,
    memo: tx.memo,
    created_at: toIso(toNumber(tx.created_at)),
    entries: entries.map((e) => ({
      id: toNumber(e.id),
      account: e.account,
      line_id: e.line_id,
      ...money(e.amount, e.currency),
    })),
    lines: lines.map((l) => ({
      id: l.id,
      kind: l.kind,
      partner_id: l.partner_id,
      rule_id: l.rule_id,
      event_id: l.event_id,
      customer_id: l.customer_id,
      ...money(l.amount, l.currency),
    })),
  };
}
