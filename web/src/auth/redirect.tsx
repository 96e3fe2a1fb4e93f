import { useRouter } from '@tanstack/react-router';
import { useCallback, useLayoutEffect, useRef } from 'react';

/**
 * Goes to an app path given as a string that may carry a query
 * ("/portal/earnings?after=…"), as `next` does: `navigate({href})` keeps the
 * query, where `navigate({to})` takes a route path.
 */
export function useGoTo() {
  const router = useRouter();
  return useCallback(
    (path: string, opts: { replace?: boolean } = {}) =>
      router.navigate({ href: path, replace: opts.replace ?? false }),
    [router],
  );
}

/**
 * Replaces the current entry with `to` once rendered (a redirect). Only once
 * per mount: while the router moves, the page that redirects may render
 * again with the new location, and must not redirect from there too.
 */
export function Redirect({ to }: { to: string }) {
  const goTo = useGoTo();
  const done = useRef(false);
  // A layout effect, like the router's own <Navigate>: it runs before the
  // router's first load settles, which would otherwise keep the old location.
  useLayoutEffect(() => {
    if (done.current) return;
    done.current = true;
    void goTo(to, { replace: true });
  }, [goTo, to]);
  return null;
}

/** The sign-in page's address that brings the visitor back to `next`. */
export function signInPath(next?: string): string {
  return next && next !== '/' ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in';
}
