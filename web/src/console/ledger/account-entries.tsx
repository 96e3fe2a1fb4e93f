import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, call } from '../../api/client';
import type { LedgerEntriesPage } from '../../api/explorer';
import { DataTable } from '../../ui/data-table';
import { formatDateTime, humanize } from '../../ui/format';
import { Money } from '../../ui/money';
import { PagedView } from '../../ui/paged-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { usePartnerNames } from '../use-partner-names';
import { useProgramName } from '../use-programs';
import { accountWords } from './account-words';
import type { LedgerSearch } from './ledger-search';

/** One account's entries, newest first, each opening its transaction. */
export function AccountEntries({ search }: { search: LedgerSearch & { account: string } }) {
  const programName = useProgramName();
  const partnerName = usePartnerNames();
  const entries = useInfiniteQuery({
    queryKey: ['ledger', 'entries', search.account],
    queryFn: ({ pageParam }) =>
      call<LedgerEntriesPage>(
        api.GET('/v1/ledger/entries', {
          params: {
            query: {
              account: search.account,
              limit: 25,
              before: pageParam === undefined ? undefined : Number(pageParam),
            },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const title = `Entries: ${accountWords(search.account, programName, partnerName)}`;
  return (
    <Section title={title}>
      <p className="muted small">
        Account <span className="mono">{search.account}</span>, newest first.
      </p>
      <PagedView
        query={entries}
        loading="Loading entries…"
        empty={<EmptyState title="No entries in this account" />}
        more="Show older entries"
      >
        {(rows) => (
          <DataTable
            label="Entries"
            columns={['When', 'Transaction', 'Memo', { label: 'Amount', numeric: true }]}
          >
            {rows.map((e) => (
              <tr key={e.id}>
                <td className="console-nowrap">{formatDateTime(e.created_at)}</td>
                <td>
                  <Link
                    to="/console/ledger"
                    search={{ ...search, tx: e.transaction_id }}
                    aria-current={search.tx === e.transaction_id ? 'true' : undefined}
                  >
                    {humanize(e.kind)}
                    <span className="visually-hidden"> transaction {e.transaction_id}</span>
                  </Link>
                </td>
                <td>{e.memo ?? '—'}</td>
                <td className="num">
                  <Money amount={e.amount} currency={e.currency} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </PagedView>
    </Section>
  );
}
