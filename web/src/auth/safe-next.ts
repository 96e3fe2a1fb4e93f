/**
 * Where to go after signing in: `next` when it is a path inside this app
 * (one leading slash, so never `//evil.example` or `/\evil.example`) and not
 * the sign-in pages themselves; otherwise the start page.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !/^\/(?![/\\])/.test(next)) return '/';
  if (next === '/sign-in' || next.startsWith('/sign-in/') || next.startsWith('/sign-in?')) {
    return '/';
  }
  return next;
}
