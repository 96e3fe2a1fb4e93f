import { Outlet } from '@tanstack/react-router';
import { Redirect } from '../auth/redirect';
import { RequireSignIn } from '../auth/require-sign-in';
import { AppShell, type NavItem } from '../ui/app-shell';

const nav: NavItem[] = [
  { to: '/portal', label: 'Dashboard', exact: true },
  { to: '/portal/earnings', label: 'Earnings' },
  { to: '/portal/links', label: 'Links & codes' },
  { to: '/portal/tier', label: 'Tier' },
  { to: '/portal/payouts', label: 'Payouts' },
  { to: '/portal/integrations', label: 'Integrations' },
  { to: '/portal/campaigns', label: 'Campaigns' },
  { to: '/portal/help', label: 'Help' },
];

/**
 * The partner portal's frame: signed-out visitors go to sign-in, operators
 * to the console (the portal shows one partner's own data).
 */
export function PortalLayout() {
  return (
    <RequireSignIn>
      {(me) =>
        me.partner_id === null ? (
          <Redirect to="/console" />
        ) : (
          <AppShell area="Partner portal" home="/portal" nav={nav} navLabel="Portal">
            <Outlet />
          </AppShell>
        )
      }
    </RequireSignIn>
  );
}
