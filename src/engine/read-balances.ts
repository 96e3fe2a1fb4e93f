import type { Currency } from '../core/currency.js';
import {
  type PartnerAccountKind,
  parsePartnerAccount,
  partnerAccountKinds,
} from '../core/ledger.js';
import { formatAmount } from '../core/money.js';
import { toBigInt } from '../store/values.js';
import type { Deps } from './deps.js';
import { getPartner } from './partners.js';
import type { Tx } from './transaction.js';

type Sums = Record<PartnerAccountKind, bigint>;

export interface BalanceView {
  currency: string;
  pending: string;
  available: string;
  /** Claimed by payouts that are not settled yet. */
  processing: string;
  paid: string;
  /** Money owed back (refunds after release), carried against future earnings. */
  negative: string;
  minor: { pending: string; available: string; processing: string; paid: string; negative: string };
}

export interface ProgramBalanceView extends BalanceView {
  program_id: string;
}

/**
 * A partner's balances per currency, summed over its programs, each the sum
 * of its ledger entries (`readProgramBalances` has them per program: each
 * program pays under its own payout terms). `available` may be negative
 * after a clawback; `negative` is the sum of the programs' debts, as a
 * positive amount — a debt in one program is not paid off by another's
 * earnings.
 * Errors: `partner_not_found`.
 */
export async function readBalances(
  deps: Deps,
  partnerId: string,
  source: BalanceSource = 'entries',
): Promise<BalanceView[]> {
  await getPartner(deps, partnerId);
  const perProgram = await partnerAccountSums(deps.store.db, partnerId, source);
  const total = new Map<string, Sums & { negative: bigint }>();
  for (const [key, s] of perProgram) {
    const currency = key.split('|')[1] as string;
    const t = total.get(currency) ?? { ...zero(), negative: 0n };
    for (const k of Object.keys(s) as PartnerAccountKind[]) t[k] += s[k];
    // A debt is recovered within its own program (each pays on its own): summed per program.
    if (s.available < 0n) t.negative -= s.available;
    total.set(currency, t);
  }
  return [...total.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([c, s]) => view(c, s, s.negative));
}

/** The same balances, one row per program and currency. */
export async function readProgramBalances(
  deps: Deps,
  partnerId: string,
): Promise<ProgramBalanceView[]> {
  await getPartner(deps, partnerId);
  const perProgram = await partnerAccountSums(deps.store.db, partnerId);
  return [...perProgram.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, s]) => {
      const [programId, currency] = key.split('|') as [string, string];
      return { program_id: programId, ...view(currency, s) };
    });
}

/**
 * `entries` sums the ledger entries themselves (what money decisions use);
 * `summary` reads account_balances, kept with every posting: the same
 * figures in one row per account, for dashboards.
 */
export type BalanceSource = 'entries' | 'summary';

/**
 * Sums of a partner's accounts keyed `programId|currency`: exact index
 * lookups of its four accounts in every program.
 */
export async function partnerAccountSums(
  db: Deps['store']['db'] | Tx,
  partnerId: string,
  source: BalanceSource = 'entries',
): Promise<Map<string, Sums>> {
  // Programs are few: naming every account the partner could have in any of
  // them costs less than finding its programs among its (many) lines.
  const programs = await db.selectFrom('programs').select('id').execute();
  const names = programs.flatMap((p) =>
    partnerAccountKinds.map((k) => `program:${p.id}:partner:${partnerId}:${k}`),
  );
  const out = new Map<string, Sums>();
  if (names.length === 0) return out;
  const rows =
    source === 'summary'
      ? await db
          .selectFrom('account_balances')
          .select(['account', 'currency', 'balance as total'])
          .where('account', 'in', names)
          .execute()
      : await db
          .selectFrom('ledger_entries')
          .select(['account', 'currency'])
          .select((eb) => eb.fn.sum<string | number | bigint | null>('amount').as('total'))
          .where('account', 'in', names)
          .groupBy(['account', 'currency'])
          .execute();
  for (const r of rows) {
    const a = parsePartnerAccount(r.account);
    if (!a) continue;
    const key = `${a.programId}|${r.currency}`;
    const s = out.get(key) ?? zero();
    s[a.kind] += toBigInt(r.total);
    out.set(key, s);
  }
  return out;
}

const zero = (): Sums => ({ pending: 0n, available: 0n, processing: 0n, paid: 0n });

function view(
  currency: string,
  b: Sums,
  negative = b.available < 0n ? -b.available : 0n,
): BalanceView {
  const cur = currency as Currency;
  return {
    currency,
    pending: formatAmount(b.pending, cur),
    available: formatAmount(b.available, cur),
    processing: formatAmount(b.processing, cur),
    paid: formatAmount(b.paid, cur),
    negative: formatAmount(negative, cur),
    minor: {
      pending: `${b.pending}`,
      available: `${b.available}`,
      processing: `${b.processing}`,
      paid: `${b.paid}`,
      negative: `${negative}`,
    },
  };
}
