import { formatMoney, isNegativeAmount, isZeroAmount } from './format';

/** One amount in its currency, with tabular digits. */
export function Money({ amount, currency }: { amount: string; currency: string }) {
  return (
    <span className={isNegativeAmount(amount) ? 'money negative' : 'money'}>
      {formatMoney(amount, currency)}
    </span>
  );
}

/**
 * Amounts keyed by currency ({USD: "12.00", EUR: "3.00"}), one after another,
 * zero amounts left out; `empty` when nothing is left (default "—", or pass
 * a zero such as "$0.00" where a number reads better).
 */
export function MoneyByCurrency({
  amounts,
  empty = '—',
}: {
  amounts: Record<string, string> | undefined;
  empty?: string;
}) {
  const entries = Object.entries(amounts ?? {})
    .filter(([, a]) => !isZeroAmount(a))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return <span>{empty}</span>;
  return (
    <span className="money-list">
      {entries.map(([currency, amount], i) => (
        <span key={currency}>
          {i > 0 ? ' · ' : ''}
          {formatMoney(amount, currency)}
        </span>
      ))}
    </span>
  );
}
