import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorNotice, Loading } from './states';

/**
 * What a query shows until it has an answer: that it is loading, or why it
 * failed with a Try again button. For a component that returns early:
 * `if (!q.isSuccess) return <QueryFallback query={q} loading="Loading…" />;`
 */
export function QueryFallback({ query, loading }: { query: UseQueryResult; loading?: string }) {
  if (query.isError) return <ErrorNotice error={query.error} retry={() => query.refetch()} />;
  return <Loading label={loading} />;
}

/**
 * Loading, an error (with a retry) or the data of one query; for a list,
 * `empty` (what no items means) in place of an empty one.
 */
export function QueryView<T>({
  query,
  loading,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  loading?: string;
  empty?: T extends readonly unknown[] ? ReactNode : never;
  children: (data: T) => ReactNode;
}) {
  if (!query.isSuccess) return <QueryFallback query={query} loading={loading} />;
  if (empty !== undefined && Array.isArray(query.data) && query.data.length === 0) {
    return <>{empty}</>;
  }
  return <>{children(query.data)}</>;
}
