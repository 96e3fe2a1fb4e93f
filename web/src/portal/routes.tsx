import { type AnyRoute, createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { PortalLayout } from './portal-layout';

/**
 * /portal and its pages: what a partner user sees of its own program. The
 * layout (sign-in guard and shell) comes with the app; each page is its own
 * chunk, loaded when it is opened or a link to it is hovered, so an operator
 * never downloads the portal.
 */
export function portalRoute(root: AnyRoute) {
  const portal = createRoute({
    getParentRoute: () => root,
    path: 'portal',
    component: PortalLayout,
  });
  // One const per route: createRoute calls written inline in addChildren's array
  // lose their types and make every Link in the app demand `search`.
  const dashboard = createRoute({
    getParentRoute: () => portal,
    path: '/',
    component: lazyRouteComponent(() => import('./dashboard-page'), 'DashboardPage'),
  });
  const earnings = createRoute({
    getParentRoute: () => portal,
    path: 'earnings',
    component: lazyRouteComponent(() => import('./earnings-page'), 'EarningsPage'),
  });
  const links = createRoute({
    getParentRoute: () => portal,
    path: 'links',
    component: lazyRouteComponent(() => import('./links-page'), 'LinksPage'),
  });
  const tier = createRoute({
    getParentRoute: () => portal,
    path: 'tier',
    component: lazyRouteComponent(() => import('./tier-page'), 'TierPage'),
  });
  const payouts = createRoute({
    getParentRoute: () => portal,
    path: 'payouts',
    component: lazyRouteComponent(() => import('./payouts-page'), 'PayoutsPage'),
  });
  const integrations = createRoute({
    getParentRoute: () => portal,
    path: 'integrations',
    component: lazyRouteComponent(() => import('./integrations-page'), 'IntegrationsPage'),
  });
  const campaigns = createRoute({
    getParentRoute: () => portal,
    path: 'campaigns',
    component: lazyRouteComponent(() => import('./campaigns-page'), 'CampaignsPage'),
  });
  const help = createRoute({
    getParentRoute: () => portal,
    path: 'help',
    component: lazyRouteComponent(() => import('./help-page'), 'HelpPage'),
  });
  const helpArticle = createRoute({
    getParentRoute: () => portal,
    path: 'help/$slug',
    component: lazyRouteComponent(() => import('./help-article-page'), 'HelpArticlePage'),
  });
  return portal.addChildren([
    dashboard,
    earnings,
    links,
    tier,
    payouts,
    integrations,
    campaigns,
    help,
    helpArticle,
  ]);
}
