import { type AnyRoute, createRoute } from '@tanstack/react-router';

function SignIn() {
  return (
    <main className="page narrow">
      <h1>Sign in</h1>
    </main>
  );
}

export function signInRoutes(root: AnyRoute) {
  return [createRoute({ getParentRoute: () => root, path: 'sign-in', component: SignIn })];
}
