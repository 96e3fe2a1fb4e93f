import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  Navigate,
  Outlet,
} from '@tanstack/react-router';
import { signInRoutes } from './auth/routes';
import { useMe } from './auth/use-me';
import { consoleRoute } from './console/routes';
import { portalRoute } from './portal/routes';
import { ErrorNotice, Loading, NotFound } from './ui/states';

export interface RouterContext {
  queryClient: QueryClient;
}

export const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFound,
});

/** `/`: the console for an operator, the portal for a partner, else sign-in. */
function Home() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorNotice error={me.error} />;
  if (!me.data) return <Navigate to="/sign-in" />;
  return <Navigate to={me.data.partner_id === null ? '/console' : '/portal'} />;
}

const homeRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: Home });

const routeTree = rootRoute.addChildren([
  homeRoute,
  ...signInRoutes(rootRoute),
  portalRoute(rootRoute),
  consoleRoute(rootRoute),
]);

export function makeRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    // Shown in place of a page whose code is still on its way (after a second).
    defaultPendingComponent: Loading,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof makeRouter>;
  }
}
