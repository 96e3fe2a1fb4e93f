import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { Program } from '../../api/programs';
import { DataTable } from '../../ui/data-table';
import { formatDate } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/query-view';
import { EmptyState } from '../../ui/states';
import { usePrograms } from '../use-programs';

function inForce(p: Program) {
  return p.versions.find((v) => v.number === p.current_version) ?? null;
}

/** `/console/programs`: every program and the version in force. */
export function ProgramsPage(): ReactNode {
  const programs = usePrograms();
  return (
    <>
      <PageHeader
        title="Programs"
        lead="Each program's terms are versions: draft a new one, compare, backtest and publish it."
      />
      <QueryView
        query={programs}
        loading="Loading programs…"
        empty={
          <EmptyState title="No programs yet">
            <p>Create one with the API or the CLI (tandem program publish).</p>
          </EmptyState>
        }
      >
        {(list) => (
          <DataTable
            label="Programs"
            columns={[
              'Program',
              'Key',
              'In force',
              'Coming',
              { label: 'Versions', numeric: true },
              'Currency',
            ]}
          >
            {list.map((p) => {
              const current = inForce(p);
              return (
                <tr key={p.id}>
                  <th scope="row">
                    <Link to="/console/programs/$programId" params={{ programId: p.key }}>
                      {p.name}
                    </Link>
                  </th>
                  <td className="mono">{p.key}</td>
                  <td>
                    {current
                      ? `Version ${current.number}, since ${formatDate(current.effective_from)}`
                      : 'No version in force'}
                  </td>
                  <td>
                    {p.upcoming_versions.length
                      ? p.upcoming_versions.map((n) => `Version ${n}`).join(', ')
                      : '—'}
                  </td>
                  <td className="num">{p.versions.length}</td>
                  <td>
                    {String(current?.terms.currency ?? p.versions.at(-1)?.terms.currency ?? '—')}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </QueryView>
    </>
  );
}
