import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { Page } from '../api/models';
import { ErrorNotice, Loading } from './states';

/**
 * The rows of a cursor-paged list read so far, and a button that reads the
 * next page; loading, an error (with a retry) or `empty` before there are
 * any rows. A failed next page keeps the rows already shown.
 */
export function PagedView<T>({
  query,
  loading,
  empty,
  more,
  children,
}: {
  query: UseInfiniteQueryResult<InfiniteData<Page<T>>>;
  loading: string;
  empty: ReactNode;
  /** The button's words: "Show older lines". */
  more: string;
  children: (rows: T[]) => ReactNode;
}) {
  const rows = query.data?.pages.flatMap((p) => p.data) ?? [];
  if (query.isPending) return <Loading label={loading} />;
  if (query.isError && rows.length === 0) {
    return <ErrorNotice error={query.error} retry={() => query.refetch()} />;
  }
  if (rows.length === 0) return <>{empty}</>;
  return (
    <>
      {children(rows)}
      {query.hasNextPage ? (
        <button
          type="button"
          className="more-button"
          onClick={() => query.fetchNextPage()}
          disabled={query.isFetchingNextPage}
        >
          {query.isFetchingNextPage ? 'Loading…' : more}
        </button>
      ) : null}
    </>
  );
}
