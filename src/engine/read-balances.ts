import type { Currency } from '../core/currency.js';
import { accounts } from '../core/ledger.js';
import { formatAmount } from '../core/money.js';
import { toBigInt } from '../store/values.js';
import type { Deps } from './deps.js';
import { getPartner } from './partners.js';

export interface BalanceView {
  currency: string;
  pending: string;
  available: string;
  paid: string;
  /** Money owed back (refunds after release), carried against future earnings. */
  negative: string;
  minor: { pending: string; available: string; paid: string; negative: string };
}

/**
 * A partner's balances per currency, each the sum of its ledger entries.
 * `available` may be negative after a clawback; `negative` shows that debt as
 * a positive amount and `available` floors at zero only in what can be paid.
 * Errors: `partner_not_found`.
 */
export async function readBalances(deps: Deps, partnerId: string): Promise<BalanceView[]> {
  await getPartner(deps, partnerId);
  const names = {
    pending: accounts.pending(partnerId),
    available: accounts.available(partnerId),
    paid: accounts.paid(partnerId),
  };
  const rows = await deps.store.db
    .selectFrom('ledger_entries')
    .select(['account', 'currency'])
    .select((eb) => eb.fn.sum<string | number | bigint | null>('amount').as('total'))
    .where('account', 'in', Object.values(names))
    .groupBy(['account', 'currency'])
    .execute();
  const by = new Map<string, { pending: bigint; available: bigint; paid: bigint }>();
  for (const r of rows) {
    const b = by.get(r.currency) ?? { pending: 0n, available: 0n, paid: 0n };
    const total = toBigInt(r.total);
    if (r.account === names.pending) b.pending = total;
    else if (r.account === names.available) b.available = total;
    else b.paid = total;
    by.set(r.currency, b);
  }
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, b]) => {
      const cur = currency as Currency;
      const negative = b.available < 0n ? -b.available : 0n;
      return {
        currency,
        pending: formatAmount(b.pending, cur),
        available: formatAmount(b.available, cur),
        paid: formatAmount(b.paid, cur),
        negative: formatAmount(negative, cur),
        minor: {
          pending: `${b.pending}`,
          available: `${b.available}`,
          paid: `${b.paid}`,
          negative: `${negative}`,
        },
      };
    });
}
