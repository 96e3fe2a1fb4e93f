import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { api, call } from '../../api/client';
import type { LedgerTransaction } from '../../api/explorer';
import { DataTable } from '../../ui/data-table';
import { addDecimal, formatDateTime, humanize, isZeroAmount } from '../../ui/format';
import { Money } from '../../ui/money';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { PartnerLink } from '../partners/partner-link';
import { usePartnerNames } from '../use-partner-names';
import { useProgramName } from '../use-programs';
import { accountWords } from './account-words';

/**
 * One transaction: its entries with their sum per currency (zero: the books
 * balance) and the accrual lines it posted, each line's event one click
 * from the events explorer. Scrolled into view when opened, below the list
 * it was opened from.
 */
export function TransactionView({ id }: { id: string }) {
  const ref = useRef<HTMLDivElement>(null);
  // Runs again for each transaction opened (the id), not only on mount.
  // biome-ignore lint/correctness/useExhaustiveDependencies: id is the trigger
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'start' });
  }, [id]);
  const tx = useQuery({
    queryKey: ['ledger', 'transaction', id],
    queryFn: () =>
      call<LedgerTransaction>(
        api.GET('/v1/ledger/transactions/{id}', { params: { path: { id } } }),
      ),
  });
  return (
    <div ref={ref}>
      <Section title="Transaction">
        <QueryView query={tx} loading="Loading the transaction…">
          {(t) => <TransactionBody tx={t} />}
        </QueryView>
      </Section>
    </div>
  );
}

function TransactionBody({ tx }: { tx: LedgerTransaction }) {
  const programName = useProgramName();
  const partnerName = usePartnerNames();
  const sums = new Map<string, string>();
  for (const e of tx.entries)
    sums.set(e.currency, addDecimal(sums.get(e.currency) ?? '0', e.amount));
  const balanced = [...sums.values()].every(isZeroAmount);
  return (
    <>
      <dl className="facts">
        <dt>Kind</dt>
        <dd>{humanize(tx.kind)}</dd>
        <dt>Memo</dt>
        <dd>{tx.memo ?? '—'}</dd>
        <dt>Posted</dt>
        <dd>{formatDateTime(tx.created_at)}</dd>
        <dt>Transaction id</dt>
        <dd className="mono">{tx.id}</dd>
      </dl>
      <DataTable
        label="Transaction entries"
        columns={['Account', 'Currency', { label: 'Amount', numeric: true }]}
      >
        {tx.entries.map((e) => (
          <tr key={e.id}>
            <td>
              {accountWords(e.account, programName, partnerName)}
              <br />
              <span className="mono small muted">{e.account}</span>
            </td>
            <td>{e.currency}</td>
            <td className="num">
              <Money amount={e.amount} currency={e.currency} />
            </td>
          </tr>
        ))}
        {[...sums].map(([currency, sum]) => (
          <tr key={`sum-${currency}`} data-testid={`entries-sum-${currency}`}>
            <th scope="row">Sum</th>
            <td>{currency}</td>
            <td className="num">
              <strong>
                <Money amount={sum} currency={currency} />
              </strong>
            </td>
          </tr>
        ))}
      </DataTable>
      <p role="status">
        {balanced
          ? 'The entries sum to zero in every currency: the transaction balances.'
          : 'The entries do not sum to zero: the ledger is out of balance here. Tell an engineer.'}
      </p>
      {tx.lines.length > 0 ? (
        <DataTable
          label="Accrual lines of the transaction"
          columns={['Partner', 'Kind', 'Rule', 'Event', { label: 'Amount', numeric: true }]}
        >
          {tx.lines.map((l) => (
            <tr key={l.id}>
              <td>
                <PartnerLink id={l.partner_id}>{partnerName(l.partner_id)}</PartnerLink>
              </td>
              <td>{humanize(l.kind)}</td>
              <td className="mono console-nowrap">{l.rule_id}</td>
              <td>
                <Link to="/console/events" search={{ customer: l.customer_id }}>
                  <span className="mono">{l.event_id}</span>
                  <span className="visually-hidden"> (events of customer {l.customer_id})</span>
                </Link>
              </td>
              <td className="num">
                <Money amount={l.amount} currency={l.currency} />
              </td>
            </tr>
          ))}
        </DataTable>
      ) : (
        <p className="muted small">This transaction posted no accrual line.</p>
      )}
    </>
  );
}
