import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useKbPages } from '../../portal/use-knowledge-base';
import { formatDateTime } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { EmptyState } from '../../ui/states';
import { TableScroll } from '../../ui/table-scroll';
import { QueryView } from '../query-view';
import { useOperator } from '../use-operator';
import { KbBadges } from './kb-edit-page';
import { kbNewPath, kbPagePath } from './paths';
import './knowledge-base.css';

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
            <Link to={kbNewPath} className="button primary">
              New page
            </Link>
          ) : null
        }
      />
      <QueryView query={pages} loading="Loading the pages…">
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No pages yet">
              <p>
                {canWrite
                  ? 'Write the first one: how referrals work, how to request a review, how to join a campaign.'
                  : 'Partner managers and admins write the pages.'}
              </p>
            </EmptyState>
          ) : (
            <TableScroll label="Knowledge base pages">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Page</th>
                    <th scope="col">Readers and status</th>
                    <th scope="col" className="num">
                      Order
                    </th>
                    <th scope="col">Last saved</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((p) => (
                    <tr key={p.id}>
                      <td>
                        <Link to={kbPagePath(p.slug)}>{p.title}</Link>
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
                </tbody>
              </table>
            </TableScroll>
          )
        }
      </QueryView>
    </>
  );
}
