import { type AnyRoute, createRoute } from '@tanstack/react-router';
import { CampaignsPage } from './campaigns-page';
import { DashboardPage } from './dashboard-page';
import { EarningsPage } from './earnings-page';
import { HelpArticlePage } from './help-article-page';
import { HelpPage } from './help-page';
import { IntegrationsPage } from './integrations-page';
import { LinksPage } from './links-page';
import { PayoutsPage } from './payouts-page';
import { PortalLayout } from './portal-layout';
import { TierPage } from './tier-page';

/** /portal and its pages: what a partner user sees of its own program. */
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
    component: DashboardPage,
  });
  const earnings = createRoute({
    getParentRoute: () => portal,
    path: 'earnings',
    component: EarningsPage,
  });
  const links = createRoute({ getParentRoute: () => portal, path: 'links', component: LinksPage });
  const tier = createRoute({ getParentRoute: () => portal, path: 'tier', component: TierPage });
  const payouts = createRoute({
    getParentRoute: () => portal,
    path: 'payouts',
    component: PayoutsPage,
  });
  const integrations = createRoute({
    getParentRoute: () => portal,
    path: 'integrations',
    component: IntegrationsPage,
  });
  const campaigns = createRoute({
    getParentRoute: () => portal,
    path: 'campaigns',
    component: CampaignsPage,
  });
  const help = createRoute({ getParentRoute: () => portal, path: 'help', component: HelpPage });
  const helpArticle = createRoute({
    getParentRoute: () => portal,
    path: 'help/$slug',
    component: HelpArticlePage,
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
