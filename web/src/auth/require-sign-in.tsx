import { useRouterState } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { Me } from '../api/models';
import { ErrorNotice, Loading } from '../ui/states';
import { Redirect, signInPath } from './redirect';
import { useMe } from './use-me';

/**
 * Renders `children(me)` for a signed-in caller; sends a signed-out visitor
 * to /sign-in with `next` = the page they asked for, so signing in brings
 * them back.
 */
export function RequireSignIn({ children }: { children: (me: Me) => ReactNode }) {
  const me = useMe();
  // The page asked for, not a location the router is already moving to.
  const href = useRouterState({ select: (s) => (s.resolvedLocation ?? s.location).href });
  if (me.isPending) return <Loading />;
  if (me.isError) {
    return (
      <main className="page narrow">
        <ErrorNotice error={me.error} retry={() => me.refetch()} />
      </main>
    );
  }
  if (!me.data) return <Redirect to={signInPath(href)} />;
  return <>{children(me.data)}</>;
}
