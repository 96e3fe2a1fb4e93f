import { Navigate, Outlet } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { Me } from '../api/models';
import { RequireSignIn } from '../auth/require-sign-in';
import { can } from '../auth/use-me';
import { AppShell } from '../ui/app-shell';
import { navItems, roleLabels, roleNotes } from './nav-items';

/**
 * The console's frame: sign-in guard (signed out → sign-in and back; a
 * partner user belongs in the portal), the sections this role may open, and
 * a line saying which role is signed in and what it may do.
 */
export function ConsoleLayout(): ReactNode {
  return (
    <RequireSignIn>
      {(me) => (me.partner_id !== null ? <Navigate to="/portal" replace /> : <Frame me={me} />)}
    </RequireSignIn>
  );
}

function Frame({ me }: { me: Me }) {
  const role = me.user?.role;
  const nav = navItems
    .filter((item) => can(me, item.scope))
    .map((item) => ({ to: item.to, label: item.label, exact: item.to === '/console' }));
  return (
    <AppShell area="Console" home="/console" nav={nav} navLabel="Console">
      {/* .console scopes the console's styles (console.css) away from the portal. */}
      <div className="console">
        <p className="console-role">
          Your role:{' '}
          <strong data-testid="console-role">
            {role ? (roleLabels[role] ?? role) : 'API key'}
          </strong>
          {role && roleNotes[role] ? (
            <span className="console-role-note"> — {roleNotes[role]}</span>
          ) : null}
          {me.mode === 'test' ? <span className="badge badge-warn">Test mode</span> : null}
        </p>
        <Outlet />
      </div>
    </AppShell>
  );
}
