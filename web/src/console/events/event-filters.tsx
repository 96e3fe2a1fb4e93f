import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { type EventType, eventTypes } from '../../api/explorer';
import { Field } from '../../ui/field';
import { humanize } from '../../ui/format';
import { PartnerSelect } from '../partners/partner-select';
import type { EventsSearch } from './events-search';

/**
 * The explorer's filters. Applying them writes the URL (a filtered list can
 * be linked, and the back button undoes a filter); the page remounts this
 * form with `key` when the URL changes, so its fields follow.
 */
export function EventFilters({ search }: { search: EventsSearch }) {
  const navigate = useNavigate({ from: '/console/events' });
  const [draft, setDraft] = useState({
    customer: search.customer ?? '',
    partner: search.partner ?? '',
    type: search.type ?? '',
    from: search.from ?? '',
    to: search.to ?? '',
  });
  const badRange = draft.from !== '' && draft.to !== '' && draft.from > draft.to;
  const filtered = Object.values(search).some(Boolean);
  return (
    <form
      className="form-row console-filters events-filters"
      aria-label="Filter events"
      onSubmit={(e) => {
        e.preventDefault();
        if (badRange) return;
        navigate({
          search: {
            customer: draft.customer.trim() || undefined,
            partner: draft.partner || undefined,
            type: (draft.type || undefined) as EventType | undefined,
            from: draft.from || undefined,
            to: draft.to || undefined,
          },
        });
      }}
    >
      <Field label="Customer id">
        {(control) => (
          <input
            {...control}
            value={draft.customer}
            placeholder="the id your events carry"
            onChange={(e) => setDraft({ ...draft, customer: e.target.value })}
          />
        )}
      </Field>
      <Field label="Partner">
        {(control) => (
          <PartnerSelect
            control={control}
            value={draft.partner}
            any="Any partner"
            onChange={(partner) => setDraft({ ...draft, partner })}
          />
        )}
      </Field>
      <Field label="Type">
        {(control) => (
          <select
            {...control}
            value={draft.type}
            onChange={(e) => setDraft({ ...draft, type: e.target.value })}
          >
            <option value="">Any type</option>
            {eventTypes.map((t) => (
              <option key={t} value={t}>
                {humanize(t.replace('.', ' '))}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="From (day)">
        {(control) => (
          <input
            {...control}
            type="date"
            value={draft.from}
            max={draft.to || undefined}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        )}
      </Field>
      <Field
        label="To (day, included)"
        error={badRange ? 'The last day must be on or after the first.' : undefined}
      >
        {(control) => (
          <input
            {...control}
            type="date"
            value={draft.to}
            min={draft.from || undefined}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        )}
      </Field>
      <button type="submit" className="primary" disabled={badRange}>
        Show events
      </button>
      {filtered ? (
        <button type="button" onClick={() => navigate({ search: {} })}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
