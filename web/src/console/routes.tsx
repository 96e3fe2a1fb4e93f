import { type AnyRoute, createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { ConsoleLayout } from './console-layout';
import { validateEventsSearch } from './events/events-search';
import { validateLedgerSearch } from './ledger/ledger-search';
import { validateOverviewSearch } from './overview/overview-search';
import { validatePartnersSearch } from './partners/partners-search';
import './console.css';

/**
 * The operator console under /console: a layout route and one route per page.
 * The layout (sign-in guard and shell) comes with the app; each page is its
 * own chunk, loaded when it is opened or a link to it is hovered, so a
 * partner never downloads the console.
 *
 * Each route is a const before `addChildren` (created inside its argument
 * list, the router's types lose every path), and each page component
 * declares its return type, so the route tree's type does not depend on it.
 * Knowledge base pages live under /pages/ so that a page may be called "new".
 */
export function consoleRoute(root: AnyRoute) {
  const layout = createRoute({
    getParentRoute: () => root,
    path: 'console',
    component: ConsoleLayout,
  });
  const overview = createRoute({
    getParentRoute: () => layout,
    path: '/',
    component: lazyRouteComponent(() => import('./overview/overview-page'), 'OverviewPage'),
    validateSearch: validateOverviewSearch,
  });
  const partners = createRoute({
    getParentRoute: () => layout,
    path: 'partners',
    component: lazyRouteComponent(() => import('./partners/partners-page'), 'PartnersPage'),
    validateSearch: validatePartnersSearch,
  });
  const partner = createRoute({
    getParentRoute: () => layout,
    path: 'partners/$partnerId',
    component: lazyRouteComponent(() => import('./partners/partner-page'), 'PartnerPage'),
  });
  const programs = createRoute({
    getParentRoute: () => layout,
    path: 'programs',
    component: lazyRouteComponent(() => import('./programs/programs-page'), 'ProgramsPage'),
  });
  const program = createRoute({
    getParentRoute: () => layout,
    path: 'programs/$programId',
    component: lazyRouteComponent(() => import('./programs/program-page'), 'ProgramPage'),
  });
  const payoutRuns = createRoute({
    getParentRoute: () => layout,
    path: 'payout-runs',
    component: lazyRouteComponent(() => import('./payouts/payout-runs-page'), 'PayoutRunsPage'),
  });
  const reconciliation = createRoute({
    getParentRoute: () => layout,
    path: 'payout-runs/reconciliation',
    component: lazyRouteComponent(
      () => import('./payouts/reconciliation-page'),
      'ReconciliationPage',
    ),
  });
  const payoutRun = createRoute({
    getParentRoute: () => layout,
    path: 'payout-runs/$runId',
    component: lazyRouteComponent(() => import('./payouts/payout-run-page'), 'PayoutRunPage'),
  });
  const ledger = createRoute({
    getParentRoute: () => layout,
    path: 'ledger',
    component: lazyRouteComponent(() => import('./ledger/ledger-page'), 'LedgerPage'),
    validateSearch: validateLedgerSearch,
  });
  const events = createRoute({
    getParentRoute: () => layout,
    path: 'events',
    component: lazyRouteComponent(() => import('./events/events-page'), 'EventsPage'),
    validateSearch: validateEventsSearch,
  });
  const integrations = createRoute({
    getParentRoute: () => layout,
    path: 'integrations',
    component: lazyRouteComponent(
      () => import('./integrations/integrations-page'),
      'IntegrationsPage',
    ),
  });
  const campaigns = createRoute({
    getParentRoute: () => layout,
    path: 'campaigns',
    component: lazyRouteComponent(() => import('./campaigns/campaigns-page'), 'CampaignsPage'),
  });
  const knowledgeBase = createRoute({
    getParentRoute: () => layout,
    path: 'knowledge-base',
    component: lazyRouteComponent(
      () => import('./knowledge-base/knowledge-base-page'),
      'KnowledgeBasePage',
    ),
  });
  const kbNew = createRoute({
    getParentRoute: () => layout,
    path: 'knowledge-base/new',
    component: lazyRouteComponent(() => import('./knowledge-base/kb-edit-page'), 'KbNewPage'),
  });
  const kbEdit = createRoute({
    getParentRoute: () => layout,
    path: 'knowledge-base/pages/$slug',
    component: lazyRouteComponent(() => import('./knowledge-base/kb-edit-page'), 'KbEditPage'),
  });
  const settings = createRoute({
    getParentRoute: () => layout,
    path: 'settings',
    component: lazyRouteComponent(() => import('./settings/settings-page'), 'SettingsPage'),
  });
  return layout.addChildren([
    overview,
    partners,
    partner,
    programs,
    program,
    payoutRuns,
    reconciliation,
    payoutRun,
    ledger,
    events,
    integrations,
    campaigns,
    knowledgeBase,
    kbNew,
    kbEdit,
    settings,
  ]);
}
