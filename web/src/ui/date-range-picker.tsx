import { useState } from 'react';
import { Field } from './field';

export type RangePreset = '7d' | '30d' | '90d' | 'custom';

/** Calendar days, inclusive both ends, in the viewer's time zone (YYYY-MM-DD). */
export interface DateRange {
  preset: RangePreset;
  from: string;
  to: string;
}

const presets: { key: Exclude<RangePreset, 'custom'>; label: string; days: number }[] = [
  { key: '7d', label: 'Last 7 days', days: 7 },
  { key: '30d', label: 'Last 30 days', days: 30 },
  { key: '90d', label: 'Last 90 days', days: 90 },
];

function isoDate(d: Date): string {
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${m}-${day}`;
}

function parseDate(s: string): Date {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
}

/** The range a preset stands for, ending today. */
export function presetRange(preset: Exclude<RangePreset, 'custom'>, today = new Date()): DateRange {
  const days = presets.find((p) => p.key === preset)?.days ?? 30;
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  return { preset, from: isoDate(from), to: isoDate(today) };
}

/**
 * The API's half-open [from, to) instants for a range of whole local days:
 * `to` is the start of the day after the last one, so today is included.
 */
export function rangeToQuery(range: DateRange): { from: string; to: string } {
  const to = parseDate(range.to);
  to.setDate(to.getDate() + 1);
  return { from: parseDate(range.from).toISOString(), to: to.toISOString() };
}

/** Presets (last 7/30/90 days) and a custom from–to pair of date fields. */
export function DateRangePicker({
  value,
  onChange,
  label = 'Period',
}: {
  value: DateRange;
  onChange: (range: DateRange) => void;
  label?: string;
}) {
  const [draft, setDraft] = useState({ from: value.from, to: value.to });
  const invalid = !draft.from || !draft.to || draft.from > draft.to;

  return (
    <div className="date-range">
      <fieldset>
        <legend>{label}</legend>
        <div className="segmented">
          {presets.map((p) => (
            <button
              key={p.key}
              type="button"
              aria-pressed={value.preset === p.key}
              onClick={() => onChange(presetRange(p.key))}
            >
              {p.label}
            </button>
          ))}
          <button
            type="button"
            aria-pressed={value.preset === 'custom'}
            onClick={() => {
              setDraft({ from: value.from, to: value.to });
              onChange({ ...value, preset: 'custom' });
            }}
          >
            Custom
          </button>
        </div>
      </fieldset>
      {value.preset === 'custom' ? (
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            if (!invalid) onChange({ preset: 'custom', from: draft.from, to: draft.to });
          }}
        >
          <Field label="Start date">
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
          <Field label="End date">
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
          <button type="submit" disabled={invalid}>
            Apply
          </button>
          {invalid && draft.from && draft.to ? (
            <p className="field-error" role="alert">
              The start date must be on or before the end date.
            </p>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
