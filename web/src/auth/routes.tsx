import { type AnyRoute, createRoute, useSearch } from '@tanstack/react-router';
import { safeNext } from './safe-next';
import { SignInPage } from './sign-in-page';
import { VerifyPage } from './verify-page';

interface SignInSearch {
  next?: string;
  token?: string;
}

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

function validateSearch(s: Record<string, unknown>): SignInSearch {
  return { next: text(s.next), token: text(s.token) };
}

function SignInRoute() {
  const { next } = useSearch({ strict: false }) as SignInSearch;
  return <SignInPage next={safeNext(next)} />;
}

function VerifyRoute() {
  const { token, next } = useSearch({ strict: false }) as SignInSearch;
  return <VerifyPage token={token ?? ''} next={safeNext(next)} />;
}

/** /sign-in and /sign-in/verify (the page a sign-in mail links to). */
export function signInRoutes(root: AnyRoute) {
  return [
    createRoute({
      getParentRoute: () => root,
      path: 'sign-in',
      validateSearch,
      component: SignInRoute,
    }),
    createRoute({
      getParentRoute: () => root,
      path: 'sign-in/verify',
      validateSearch,
      component: VerifyRoute,
    }),
  ];
}
