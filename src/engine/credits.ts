import { sql } from 'kysely';
import type { Currency } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { accounts, creditRedemptionEntries } from '../core/ledger.js';
import { toIso } from '../core/time.js';
import { toBigInt, toNumber } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { emitEvent } from './outbox.js';
import { findPartner } from './partners.js';
import { postTransaction } from './payout-records.js';
import { findProgram } from './programs.js';
import { type Db, inTransaction, type Tx } from './transaction.js';

export interface CreditBalance {
  program_id: string;
  asset: string;
  balance: string;
  granted: string;
  redeemed: string;
}

/**
 * A partner's credit balances per program and asset: what its grants come
 * to now (net of grants withdrawn by re-derivation), what it redeemed, and
 * what is left — the sum of its `credits` account. A grant withdrawn after
 * its credits were spent leaves a negative balance, a credit debt that later
 * grants pay off first (as a clawback does for money); nothing can be
 * redeemed from a balance below the amount asked.
 */
export async function readCredits(db: Db | Tx, partnerId: string): Promise<CreditBalance[]> {
  await findPartner(db, partnerId);
  const rows = await sql<{ account: string; currency: string; balance: unknown }>`
    SELECT account, currency, SUM(amount) AS balance FROM ledger_entries
    WHERE account IN (
      SELECT 'program:' || program_id || ':partner:' || ${partnerId} || ':credits'
      FROM enrollments WHERE partner_id = ${partnerId})
    GROUP BY account, currency ORDER BY account, currency`.execute(db);
  const redeemed = await db
    .selectFrom('credit_redemptions')
    .select(['program_id', 'asset'])
    .select((eb) => eb.fn.sum('amount').as('total'))
    .where('partner_id', '=', partnerId)
    .groupBy(['program_id', 'asset'])
    .execute();
  return rows.rows.map((r) => {
    const programId = r.account.split(':')[1] as string;
    const balance = toBigInt(r.balance);
    const spent = toBigInt(
      redeemed.find((x) => x.program_id === programId && x.asset === r.currency)?.total ?? 0,
    );
    return {
      program_id: programId,
      asset: r.currency,
      balance: balance.toString(),
      granted: (balance + spent).toString(),
      redeemed: spent.toString(),
    };
  });
}

async function balanceOf(
  tx: Tx,
  account: string,
  asset: string,
): Promise<{ balance: bigint; entries: number }> {
  const r = await sql<{ total: unknown; n: unknown }>`
    SELECT COALESCE(SUM(amount), 0) AS total, COUNT(*) AS n FROM ledger_entries
    WHERE account = ${account} AND currency = ${asset}`.execute(tx);
  return { balance: toBigInt(r.rows[0]?.total ?? 0), entries: Number(r.rows[0]?.n ?? 0) };
}

export interface RedemptionView {
  id: string;
  partner_id: string;
  program_id: string;
  asset: string;
  amount: string;
  balance_after: string;
  reference: string | null;
  memo: string | null;
  created_at: string;
}

/**
 * Spends a partner's credits. The balance is checked and debited in one
 * transaction that holds the account's lock (PostgreSQL: an advisory lock on
 * the account; SQLite: the single writer), so concurrent redemptions can
 * never overdraw it: each sees the debits of those before it.
 * Errors: `partner_not_found`, `program_not_found`, `unknown_credit_asset`
 * (the partner was never granted it in that program, or holds it in
 * several and none was named), `insufficient_credits`.
 */
export async function redeemCredits(
  deps: Deps,
  input: {
    partnerId: string;
    programId?: string | undefined;
    asset: string;
    amount: bigint;
    reference?: string | undefined;
    memo?: string | undefined;
  },
  actor: string,
): Promise<RedemptionView> {
  return inTransaction(deps, async (tx) => {
    await findPartner(tx, input.partnerId);
    const programId = input.programId
      ? (await findProgram(tx, input.programId)).id
      : await soleProgram(tx, input.partnerId, input.asset);
    const account = accounts.credits(programId, input.partnerId);
    if (deps.store.dialect === 'postgres')
      await sql`SELECT pg_advisory_xact_lock(hashtext(${account}))`.execute(tx);
    const { balance, entries: held } = await balanceOf(tx, account, input.asset);
    if (held === 0)
      throw new TandemError(
        'unknown_credit_asset',
        `partner ${input.partnerId} was never granted ${input.asset} in program ${programId}`,
      );
    if (balance < input.amount)
      throw new TandemError(
        'insufficient_credits',
        `partner ${input.partnerId} holds ${balance} ${input.asset} in program ${programId}; cannot redeem ${input.amount}`,
        { balance: balance.toString(), requested: input.amount.toString() },
      );
    const now = deps.clock.now();
    const id = deps.ids.next('crd');
    const entries = creditRedemptionEntries(
      programId,
      input.partnerId,
      input.amount,
      input.asset as Currency,
    );
    // An adjustment of the credits account; credit_redemptions ties it to its request.
    const txId = await postTransaction(deps, tx, {
      kind: 'adjustment',
      unit: `redemption:${id}`,
      memo: `credits redeemed: ${id}`,
      entries,
      now,
    });
    await tx
      .insertInto('credit_redemptions')
      .values({
        id,
        partner_id: input.partnerId,
        program_id: programId,
        asset: input.asset,
        amount: input.amount,
        reference: input.reference ?? null,
        memo: input.memo ?? null,
        tx_id: txId,
        actor,
        created_at: now,
      })
      .execute();
    const v: RedemptionView = {
      id,
      partner_id: input.partnerId,
      program_id: programId,
      asset: input.asset,
      amount: input.amount.toString(),
      balance_after: (balance - input.amount).toString(),
      reference: input.reference ?? null,
      memo: input.memo ?? null,
      created_at: toIso(now),
    };
    await audit(deps, tx, { actor, action: 'credits.redeemed', subject: id, data: { ...v } });
    await emitEvent(deps, tx, { type: 'credits.redeemed', subject: id, data: { ...v } });
    return v;
  });
}

/** The one program in which a partner holds `asset`; otherwise the caller must name it. */
async function soleProgram(tx: Tx, partnerId: string, asset: string): Promise<string> {
  const held = (await readCredits(tx, partnerId)).filter((c) => c.asset === asset);
  if (held.length === 1) return held[0]?.program_id as string;
  throw new TandemError(
    'unknown_credit_asset',
    held.length === 0
      ? `partner ${partnerId} holds no ${asset}`
      : `partner ${partnerId} holds ${asset} in ${held.length} programs; name program_id`,
  );
}

export async function listRedemptions(
  db: Db,
  partnerId: string,
  limit: number,
): Promise<Omit<RedemptionView, 'balance_after'>[]> {
  const rows = await db
    .selectFrom('credit_redemptions')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    partner_id: r.partner_id,
    program_id: r.program_id,
    asset: r.asset,
    amount: toBigInt(r.amount).toString(),
    reference: r.reference,
    memo: r.memo,
    created_at: toIso(toNumber(r.created_at)),
  }));
}
