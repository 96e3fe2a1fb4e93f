import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, call } from '../../api/client';
import { EmptyState } from '../../ui/states';
import type { Program, VersionDiff } from '../models';
import { QueryView } from '../query-view';
import { Section } from '../section';

/** A value of a change, short and readable (a rule, a number, a list). */
function show(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

const changeWords = { added: 'Added', removed: 'Removed', changed: 'Changed' } as const;

/** What changes between two published versions, in plain terms. */
export function VersionDiffPanel({ program }: { program: Program }) {
  const id = useId();
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
        <div className="field">
          <label htmlFor={`${id}-from`}>From version</label>
          <select id={`${id}-from`} value={from} onChange={(e) => setFrom(Number(e.target.value))}>
            {numbers.map((n) => (
              <option key={n} value={n}>
                Version {n}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To version</label>
          <select id={`${id}-to`} value={to} onChange={(e) => setTo(Number(e.target.value))}>
            {numbers.map((n) => (
              <option key={n} value={n}>
                Version {n}
              </option>
            ))}
          </select>
        </div>
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
