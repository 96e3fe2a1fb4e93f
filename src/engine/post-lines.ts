import type { DesiredAccrual } from '../core/accrual.js';
import type { Currency } from '../core/currency.js';
import { isCreditAsset } from '../core/currency.js';
import type { AccrualDelta } from '../core/diff-accruals.js';
import {
  accrualEntries,
  creditGrantEntries,
  type Entry,
  isBalanced,
  releaseEntries,
} from '../core/ledger.js';
import { formatAmount } from '../core/money.js';
import { toIso } from '../core/time.js';
import type { AccrualLinesTable, LedgerEntriesTable } from '../store/schema.js';
import { jsonIn } from '../store/values.js';
import type { Deps } from './deps.js';
import { addDailyStats, earningDeltas, insertEntries } from './summaries.js';
import { chunks, type Tx } from './transaction.js';

type EntryRow = Omit<LedgerEntriesTable, 'id'>;

/**
 * Posts the deltas of several units: per unit one balanced ledger
 * transaction holding one accrual line per delta. Lines whose hold has passed
 * are released in the same database transaction; the others wait in the hold
 * queue. Returns how many lines it wrote.
 */
export async function postDeltas(
  deps: Pick<Deps, 'ids'>,
  tx: Tx,
  byUnit: Map<string, AccrualDelta[]>,
  now: number,
): Promise<number> {
  const txRows: {
    id: string;
    kind: string;
    unit: string | null;
    created_at: number;
    memo: string | null;
  }[] = [];
  const lines: AccrualLinesTable[] = [];
  const entries: EntryRow[] = [];
  for (const [unit, deltas] of byUnit) {
    if (deltas.length === 0) continue;
    const txId = deps.ids.next('ltx');
    txRows.push({ id: txId, kind: 'accrual', unit, created_at: now, memo: null });
    const txEntries: Entry[] = [];
    for (const d of deltas) {
      const line = lineOf(deps, txId, unit, d, now);
      lines.push(line);
      const post = isCreditAsset(line.currency) ? creditGrantEntries : accrualEntries;
      for (const e of post(line.program_id, line.partner_id, d.amount, line.currency as Currency)) {
        txEntries.push(e);
        entries.push({
          tx_id: txId,
          account: e.account,
          currency: e.currency,
          amount: e.amount,
          line_id: line.id,
          created_at: now,
        });
      }
    }
    // The one check that no code path can post an unbalanced transaction.
    if (!isBalanced(txEntries)) throw new Error(`unbalanced ledger transaction for ${unit}`);
  }
  if (lines.length === 0) return 0;
  for (const part of chunks(txRows, 500))
    await tx.insertInto('ledger_transactions').values(part).execute();
  for (const part of chunks(lines, 200))
    await tx.insertInto('accrual_lines').values(part).execute();
  await insertEntries(tx, entries);
  await addDailyStats(tx, earningDeltas(lines));

  // Credits are not money: they never wait in the hold queue nor become available for payout.
  const money = lines.filter((l) => !isCreditAsset(l.currency));
  const due = money.filter((l) => Number(l.available_at) <= now);
  const waiting = money.filter((l) => Number(l.available_at) > now);
  for (const part of chunks(waiting, 500)) {
    await tx
      .insertInto('hold_queue')
      .values(
        part.map((l) => ({
          line_id: l.id,
          partner_id: l.partner_id,
          program_id: l.program_id,
          amount: l.amount,
          currency: l.currency,
          available_at: l.available_at,
        })),
      )
      .execute();
  }
  await releaseLines(
    deps,
    tx,
    due.map((l) => ({
      line_id: l.id,
      partner_id: l.partner_id,
      program_id: l.program_id,
      amount: BigInt(l.amount),
      currency: l.currency,
    })),
    now,
  );
  return lines.length;
}

/**
 * Moves lines from pending to available in one ledger transaction, with one
 * pair of entries per program, partner and currency, and records each line as
 * released (per program and partner, since each program keeps its own
 * books). The primary key on `releases.line_id` makes a second release of
 * the same line impossible.
 */
export async function releaseLines(
  deps: Pick<Deps, 'ids'>,
  tx: Tx,
  due: readonly {
    line_id: string;
    partner_id: string;
    program_id: string;
    amount: bigint;
    currency: string;
  }[],
  now: number,
): Promise<void> {
  if (due.length === 0) return;
  const txId = deps.ids.next('ltx');
  await tx
    .insertInto('ledger_transactions')
    .values({ id: txId, kind: 'release', unit: null, created_at: now, memo: `${due.length} lines` })
    .execute();
  const sums = new Map<
    string,
    { program: string; partner: string; currency: string; amount: bigint }
  >();
  for (const l of due) {
    const k = `${l.program_id}|${l.partner_id}|${l.currency}`;
    const s = sums.get(k) ?? {
      program: l.program_id,
      partner: l.partner_id,
      currency: l.currency,
      amount: 0n,
    };
    s.amount += l.amount;
    sums.set(k, s);
  }
  const entries: EntryRow[] = [];
  for (const s of sums.values()) {
    if (s.amount === 0n) continue;
    for (const e of releaseEntries(s.program, s.partner, s.amount, s.currency as Currency)) {
      entries.push({
        tx_id: txId,
        account: e.account,
        currency: e.currency,
        amount: e.amount,
        line_id: null,
        created_at: now,
      });
    }
  }
  await insertEntries(tx, entries);
  for (const part of chunks(due as (typeof due)[number][], 500)) {
    await tx
      .insertInto('releases')
      .values(part.map((l) => ({ line_id: l.line_id, tx_id: txId, released_at: now })))
      .execute();
  }
}

function lineOf(
  deps: Pick<Deps, 'ids'>,
  txId: string,
  unit: string,
  d: AccrualDelta,
  now: number,
): AccrualLinesTable {
  const src = (d.desired ?? d.posted) as NonNullable<
    AccrualDelta['desired'] | AccrualDelta['posted']
  >;
  const desired: DesiredAccrual | undefined = d.desired;
  const cur = src.currency as Currency;
  let trace: unknown;
  if (d.kind !== 'adjustment' && desired) {
    trace = desired.trace;
  } else if (desired) {
    const before = d.posted?.amount ?? 0n;
    trace = {
      ...desired.trace,
      steps: [
        ...desired.trace.steps,
        `re-derived: ${formatAmount(before, cur)} was posted, ${formatAmount(desired.amount, cur)} is earned → ${formatAmount(d.amount, cur)} ${cur}`,
      ],
    };
  } else {
    trace = {
      note: 'no longer earned after re-derivation (a late or corrected event changed the outcome)',
      steps: [
        `${formatAmount(d.posted?.amount ?? 0n, cur)} was posted, nothing is earned → ${formatAmount(d.amount, cur)} ${cur}`,
      ],
      available_at: toIso(src.availableAt),
    };
  }
  return {
    id: deps.ids.next('acr'),
    tx_id: txId,
    key: src.key,
    unit,
    kind: d.kind,
    program_id: src.programId,
    version_id: src.versionId,
    rule_id: src.ruleId,
    partner_id: src.partnerId,
    customer_id: src.customerId,
    event_id: src.eventId,
    amount: d.amount,
    currency: src.currency,
    occurred_at: src.occurredAt,
    available_at: src.availableAt,
    created_at: now,
    trace: jsonIn(trace),
  };
}
