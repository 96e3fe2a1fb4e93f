import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useKbPages } from '../../api/use-knowledge-base';
import { formatDateTime } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/query-view';
import { EmptyState } from '../../ui/states';
import { useOperator } from '../use-operator';
import { KbBadges } from './kb-edit-page';
import './knowledge-base.css';
import { DataTable } from '../../ui/data-table';

/** /console/knowledge-base: every page, drafts and the internal playbook included. */
export function KnowledgeBasePage(): ReactNode {
  const { may } = useOperator();
  const pages = useKbPages();
  const canWrite = may('programs:write');
  return (
    <>
      <PageHeader
        title="Knowledge base"
        lead="Playbook pages in Markdown. Pages for partners appear in the portal's Help once published; internal pages are for the team only."
        actions={
          canWrite ? (
            <Link to="/console/knowledge-base/new" className="button primary">
              New page
            </Link>
          ) : null
        }
      />
      <QueryView
        query={pages}
        loading="Loading the pages…"
        empty={
          <EmptyState title="No pages yet">
            <p>
              {canWrite
                ? 'Write the first one: how referrals work, how to request a review, how to join a campaign.'
                : 'Partner managers and admins write the pages.'}
            </p>
          </EmptyState>
        }
      >
        {(list) => (
          <DataTable
            label="Knowledge base pages"
            columns={[
              'Page',
              'Readers and status',
              { label: 'Order', numeric: true },
              'Last saved',
            ]}
          >
            {list.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to="/console/knowledge-base/pages/$slug" params={{ slug: p.slug }}>
                    {p.title}
                  </Link>
                  <div className="muted small">/{p.slug}</div>
                </td>
                <td>
                  <KbBadges page={p} />
                </td>
                <td className="num">{p.position}</td>
                <td>
                  {formatDateTime(p.updated_at)}
                  {p.updated_by_name ? (
                    <div className="muted small">by {p.updated_by_name}</div>
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
    </>
  );
}
