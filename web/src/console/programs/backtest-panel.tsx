import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, call } from '../../api/client';
import type { BacktestReport, Program } from '../../api/programs';
import { Field } from '../../ui/field';
import { Section } from '../../ui/section';
import { ErrorNotice } from '../../ui/states';
import { utcDaysAgo } from '../format';
import { BacktestResult } from './backtest-result';
import type { Draft } from './use-draft';

type TierMode = 'auto' | 'recorded' | 'simulate';

/** Replays a past period under the draft and sets it beside what the current terms paid. */
export function BacktestPanel({ program, draft }: { program: Program; draft: Draft }) {
  const [from, setFrom] = useState(utcDaysAgo(90));
  const [to, setTo] = useState(utcDaysAgo(1));
  const [tiers, setTiers] = useState<TierMode>('auto');
  const [check, setCheck] = useState(true);
  const abort = useRef<AbortController | null>(null);
  const run = useMutation({
    mutationFn: (terms: Record<string, unknown>) => {
      abort.current = new AbortController();
      return call<BacktestReport>(
        api.POST('/v1/programs/{program}/backtest', {
          params: { path: { program: program.key } },
          body: { terms, from, to, tiers, check },
          signal: abort.current.signal,
        }),
      );
    },
  });
  const badRange = !from || !to || from > to;
  const unusable = !draft.parsed?.ok || draft.validation.state === 'invalid';

  return (
    <Section title="Backtest the draft">
      <p className="muted small">
        Replays the stored events of a past period under the draft, as if it had been in force, and
        compares it with what the ledger holds. Nothing is written.
      </p>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (run.isPending || badRange || unusable || !draft.parsed?.ok) return;
          run.mutate(draft.parsed.terms);
        }}
      >
        <Field label="From (UTC day)">
          {(control) => (
            <input
              {...control}
              type="date"
              value={from}
              max={to}
              onChange={(e) => setFrom(e.target.value)}
            />
          )}
        </Field>
        <Field label="To (UTC day, included)">
          {(control) => (
            <input
              {...control}
              type="date"
              value={to}
              min={from}
              onChange={(e) => setTo(e.target.value)}
            />
          )}
        </Field>
        <Field label="Tiers">
          {(control) => (
            <select
              {...control}
              value={tiers}
              onChange={(e) => setTiers(e.target.value as TierMode)}
            >
              <option value="auto">Automatic</option>
              <option value="recorded">As partners held them</option>
              <option value="simulate">Simulated under the draft</option>
            </select>
          )}
        </Field>
        <div className="field">
          <label className="console-check">
            <input type="checkbox" checked={check} onChange={(e) => setCheck(e.target.checked)} />{' '}
            Also check the current terms against the ledger
          </label>
        </div>
        <button type="submit" className="primary" disabled={run.isPending || badRange || unusable}>
          {run.isPending ? 'Running…' : 'Run backtest'}
        </button>
        {run.isPending ? (
          <button type="button" onClick={() => abort.current?.abort()}>
            Stop
          </button>
        ) : null}
      </form>
      {badRange ? (
        <p className="field-error">The start day must be on or before the end day.</p>
      ) : null}
      {unusable ? <p className="muted small">Fix the draft above to run a backtest.</p> : null}
      <div aria-live="polite">
        {run.isPending ? (
          <p role="status" className="loading">
            Replaying the period under the draft; large periods take a minute…
          </p>
        ) : run.isError ? (
          <ErrorNotice error={run.error} />
        ) : run.data ? (
          <BacktestResult report={run.data} />
        ) : null}
      </div>
    </Section>
  );
}
