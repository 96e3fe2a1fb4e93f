import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, call } from '../../api/client';
import { TableScroll } from '../../ui/table-scroll';
import { type FileRail, fileRails, type ResultImport } from '../models';
import { Section } from '../section';
import { useInFlight } from '../use-in-flight';
import { payoutErrorMessage } from './payout-errors';
import { railLabel } from './payout-status';

const outcomeWords = {
  settled: 'Paid',
  failed: 'Failed',
  unchanged: 'Already recorded',
  error: 'Not applied',
} as const;

/**
 * A provider's result file (PayPal's report, Wise's export, the generic CSV)
 * settles or fails each payout. "Check file" reads it without writing, so a
 * person sees what it will do first; importing a file twice changes nothing.
 */
export function ResultsImport({ runId }: { runId: string }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [rail, setRail] = useState<FileRail>('paypal');
  const [text, setText] = useState('');
  const [mode, setMode] = useState<'check' | 'import'>('check');
  const flight = useInFlight();
  const results = useMutation({
    mutationFn: (dryRun: boolean) =>
      call<ResultImport>(
        api.POST('/v1/payout-runs/{id}/results', {
          params: { path: { id: runId } },
          body: { rail, text, dry_run: dryRun },
        }),
      ),
    onSettled: flight.end,
    onSuccess: (_r, dryRun) =>
      dryRun ? undefined : queryClient.invalidateQueries({ queryKey: ['payout-run', runId] }),
  });

  function submit(dryRun: boolean) {
    if (!text.trim() || !flight.begin()) return;
    setMode(dryRun ? 'check' : 'import');
    results.mutate(dryRun);
  }

  return (
    <Section title="Record settlement results">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit(false);
        }}
      >
        <div className="form-row">
          <div className="field">
            <label htmlFor={`${id}-rail`}>Payment provider</label>
            <select
              id={`${id}-rail`}
              value={rail}
              onChange={(e) => setRail(e.target.value as FileRail)}
            >
              {fileRails.map((r) => (
                <option key={r} value={r}>
                  {r === 'csv' ? 'Generic CSV' : railLabel(r)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-file`}>Result file</label>
            <input
              id={`${id}-file`}
              type="file"
              accept=".csv,text/csv,text/plain"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (file) setText(await file.text());
              }}
            />
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-text`}>Or paste its contents</label>
          <textarea
            id={`${id}-text`}
            className="console-code"
            rows={6}
            value={text}
            spellCheck={false}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <div className="actions">
          <button
            type="button"
            disabled={results.isPending || !text.trim()}
            onClick={() => submit(true)}
          >
            Check file
          </button>
          <button type="submit" className="primary" disabled={results.isPending || !text.trim()}>
            Import results
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {results.isPending ? <p className="loading">Reading the file…</p> : null}
        {results.isError ? (
          <div className="notice notice-error" role="alert">
            <p>{payoutErrorMessage(results.error)}</p>
          </div>
        ) : null}
        {results.data ? <ImportReport report={results.data} checked={mode === 'check'} /> : null}
      </div>
    </Section>
  );
}

function ImportReport({ report, checked }: { report: ResultImport; checked: boolean }) {
  return (
    <>
      <div className={report.errors > 0 ? 'notice notice-warn' : 'notice notice-ok'}>
        <p>
          {checked ? 'Checked, nothing recorded yet: ' : 'Imported: '}
          {report.applied} {checked ? 'would be recorded' : 'recorded'}, {report.unchanged} already
          recorded, {report.errors} {report.errors === 1 ? 'row' : 'rows'} not applied.
        </p>
      </div>
      <TableScroll label="Result file rows">
        <table>
          <thead>
            <tr>
              <th scope="col" className="num">
                Line
              </th>
              <th scope="col">Payout</th>
              <th scope="col">Outcome</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((r) => (
              <tr key={r.line}>
                <td className="num">{r.line}</td>
                <td className="mono">{r.payout_id ?? '—'}</td>
                <td>{outcomeWords[r.outcome]}</td>
                <td>{r.message ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}
