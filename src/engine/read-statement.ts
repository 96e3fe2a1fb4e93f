import { parsePeriodKey } from '../core/bonuses.js';
import type { Currency } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { accounts } from '../core/ledger.js';
import { formatAmount } from '../core/money.js';
import type { Statement, StatementItem, StatementSection } from '../core/render-statement.js';
import { addMonths, monthKey } from '../core/time.js';
import { jsonOut, toBigInt, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { findPartner } from './partners.js';
import { type Payout, payoutFromRow } from './payout-records.js';
import { findProgram } from './programs.js';
import { chunks, type Db } from './transaction.js';

/** The transaction migration 0003 posted to move pooled partner balances under their programs. */
const MIGRATION_TX = 'ltx_migration_0003';

/** Payouts that took money out of `available` and kept it (not failed or canceled). */
const PAYING_STATUSES = ['pending', 'approved', 'sending', 'sent', 'settled'];

/**
 * The accounts whose sum is what the program owes the partner: earned and
 * not yet paid, whether still held, claimable, or claimed by a payout that
 * has not settled. `paid` is outside: money there has left the program.
 */
function owedAccounts(programId: string, partnerId: string): string[] {
  return [
    accounts.pending(programId, partnerId),
    accounts.available(programId, partnerId),
    accounts.processing(programId, partnerId),
  ];
}

/**
 * A partner's statement of one program for a month ("2026-10") or quarter
 * ("2026-Q4"): per currency, what the program owed the partner at the start
 * of the period (the sum of its pending, available and processing entries),
 * every movement of the period, and what it owed at the end. Movements are
 * the period's entries on those accounts netted per ledger transaction and
 * currency (per accrual line for accrual transactions); what nets to zero —
 * a release, a payout claim in the balance's own currency — is not a
 * movement. Refunds and negative adjustments of money already paid out are
 * shown as `clawback`s.
 * Errors: `partner_not_found`, `program_not_found`, `invalid_period` (also for
 * a period that starts in the future).
 */
export async function readStatement(
  deps: Deps,
  q: { partnerId: string; program: string; period: string },
): Promise<Statement> {
  const db = deps.store.db;
  const partner = await partnerNamed(db, q.partnerId);
  const program = await findProgram(db, q.program);
  const now = deps.clock.now();
  const parsed = parsePeriodKey(q.period);
  if (!parsed)
    throw new TandemError(
      'invalid_period',
      `period must be a month such as ${monthKey(now)} or a quarter such as 2026-Q4`,
    );
  if (parsed.start > now)
    throw new TandemError('invalid_period', `period ${q.period} has not started yet`);
  const { start: from, end: to } = parsed;
  const names = owedAccounts(program.id, partner.id);

  const opening = new Map<string, bigint>();
  const sums = await db
    .selectFrom('ledger_entries')
    .select('currency')
    .select((eb) => eb.fn.sum<string | number | bigint | null>('amount').as('total'))
    .where('account', 'in', names)
    .where('created_at', '<', from)
    .groupBy('currency')
    .execute();
  for (const s of sums) opening.set(s.currency, toBigInt(s.total));

  const groups = await periodGroups(db, names, from, to);
  const payouts = await loadPayouts(db, [
    ...new Set(groups.filter((g) => g.kind === 'payout' && g.unit).map((g) => payoutIdOf(g))),
  ]);
  const clawbacks = await findClawbacks(db, program.id, partner.id, groups);

  const items = new Map<string, (StatementItem & { txId: string; lineId: string })[]>();
  for (const g of groups) {
    if (g.amount === 0n) continue;
    const item = describe(g, payouts, clawbacks);
    const list = items.get(g.currency) ?? [];
    list.push({ ...item, at: g.at, amount: g.amount, txId: g.txId, lineId: g.line?.id ?? '' });
    items.set(g.currency, list);
  }

  const currencies = [...new Set([...opening.keys(), ...items.keys()])].sort();
  const sections: StatementSection[] = [];
  for (const currency of currencies) {
    const open = opening.get(currency) ?? 0n;
    const list = (items.get(currency) ?? []).sort(
      (a, b) => a.at - b.at || cmp(a.txId, b.txId) || cmp(a.lineId, b.lineId),
    );
    if (open === 0n && list.length === 0) continue;
    sections.push({
      currency: currency as Currency,
      opening: open,
      items: list.map(({ txId: _t, lineId: _l, ...item }) => item),
      closing: list.reduce((sum, i) => sum + i.amount, open),
    });
  }
  return {
    partner,
    program: { id: program.id, name: program.name },
    period: q.period,
    from,
    to,
    generatedAt: now,
    sections,
  };
}

/**
 * The months a partner has statements for in a program, newest first: from
 * the month of its first ledger entry in the program to the current month
 * (which is still running). Empty when the partner has no entries there.
 * Errors: `partner_not_found`, `program_not_found`.
 */
export async function listStatementPeriods(
  deps: Deps,
  partnerId: string,
  program: string,
): Promise<string[]> {
  const db = deps.store.db;
  await findPartner(db, partnerId);
  const p = await findProgram(db, program);
  const first = await db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.min<string | number | bigint | null>('created_at').as('first'))
    .where('account', 'in', [...owedAccounts(p.id, partnerId), accounts.paid(p.id, partnerId)])
    .executeTakeFirst();
  if (first?.first === null || first?.first === undefined) return [];
  const last = monthKey(deps.clock.now());
  const out: string[] = [];
  const start = parsePeriodKey(monthKey(toNumber(first.first)))?.start as number;
  for (let m = start; monthKey(m) <= last; m = addMonths(m, 1)) out.push(monthKey(m));
  return out.reverse();
}

