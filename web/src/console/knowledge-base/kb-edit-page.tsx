import { Link, useParams } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ApiError } from '../../api/client';
import type { KbPage } from '../../api/knowledge-base';
import { useKbPage } from '../../api/use-knowledge-base';
import { Badge } from '../../ui/badge';
import { formatDateTime } from '../../ui/format';
import { MarkdownArticle } from '../../ui/markdown-article';
import { PageHeader } from '../../ui/page-header';
import { EmptyState, ErrorNotice, Loading } from '../../ui/states';
import { useOperator } from '../use-operator';
import { KbEditor } from './kb-editor';
import './knowledge-base.css';
import { Notice } from '../../ui/notice';

function Breadcrumb() {
  return (
    <p className="console-breadcrumb">
      <Link to="/console/knowledge-base">Knowledge base</Link>
    </p>
  );
}

/** Who reads it and whether it is out, as two badges. */
export function KbBadges({ page }: { page: Pick<KbPage, 'audience' | 'published'> }) {
  return (
    <span className="kb-badges">
      <Badge tone={page.audience === 'partners' ? 'info' : 'neutral'}>
        {page.audience === 'partners' ? 'Partners' : 'Internal'}
      </Badge>
      <Badge tone={page.published ? 'ok' : 'warn'}>{page.published ? 'Published' : 'Draft'}</Badge>
    </span>
  );
}

/** /console/knowledge-base/new: a new page (programs:write). */
export function KbNewPage(): ReactNode {
  const { may } = useOperator();
  return (
    <>
      <Breadcrumb />
      <PageHeader
        title="New page"
        lead="Write in Markdown; the preview shows it as readers will see it. It stays a draft until you publish it."
      />
      {may('programs:write') ? (
        <KbEditor />
      ) : (
        <Notice tone="info">Your role can read the knowledge base but not write it.</Notice>
      )}
    </>
  );
}

/**
 * /console/knowledge-base/pages/$slug: the editor for partner managers and
 * admins (programs:write), the page as it reads for everyone else.
 */
export function KbEditPage(): ReactNode {
  const { slug } = useParams({ from: '/console/knowledge-base/pages/$slug' });
  const { may } = useOperator();
  const page = useKbPage(slug);
  if (page.isPending) {
    return (
      <>
        <Breadcrumb />
        <Loading label="Loading the page…" />
      </>
    );
  }
  if (page.isError) {
    const missing = page.error instanceof ApiError && page.error.code === 'kb_page_not_found';
    return (
      <>
        <Breadcrumb />
        {missing ? (
          <>
            <PageHeader title="Page not found" />
            <EmptyState title={`No page has the address ${slug}`}>
              <p>It may have been renamed. The knowledge base lists every page.</p>
            </EmptyState>
          </>
        ) : (
          <ErrorNotice error={page.error} retry={() => page.refetch()} />
        )}
      </>
    );
  }
  const p = page.data;
  const lead = (
    <>
      <KbBadges page={p} /> Version {p.version}, saved {formatDateTime(p.updated_at)}
      {p.updated_by_name ? ` by ${p.updated_by_name}` : ''}.
    </>
  );
  return (
    <>
      <Breadcrumb />
      <PageHeader title={p.title} lead={lead} />
      {may('programs:write') ? (
        // Another page (a rename elsewhere) is another editor, with its own state.
        <KbEditor key={p.id} page={p} />
      ) : (
        <article className="card" aria-label={p.title}>
          <MarkdownArticle markdown={p.body} />
        </article>
      )}
    </>
  );
}
