import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { messageOf } from '../api/messages';

/** A loading state that screen readers announce. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}

/** An error in words a non-engineer understands (never a stack trace). */
export function ErrorNotice({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="notice notice-error" role="alert">
      <p>{messageOf(error)}</p>
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** What an empty list means and what to do next. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}

export function NotFound() {
  return (
    <main className="page narrow">
      <h1>Page not found</h1>
      <p>
        This page does not exist. <Link to="/">Go to the start page</Link>.
      </p>
    </main>
  );
}
