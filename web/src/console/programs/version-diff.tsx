import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Program, VersionDiff } from '../../api/programs';
import { Field } from '../../ui/field';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';

/** A value of a change, short and readable (a rule, a number, a list). */
function show(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

const changeWords = { added: 'Added', removed: 'Removed', changed: 'Changed' } as const;

function VersionField({
  label,
  numbers,
  value,
  onChange,
}: {
  label: string;
  numbers: number[];
  value: number;
  onChange: (version: number) => void;
}) {
  return (
    <Field label={label}>
      {(control) => (
        <select {...control} value={value} onChange={(e) => onChange(Number(e.target.value))}>
          {numbers.map((n) => (
            <option key={n} value={n}>
              Version {n}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** What changes between two published versions, in plain terms. */
export function VersionDiffPanel({ program }: { program: Program }) {
  const numbers = program.versions.map((v) => v.number);
  const latest = numbers.at(-1) ?? 1;
  const [from, setFrom] = useState(numbers.at(-2) ?? latest);
  const [to, setTo] = useState(latest);
  const [asked, setAsked] = useState<{ from: number; to: number } | null>(null);
  const diff = useQuery({
    queryKey: ['program', program.key, 'diff', asked],
    enabled: asked !== null,
    queryFn: () =>
      call<VersionDiff>(
        api.GET('/v1/programs/{program}/versions/diff', {
          params: { path: { program: program.key }, query: asked ?? {} },
        }),
      ),
  });
  if (numbers.length < 2)
    return (
      <Section title="Compare versions">
        <EmptyState title="Only one version so far">
          <p>Publish another version to compare them.</p>
        </EmptyState>
      </Section>
    );
  return (
    <Section title="Compare versions">
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked({ from, to });
        }}
      >
        <VersionField label="From version" numbers={numbers} value={from} onChange={setFrom} />
        <VersionField label="To version" numbers={numbers} value={to} onChange={setTo} />
        <button type="submit">Compare versions</button>
      </form>
      {asked ? (
        <div aria-live="polite">
          <QueryView query={diff} loading="Comparing…">
            {(d) =>
              d.changes.length === 0 ? (
                <p>
                  Version {d.from.number} and version {d.to.number} have the same terms.
                </p>
              ) : (
                <>
                  <p>
                    From version {d.from.number} to version {d.to.number}: {d.changes.length}{' '}
                    {d.changes.length === 1 ? 'change' : 'changes'}.
                  </p>
                  <ul className="console-changes">
                    {d.changes.map((c) => (
                      <li key={`${c.path}-${c.change}`} className={`console-change-${c.change}`}>
                        <strong>{changeWords[c.change]}:</strong> {c.summary}
                        <details>
                          <summary>Details</summary>
                          <dl className="facts small">
                            <dt>Where</dt>
                            <dd className="mono">{c.path}</dd>
                            {c.change !== 'added' ? (
                              <>
                                <dt>Before</dt>
                                <dd className="mono">{show(c.before)}</dd>
                              </>
                            ) : null}
                            {c.change !== 'removed' ? (
                              <>
                                <dt>After</dt>
                                <dd className="mono">{show(c.after)}</dd>
                              </>
                            ) : null}
                          </dl>
                        </details>
                      </li>
                    ))}
                  </ul>
                </>
              )
            }
          </QueryView>
        </div>
      ) : null}
    </Section>
  );
}
