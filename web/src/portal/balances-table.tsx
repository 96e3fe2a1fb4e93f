import type { Balance } from '../api/balances';
import { DataTable } from '../ui/data-table';
import { Money } from '../ui/money';
import { EmptyState } from '../ui/states';

/**
 * The partner's money per currency, from earned to paid. Column headers say
 * what each stage means, since "pending" and "available" are Tandem words.
 */
export function BalancesTable({ balances }: { balances: Balance[] }) {
  if (balances.length === 0) {
    return (
      <EmptyState title="No earnings yet">
        <p>Your balances appear here once a referral earns you a reward.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <DataTable
        label="Balances"
        caption="Balances per currency"
        columns={[
          'Currency',
          { label: 'Pending', numeric: true },
          { label: 'Available', numeric: true },
          { label: 'Processing', numeric: true },
          { label: 'Paid', numeric: true },
          { label: 'Owed back', numeric: true },
        ]}
      >
        {balances.map((b) => (
          <tr key={b.currency}>
            <th scope="row">{b.currency}</th>
            <td className="num">
              <Money amount={b.pending} currency={b.currency} />
            </td>
            <td className="num">
              <Money amount={b.available} currency={b.currency} />
            </td>
            <td className="num">
              <Money amount={b.processing} currency={b.currency} />
            </td>
            <td className="num">
              <Money amount={b.paid} currency={b.currency} />
            </td>
            <td className="num">
              <Money amount={b.negative} currency={b.currency} />
            </td>
          </tr>
        ))}
      </DataTable>
      <p className="small muted" style={{ marginTop: 'var(--space-2)' }}>
        <strong>Pending</strong>: earned, waiting out the program's hold period (in case of
        refunds). <strong>Available</strong>: ready for the next payout. <strong>Processing</strong>
        : in a payout on its way to you. <strong>Owed back</strong>: refunds after a reward was
        released, taken from future earnings.
      </p>
    </>
  );
}
