import { useQuery } from '@tanstack/react-query';
import type { Balance, Balances } from '../../api/balances';
import { api, call } from '../../api/client';
import { DataTable } from '../../ui/data-table';
import { Money } from '../../ui/money';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { useProgramName } from '../use-programs';

const columns: { key: keyof Omit<Balance, 'currency'>; label: string }[] = [
  { key: 'pending', label: 'Pending (in hold)' },
  { key: 'available', label: 'Available' },
  { key: 'processing', label: 'In a payout' },
  { key: 'paid', label: 'Paid' },
  { key: 'negative', label: 'Owed back' },
];

/** What the ledger holds for the partner, per currency and per program. */
export function PartnerBalances({ partnerId }: { partnerId: string }) {
  const programName = useProgramName();
  const balances = useQuery({
    queryKey: ['partner', partnerId, 'balances'],
    queryFn: () =>
      call<Balances>(
        api.GET('/v1/partners/{id}/balances', { params: { path: { id: partnerId } } }),
      ),
  });
  return (
    <Section title="Balances">
      <QueryView query={balances} loading="Loading balances…">
        {(b) => {
          const several = new Set(b.programs.map((p) => p.program_id)).size > 1;
          return b.balances.length === 0 ? (
            <EmptyState title="Nothing earned yet" />
          ) : (
            <DataTable
              label="Balances"
              columns={[
                'Program',
                'Currency',
                ...columns.map((c) => ({ label: c.label, numeric: true })),
              ]}
            >
              {several
                ? b.programs.map((row) => (
                    <BalanceRow
                      key={`${row.program_id}-${row.currency}`}
                      label={programName(row.program_id)}
                      row={row}
                    />
                  ))
                : null}
              {b.balances.map((row) => (
                <BalanceRow
                  key={row.currency}
                  label={several ? 'All programs' : programName(b.programs[0]?.program_id ?? '')}
                  row={row}
                />
              ))}
            </DataTable>
          );
        }}
      </QueryView>
    </Section>
  );
}

function BalanceRow({ label, row }: { label: string; row: Balance }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{row.currency}</td>
      {columns.map((c) => (
        <td key={c.key} className="num">
          <Money amount={row[c.key]} currency={row.currency} />
        </td>
      ))}
    </tr>
  );
}