async function partnerNamed(db: Db, id: string): Promise<{ id: string; name: string }> {
  await findPartner(db, id);
  const row = await db
    .selectFrom('partners')
    .select(['id', 'name'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row;
}

/** The period's entries netted per accrual line, or per transaction and currency. */
interface Group {
  txId: string;
  kind: string;
  memo: string | null;
  unit: string | null;
  currency: string;
  at: number;
  amount: bigint;
  line?: {
    id: string;
    key: string;
    kind: string;
    ruleId: string;
    customerId: string;
    event: string;
    eventType: string | null;
    createdAt: number;
  };
}

async function periodGroups(db: Db, names: string[], from: number, to: number): Promise<Group[]> {
  const rows = await db
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_transactions as t', 't.id', 'e.tx_id')
    .leftJoin('accrual_lines as l', 'l.id', 'e.line_id')
    .leftJoin('events as ev', 'ev.id', 'l.event_id')
    .select([
      'e.tx_id',
      'e.currency',
      'e.amount',
      'e.line_id',
      'e.created_at',
      't.kind',
      't.memo',
      't.unit',
      'l.key',
      'l.kind as line_kind',
      'l.rule_id',
      'l.customer_id',
      'l.event_id',
      'l.created_at as line_created_at',
      'ev.external_id',
      'ev.type as event_type',
    ])
    .where('e.account', 'in', names)
    .where('e.created_at', '>=', from)
    .where('e.created_at', '<', to)
    .orderBy('e.created_at')
    .orderBy('e.tx_id')
    .orderBy('e.id')
    .execute();
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const id = r.line_id ? `${r.tx_id}|line|${r.line_id}` : `${r.tx_id}|${r.currency}`;
    const g = groups.get(id);
    if (g) {
      g.amount += toBigInt(r.amount);
      continue;
    }
    groups.set(id, {
      txId: r.tx_id,
      kind: r.kind,
      memo: r.memo,
      unit: r.unit,
      currency: r.currency,
      at: toNumber(r.created_at),
      amount: toBigInt(r.amount),
      ...(r.line_id && r.key !== null
        ? {
            line: {
              id: r.line_id,
              key: r.key,
              kind: r.line_kind ?? 'accrual',
              ruleId: r.rule_id ?? '',
              customerId: r.customer_id ?? '',
              event: r.external_id ?? r.event_id ?? '',
              eventType: r.event_type,
              createdAt: toNumber(r.line_created_at),
            },
          }
        : {}),
    });
  }
  return [...groups.values()];
}

const payoutIdOf = (g: Group) => (g.unit ?? '').replace(/^payout:/, '');

async function loadPayouts(db: Db, ids: string[]): Promise<Map<string, Payout>> {
  const out = new Map<string, Payout>();
  for (const part of chunks(ids, 500)) {
    if (part.length === 0) continue;
    for (const r of await db.selectFrom('payouts').selectAll().where('id', 'in', part).execute())
      out.set(r.id, payoutFromRow(r));
  }
  return out;
}

/**
 * The negative lines of the period that claw back money already paid out.
 *
 * Rule: a reversal or negative adjustment is a clawback when a payout of this
 * partner and program that still stands (status pending, approved, sending,
 * sent or settled — not failed or canceled) was created between the moment
 * the original line was released and the moment the negative line was
 * posted, both inclusive. The original line is the one the reversal names in
 * its trace (`reverses`), or for an adjustment the line with its own key;
 * its release time is the earliest release of a positive line with that key.
 * A payout claims the whole available balance, so a payout created after the
 * release carried the original money out; a reversal posted after that
 * payout can only come out of the partner's future earnings. A line reversed
 * inside its hold, or before any payout, is a plain reversal.
 */
async function findClawbacks(
  db: Db,
  programId: string,
  partnerId: string,
  groups: readonly Group[],
): Promise<Set<string>> {
  const negative = groups.filter(
    (g) => g.line && g.amount < 0n && (g.line.kind === 'reversal' || g.line.kind === 'adjustment'),
  );
  const out = new Set<string>();
  if (negative.length === 0) return out;
  const payouts = (
    await db
      .selectFrom('payouts')
      .select('created_at')
      .where('partner_id', '=', partnerId)
      .where('program_id', '=', programId)
      .where('status', 'in', PAYING_STATUSES)
      .execute()
  ).map((p) => toNumber(p.created_at));
  if (payouts.length === 0) return out;

  const originalKey = new Map<string, string>();
  for (const part of chunks(
    negative.map((g) => g.line?.id as string),
    500,
  ))
    for (const r of await db
      .selectFrom('accrual_lines')
      .select(['id', 'key', 'trace'])
      .where('id', 'in', part)
      .execute())
      originalKey.set(r.id, jsonOut<{ reverses?: string }>(r.trace)?.reverses ?? r.key);

  const releasedAt = new Map<string, number>();
  for (const part of chunks([...new Set(originalKey.values())], 500))
    for (const r of await db
      .selectFrom('accrual_lines as l')
      .innerJoin('releases as r', 'r.line_id', 'l.id')
      .select('l.key')
      .select((eb) => eb.fn.min<string | number | bigint>('r.released_at').as('at'))
      .where('l.key', 'in', part)
      .where('l.partner_id', '=', partnerId)
      .where('l.program_id', '=', programId)
      .where('l.amount', '>', 0)
      .groupBy('l.key')
      .execute())
      releasedAt.set(r.key, toNumber(r.at));

  for (const g of negative) {
    const line = g.line as NonNullable<Group['line']>;
    const released = releasedAt.get(originalKey.get(line.id) ?? line.key);
    if (released === undefined) continue;
    if (payouts.some((at) => at >= released && at <= line.createdAt)) out.add(line.id);
  }
  return out;
}

function describe(
  g: Group,
  payouts: ReadonlyMap<string, Payout>,
  clawbacks: ReadonlySet<string>,
): Pick<StatementItem, 'type' | 'description' | 'reference'> {
  const cur = g.currency as Currency;
  if (g.line) {
    const l = g.line;
    const on = `${l.eventType ?? 'event'} ${l.event}`;
    const customer = l.customerId ? ` (customer ${l.customerId})` : '';
    // An MDF reimbursement says what it reimburses (its transaction's memo).
    if (l.ruleId === 'mdf' && g.memo && l.kind === 'accrual')
      return { type: 'accrual', description: g.memo, reference: l.id };
    const bonus = l.key.startsWith('bonus:')
      ? bonusLabel(l.key)
      : l.key.startsWith('campaign-bonus:')
        ? campaignBonusLabel(l.key)
        : undefined;
    const what = bonus ?? `Rule ${l.ruleId} on ${on}${customer}`;
    if (clawbacks.has(l.id)) {
      const how =
        l.kind === 'reversal'
          ? `rule ${l.ruleId} reversed by ${on}${customer}`
          : `${bonus ?? `rule ${l.ruleId} on ${on}${customer}`} adjusted`;
      return { type: 'clawback', description: `Clawback after payout: ${how}`, reference: l.id };
    }
    if (l.kind === 'reversal')
      return {
        type: 'reversal',
        description: `Rule ${l.ruleId} reversed by ${on}${customer}`,
        reference: l.id,
      };
    if (l.kind === 'adjustment')
      return { type: 'adjustment', description: `${what}: re-derived`, reference: l.id };
    return { type: bonus ? 'bonus' : 'accrual', description: what, reference: l.id };
  }
  if (g.kind === 'payout') {
    const id = payoutIdOf(g);
    const p = payouts.get(id);
    const amount = `${signed(g.amount, cur)} ${cur}`;
    if (g.memo === 'claim') {
      const foreign = p?.sources.filter((s) => s.currency !== p.currency && s.amount !== 0n) ?? [];
      if (p && g.currency !== p.currency) {
        const rate = foreign.find((s) => s.currency === g.currency)?.rate;
        const at = rate ? ` at ${rate.base}/${rate.quote} ${rate.rate}` : '';
        return {
          type: 'conversion',
          description: `${amount} converted to ${p.currency}${at} for payout ${id}`,
          reference: id,
        };
      }
      const origins = foreign.map((s) => s.currency).join(', ');
      return {
        type: 'conversion',
        description: `${amount}${origins ? ` from ${origins}` : ''} for payout ${id}`,
        reference: id,
      };
    }
    if (g.memo === 'return') {
      const why = p ? ` ${p.status}${p.failureReason ? ` (${p.failureReason})` : ''}` : '';
      const what = p && g.currency === p.currency ? 'conversion undone' : 'returned';
      return {
        type: 'payout_returned',
        description: `${amount} ${what}: payout ${id}${why}`,
        reference: id,
      };
    }
    const via = p ? ` via ${p.rail}${p.reference ? ` (reference ${p.reference})` : ''}` : '';
    return { type: 'payout', description: `Payout ${id}${via}`, reference: id };
  }
  if (g.txId === MIGRATION_TX)
    return { type: 'adjustment', description: 'Accounts re-addressed', reference: g.txId };
  return { type: 'adjustment', description: g.memo ?? 'Ledger adjustment', reference: g.txId };
}

/** `bonus:{program}:{partner}:{bonus}:{period}` → "Bonus {bonus} for {period}". */
function bonusLabel(key: string): string {
  const parts = key.split(':');
  return `Bonus ${parts[3] ?? key} for ${parts.slice(4).join(':')}`;
}

/** `campaign-bonus:<campaign>:<bonus>:<partner>` → "Campaign bonus <bonus> of <campaign>". */
function campaignBonusLabel(key: string): string {
  const parts = key.split(':');
  return `Campaign bonus ${parts[2] ?? key} of campaign ${parts[1] ?? ''}`;
}

/** "+36.14" or "−33.33" (a true minus sign, as printed statements use). */
function signed(amount: bigint, cur: Currency): string {
  return amount < 0n ? `−${formatAmount(-amount, cur)}` : `+${formatAmount(amount, cur)}`;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
