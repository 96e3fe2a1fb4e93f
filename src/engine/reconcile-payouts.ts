import { sql } from 'kysely';
import type { Currency } from '../core/currency.js';
import { parsePartnerAccount } from '../core/ledger.js';
import { formatAmount } from '../core/money.js';
import { toIso } from '../core/time.js';
import { jsonOut, toBigInt } from '../store/values.js';
import type { Deps } from './deps.js';
import { openStatuses, type Payout, payoutFromRow } from './payout-records.js';

export interface Difference {
  kind: string;
  payout_id?: string;
  partner_id?: string;
  program_id?: string;
  currency?: string;
  expected?: string;
  actual?: string;
  detail: string;
}

export interface ReconciliationReport {
  generated_at: string;
  program_id: string | null;
  checked: { payouts: number; accounts: number; rail_lookups: number };
  /** Per program and currency: what the ledger holds against what the payout records say. */
  totals: {
    program_id: string;
    currency: string;
    processing_ledger: string;
    processing_payouts: string;
    paid_ledger: string;
    paid_payouts: string;
  }[];
  differences: Difference[];
}

/**
 * Ties three records of the same money together and lists every difference:
 * the ledger (processing and paid balances, each payout's claim, settle and
 * return transactions, each balancing), the payout records (status, amount,
 * reference) and the rails' confirmations (what a result file or Stripe
 * reported; with `checkRail`, Stripe is asked for each payout's transfer).
 * An empty `differences` means every payout's money is where its status
 * says it is.
 */
