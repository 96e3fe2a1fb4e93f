import { type AnyRoute, createRoute } from '@tanstack/react-router';

function Portal() {
  return (
    <main className="page">
      <h1>Partner portal</h1>
    </main>
  );
}

export function portalRoute(root: AnyRoute) {
  return createRoute({ getParentRoute: () => root, path: 'portal', component: Portal });
}
