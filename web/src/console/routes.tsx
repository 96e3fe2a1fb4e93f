import { type AnyRoute, createRoute } from '@tanstack/react-router';
import { CampaignsPage } from './campaigns/campaigns-page';
import { ConsoleLayout } from './console-layout';
import { EventsPage } from './events/events-page';
import { IntegrationsPage } from './integrations/integrations-page';
import { knowledgeBaseRoutes } from './knowledge-base/routes';
import { LedgerPage } from './ledger/ledger-page';
import { OverviewPage, validateOverviewSearch } from './overview/overview-page';
import { PartnerPage } from './partners/partner-page';
import { PartnersPage, validatePartnersSearch } from './partners/partners-page';
import { PayoutRunPage } from './payouts/payout-run-page';
import { PayoutRunsPage } from './payouts/payout-runs-page';
import { ReconciliationPage } from './payouts/reconciliation-page';
import { ProgramPage } from './programs/program-page';
import { ProgramsPage } from './programs/programs-page';
import { SettingsPage } from './settings/settings-page';
import './console.css';

/**
 * The operator console under /console: a layout route and one route per page.
 * Each route is a const before `addChildren` (created inside its argument
 * list, the router's types lose every path), and each page component
 * declares its return type, so the route tree's type does not depend on it.
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
    component: OverviewPage,
    validateSearch: validateOverviewSearch,
  });
  const partners = createRoute({
    getParentRoute: () => layout,
    path: 'partners',
    component: PartnersPage,
    validateSearch: validatePartnersSearch,
  });
  const partner = createRoute({
    getParentRoute: () => layout,
    path: 'partners/$partnerId',
    component: PartnerPage,
  });
  const programs = createRoute({
    getParentRoute: () => layout,
    path: 'programs',
    component: ProgramsPage,
  });
  const program = createRoute({
    getParentRoute: () => layout,
    path: 'programs/$programId',
    component: ProgramPage,
  });
  const payoutRuns = createRoute({
    getParentRoute: () => layout,
    path: 'payout-runs',
    component: PayoutRunsPage,
  });
  const reconciliation = createRoute({
    getParentRoute: () => layout,
    path: 'payout-runs/reconciliation',
    component: ReconciliationPage,
  });
  const payoutRun = createRoute({
    getParentRoute: () => layout,
    path: 'payout-runs/$runId',
    component: PayoutRunPage,
  });
  const ledger = createRoute({
    getParentRoute: () => layout,
    path: 'ledger',
    component: LedgerPage,
  });
  const events = createRoute({
    getParentRoute: () => layout,
    path: 'events',
    component: EventsPage,
  });
  const integrations = createRoute({
    getParentRoute: () => layout,
    path: 'integrations',
    component: IntegrationsPage,
  });
  const campaigns = createRoute({
    getParentRoute: () => layout,
    path: 'campaigns',
    component: CampaignsPage,
  });
  const settings = createRoute({
    getParentRoute: () => layout,
    path: 'settings',
    component: SettingsPage,
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
    settings,
    ...knowledgeBaseRoutes(layout),
  ]);
}
