import { type AnyRoute, createRoute } from '@tanstack/react-router';

function Console() {
  return (
    <main className="page">
      <h1>Operator console</h1>
    </main>
  );
}

export function consoleRoute(root: AnyRoute) {
  return createRoute({ getParentRoute: () => root, path: 'console', component: Console });
}