export async function reconcilePayouts(
  deps: Deps,
  opts: { program?: string | undefined; checkRail?: boolean } = {},
): Promise<ReconciliationReport> {
  const db = deps.store.db;
  const diffs: Difference[] = [];
  let q = db.selectFrom('payouts').selectAll();
  if (opts.program) q = q.where('program_id', '=', opts.program);
  const payouts = (await q.orderBy('id').execute()).map(payoutFromRow);

  // Each payout's ledger transactions, by memo, and whether each balances.
  const txRows = await sql<{
    unit: string;
    memo: string;
    id: string;
    currency: string;
    total: unknown;
    processing: unknown;
  }>`
    SELECT t.unit, t.memo, t.id, e.currency, SUM(e.amount) AS total,
      SUM(CASE WHEN e.account LIKE ${'%:processing'} THEN e.amount ELSE 0 END) AS processing
    FROM ledger_transactions t JOIN ledger_entries e ON e.tx_id = t.id
    WHERE t.kind = 'payout' ${opts.program ? sql`AND e.account LIKE ${`program:${opts.program}:%`}` : sql``}
    GROUP BY t.unit, t.memo, t.id, e.currency`.execute(db);
  const byPayout = new Map<string, { memo: string; id: string; processing: bigint }[]>();
  for (const r of txRows.rows) {
    if (toBigInt(r.total) !== 0n)
      diffs.push({
        kind: 'unbalanced_transaction',
        payout_id: r.unit.replace(/^payout:/, ''),
        currency: r.currency,
        actual: `${toBigInt(r.total)}`,
        detail: `ledger transaction ${r.id} (${r.memo}) does not balance in ${r.currency}`,
      });
    const list = byPayout.get(r.unit) ?? [];
    const found = list.find((x) => x.id === r.id);
    if (found) found.processing += toBigInt(r.processing);
    else list.push({ memo: r.memo, id: r.id, processing: toBigInt(r.processing) });
    byPayout.set(r.unit, list);
  }

  const confirmations = await confirmationsOf(deps, payouts);
  const expected = new Map<string, { processing: bigint; paid: bigint }>();
  for (const p of payouts) {
    const txs = byPayout.get(`payout:${p.id}`) ?? [];
    const count = (memo: string) => txs.filter((t) => t.memo === memo).length;
    // A payout returned after settlement has one settle and one unsettle.
    const bounced = p.status === 'failed' && count('unsettle') > 0 ? 1 : 0;
    const want = {
      claim: 1,
      settle: p.status === 'settled' ? 1 : bounced,
      unsettle: bounced,
      return: p.status === 'failed' || p.status === 'canceled' ? 1 : 0,
    };
    for (const [memo, n] of Object.entries(want))
      if (count(memo) !== n)
        diffs.push({
          kind: `${memo}_${count(memo) > n ? 'duplicated' : 'missing'}`,
          payout_id: p.id,
          partner_id: p.partnerId,
          expected: `${n}`,
          actual: `${count(memo)}`,
          detail: `payout ${p.id} is ${p.status}: it should have ${n} ${memo} transaction(s), the ledger has ${count(memo)}`,
        });
    const claimed = txs.find((t) => t.memo === 'claim')?.processing;
    if (claimed !== undefined && claimed !== p.amount)
      diffs.push({
        kind: 'claim_amount_mismatch',
        payout_id: p.id,
        currency: p.currency,
        expected: formatAmount(p.amount, p.currency),
        actual: formatAmount(claimed, p.currency),
        detail: `payout ${p.id} is for ${formatAmount(p.amount, p.currency)}, its claim put ${formatAmount(claimed, p.currency)} in processing`,
      });
    if (p.status === 'settled') {
      if (!p.reference)
        diffs.push({
          kind: 'settled_without_reference',
          payout_id: p.id,
          detail: `payout ${p.id} is settled with no reference`,
        });
      const c = confirmations.get(p.id);
      if (
        c?.minor !== undefined &&
        (BigInt(c.minor) !== p.amount || (c.currency ?? p.currency).toUpperCase() !== p.currency)
      )
        diffs.push({
          kind: 'confirmation_amount_mismatch',
          payout_id: p.id,
          expected: `${formatAmount(p.amount, p.currency)} ${p.currency}`,
          actual: `${c.minor} ${c.currency ?? ''} (minor units)`,
          detail: `${c.rail} confirmed a different amount for payout ${p.id}`,
        });
    }
    const k = `${p.programId}|${p.partnerId}|${p.currency}`;
    const e = expected.get(k) ?? { processing: 0n, paid: 0n };
    if (openStatuses.includes(p.status)) e.processing += p.amount;
    if (p.status === 'settled') e.paid += p.amount;
    expected.set(k, e);
  }

  // Processing and paid balances against the payouts that should make them up.
  const balances = await sql<{ account: string; currency: string; total: unknown }>`
    SELECT account, currency, SUM(amount) AS total FROM ledger_entries
    WHERE (account LIKE ${'%:processing'} OR account LIKE ${'%:paid'})
      ${opts.program ? sql`AND account LIKE ${`program:${opts.program}:%`}` : sql``}
    GROUP BY account, currency`.execute(db);
  const actual = new Map<string, { processing: bigint; paid: bigint }>();
  for (const b of balances.rows) {
    const a = parsePartnerAccount(b.account);
    if (!a) continue;
    const k = `${a.programId}|${a.partnerId}|${b.currency}`;
    const v = actual.get(k) ?? { processing: 0n, paid: 0n };
    if (a.kind === 'processing') v.processing += toBigInt(b.total);
    if (a.kind === 'paid') v.paid += toBigInt(b.total);
    actual.set(k, v);
  }
  const totals = new Map<string, { pl: bigint; pp: bigint; dl: bigint; dp: bigint }>();
  for (const k of new Set([...expected.keys(), ...actual.keys()])) {
    const [programId, partnerId, currency] = k.split('|') as [string, string, Currency];
    const e = expected.get(k) ?? { processing: 0n, paid: 0n };
    const a = actual.get(k) ?? { processing: 0n, paid: 0n };
    for (const kind of ['processing', 'paid'] as const)
      if (e[kind] !== a[kind])
        diffs.push({
          kind: `${kind}_mismatch`,
          program_id: programId,
          partner_id: partnerId,
          currency,
          expected: formatAmount(e[kind], currency),
          actual: formatAmount(a[kind], currency),
          detail: `the ${kind} balance does not equal the payouts that are ${kind === 'paid' ? 'settled' : 'in flight'}`,
        });
    const tk = `${programId}|${currency}`;
    const t = totals.get(tk) ?? { pl: 0n, pp: 0n, dl: 0n, dp: 0n };
    t.pl += a.processing;
    t.pp += e.processing;
    t.dl += a.paid;
    t.dp += e.paid;
    totals.set(tk, t);
  }

  let lookups = 0;
  const rail = deps.rails?.stripe;
  if (opts.checkRail && rail) {
    for (const p of payouts.filter(
      (x) =>
        x.rail === 'stripe' &&
        x.status !== 'pending' &&
        x.status !== 'approved' &&
        x.status !== 'canceled',
    )) {
      lookups++;
      const found = await rail.find(p.id);
      if (
        p.status === 'settled' &&
        (!found || found.reference !== p.reference || found.amount !== p.amount)
      )
        diffs.push({
          kind: 'rail_transfer_missing',
          payout_id: p.id,
          expected: `${p.reference} for ${formatAmount(p.amount, p.currency)}`,
          actual: found ? `${found.reference} for ${found.amount} minor units` : 'no transfer',
          detail: `Stripe does not hold the transfer payout ${p.id} is settled with`,
        });
      if (p.status === 'failed' && found)
        diffs.push({
          kind: 'rail_transfer_for_failed_payout',
          payout_id: p.id,
          actual: found.reference,
          detail: `payout ${p.id} failed and its money returned to the balance, but Stripe made transfer ${found.reference}`,
        });
      if (p.status === 'sending' && found)
        diffs.push({
          kind: 'rail_transfer_unrecorded',
          payout_id: p.id,
          actual: found.reference,
          detail: `Stripe made ${found.reference} for payout ${p.id}, which still says sending (resume records it)`,
        });
    }
  }

  return {
    generated_at: toIso(deps.clock.now()),
    program_id: opts.program ?? null,
    checked: { payouts: payouts.length, accounts: balances.rows.length, rail_lookups: lookups },
    totals: [...totals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, t]) => {
        const [programId, currency] = k.split('|') as [string, Currency];
        return {
          program_id: programId,
          currency,
          processing_ledger: formatAmount(t.pl, currency),
          processing_payouts: formatAmount(t.pp, currency),
          paid_ledger: formatAmount(t.dl, currency),
          paid_payouts: formatAmount(t.dp, currency),
        };
      }),
    differences: diffs,
  };
}

/** The last rail confirmation recorded for each settled payout. */
async function confirmationsOf(
  deps: Deps,
  payouts: readonly Payout[],
): Promise<Map<string, { rail: string; minor?: string; currency?: string }>> {
  const out = new Map<string, { rail: string; minor?: string; currency?: string }>();
  const settled = payouts.filter((p) => p.status === 'settled').map((p) => p.id);
  for (let i = 0; i < settled.length; i += 500) {
    const rows = await deps.store.db
      .selectFrom('payout_events')
      .select(['payout_id', 'data'])
      .where('payout_id', 'in', settled.slice(i, i + 500))
      .where('status', '=', 'settled')
      .execute();
    for (const r of rows) {
      const c = jsonOut<{ confirmation?: { rail: string; minor?: string; currency?: string } }>(
        r.data,
      ).confirmation;
      if (c) out.set(r.payout_id, c);
    }
  }
  return out;
}
