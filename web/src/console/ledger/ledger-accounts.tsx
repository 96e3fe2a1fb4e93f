import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, call } from '../../api/client';
import type { LedgerAccount } from '../../api/explorer';
import { DataTable } from '../../ui/data-table';
import { Money } from '../../ui/money';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { useProgramName } from '../use-programs';
import { kindOrder, kindWords } from './account-words';
import type { LedgerSearch } from './ledger-search';

/** A partner's accounts and balances, one table per program, each account opening its entries. */
export function LedgerAccounts({ search }: { search: LedgerSearch & { partner: string } }) {
  const programName = useProgramName();
  const accounts = useQuery({
    queryKey: ['ledger', 'accounts', search.partner, search.program],
    queryFn: () =>
      call<{ data: LedgerAccount[] }>(
        api.GET('/v1/ledger/accounts', {
          params: { query: { partner_id: search.partner, program_id: search.program } },
        }),
      ).then((r) => r.data),
  });
  return (
    <Section title="Accounts">
      <QueryView
        query={accounts}
        loading="Loading accounts…"
        empty={
          <EmptyState title="No accounts yet">
            <p>The partner has earned nothing here: accounts open with their first posting.</p>
          </EmptyState>
        }
      >
        {(list) =>
          groupByProgram(list).map(([programId, rows]) => (
            <DataTable
              key={programId}
              label={`Accounts in ${programName(programId)}`}
              caption={`Accounts in ${programName(programId)}`}
              columns={['Program', 'Currency', 'Account', { label: 'Balance', numeric: true }]}
            >
              {rows.map((a) => (
                <tr key={`${a.account}:${a.currency}`}>
                  <td>{programName(programId)}</td>
                  <td>{a.currency}</td>
                  <th scope="row">
                    <Link
                      to="/console/ledger"
                      search={{ ...search, account: a.account, tx: undefined }}
                      aria-current={search.account === a.account ? 'true' : undefined}
                    >
                      {kindWords[a.kind] ?? a.kind}
                    </Link>
                  </th>
                  <td className="num">
                    <Money amount={a.amount} currency={a.currency} />
                  </td>
                </tr>
              ))}
            </DataTable>
          ))
        }
      </QueryView>
    </Section>
  );
}

/** Accounts per program, each program's by currency then kind (pending before paid). */
function groupByProgram(list: LedgerAccount[]): [string, LedgerAccount[]][] {
  const groups = new Map<string, LedgerAccount[]>();
  for (const a of list) groups.set(a.program_id, [...(groups.get(a.program_id) ?? []), a]);
  const rank = (kind: string) => {
    const i = kindOrder.indexOf(kind);
    return i === -1 ? kindOrder.length : i;
  };
  return [...groups].map(([id, rows]) => [
    id,
    rows.sort((a, b) =>
      a.currency === b.currency ? rank(a.kind) - rank(b.kind) : a.currency < b.currency ? -1 : 1,
    ),
  ]);
}
