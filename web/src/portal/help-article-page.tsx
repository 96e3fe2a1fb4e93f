import { Link, useParams } from '@tanstack/react-router';
import { ApiError } from '../api/client';
import { useKbPage } from '../api/use-knowledge-base';
import { formatDate } from '../ui/format';
import { MarkdownArticle } from '../ui/markdown-article';
import { PageHeader } from '../ui/page-header';
import { EmptyState, ErrorNotice, Loading } from '../ui/states';
import './help.css';

/** /portal/help/$slug: one knowledge base page, its Markdown rendered. */
export function HelpArticlePage() {
  const { slug } = useParams({ from: '/portal/help/$slug' });
  const page = useKbPage(slug);
  const back = (
    <Link to="/portal/help" className="kb-back">
      ← All help pages
    </Link>
  );
  if (page.isPending) {
    return (
      <>
        {back}
        <Loading label="Loading the page…" />
      </>
    );
  }
  if (page.isError) {
    const missing = page.error instanceof ApiError && page.error.code === 'kb_page_not_found';
    return (
      <>
        {back}
        {missing ? (
          <>
            <PageHeader title="Page not found" />
            <EmptyState title="This help page does not exist or is no longer published">
              <p>
                It may have moved. The <Link to="/portal/help">Help</Link> page lists every page
                there is.
              </p>
            </EmptyState>
          </>
        ) : (
          <ErrorNotice error={page.error} retry={() => page.refetch()} />
        )}
      </>
    );
  }
  return (
    <>
      {back}
      <PageHeader title={page.data.title} lead={`Updated ${formatDate(page.data.updated_at)}`} />
      <article aria-label={page.data.title}>
        <MarkdownArticle markdown={page.data.body} />
      </article>
    </>
  );
}
