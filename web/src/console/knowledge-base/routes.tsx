import { type AnyRoute, createRoute, useParams } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { KbEditPage, KbNewPage } from './kb-edit-page';
import { KnowledgeBasePage } from './knowledge-base-page';

/** The page's address from the URL (the route below is the one that has it). */
function KbEditRoute(): ReactNode {
  const { slug } = useParams({ strict: false });
  return <KbEditPage slug={slug ?? ''} />;
}

/**
 * The knowledge base's console routes, to mount under the console's layout
 * route: `layout.addChildren([..., ...knowledgeBaseRoutes(layout)])`.
 * Generic over the parent so the router keeps their full paths typed.
 * Edit pages live under /pages/ so that a page may be called "new".
 */
export function knowledgeBaseRoutes<TParent extends AnyRoute>(parent: TParent) {
  const list = createRoute({
    getParentRoute: () => parent,
    path: 'knowledge-base',
    component: KnowledgeBasePage,
  });
  const create = createRoute({
    getParentRoute: () => parent,
    path: 'knowledge-base/new',
    component: KbNewPage,
  });
  const edit = createRoute({
    getParentRoute: () => parent,
    path: 'knowledge-base/pages/$slug',
    component: KbEditRoute,
  });
  return [list, create, edit] as const;
}
