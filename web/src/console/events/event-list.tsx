import { useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { api, call } from '../../api/client';
import type { ExplorerEvent } from '../../api/explorer';
import type { Page } from '../../api/models';
import { DataTable } from '../../ui/data-table';
import { formatDateTime, humanize } from '../../ui/format';
import { PagedView } from '../../ui/paged-view';
import { EmptyState } from '../../ui/states';
import { EventDetails } from './event-details';
import { dayStart, type EventsSearch } from './events-search';

/** Events matching the URL's filters, newest first, each row opening its body and what it produced. */
export function EventList({ search }: { search: EventsSearch }) {
  const events = useInfiniteQuery({
    queryKey: ['events', search],
    queryFn: ({ pageParam }) =>
      call<Page<ExplorerEvent>>(
        api.GET('/v1/events', {
          params: {
            query: {
              limit: 25,
              before: pageParam,
              customer_id: search.customer,
              partner_id: search.partner,
              type: search.type,
              from: search.from ? dayStart(search.from) : undefined,
              to: search.to ? dayStart(search.to, true) : undefined,
            },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setOpen(next);
  };
  return (
    <PagedView
      query={events}
      loading="Loading events…"
      empty={
        <EmptyState title="No events match these filters">
          <p>Widen the dates, or clear the customer, partner or type.</p>
        </EmptyState>
      }
      more="Show older events"
    >
      {(rows) => (
        <DataTable
          label="Events"
          columns={[
            'When',
            'Type',
            'Customer',
            'Source',
            'Produced',
            { label: 'Details', hidden: true },
          ]}
        >
          {rows.map((e) => (
            <Fragment key={e.id}>
              <tr>
                <td className="console-nowrap">{formatDateTime(e.occurred_at)}</td>
                <td>{humanize(e.type.replace('.', ' '))}</td>
                <td className="mono">{e.customer_id}</td>
                <td>{humanize(e.source)}</td>
                <td>{producedSummary(e)}</td>
                <td>
                  <button
                    type="button"
                    aria-expanded={open.has(e.id)}
                    aria-controls={`event-${e.id}`}
                    onClick={() => toggle(e.id)}
                  >
                    {open.has(e.id) ? 'Hide' : 'Show'}
                    <span className="visually-hidden"> event {e.id}</span>
                  </button>
                </td>
              </tr>
              {open.has(e.id) ? (
                <tr id={`event-${e.id}`}>
                  <td colSpan={6}>
                    <EventDetails event={e} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </DataTable>
      )}
    </PagedView>
  );
}

function producedSummary(e: ExplorerEvent): string {
  const parts: string[] = [];
  const c = e.produced.conversions.length;
  const a = e.produced.accruals.length;
  if (c > 0) parts.push(`${c} ${c === 1 ? 'conversion' : 'conversions'}`);
  if (a > 0) parts.push(`${a} accrual ${a === 1 ? 'line' : 'lines'}`);
  return parts.length > 0 ? parts.join(', ') : 'Nothing';
}
