import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { messageOf } from '../../api/messages';
import { type FileRail, fileRails, type ResultImport } from '../../api/payouts';
import { DataTable } from '../../ui/data-table';
import { Field } from '../../ui/field';
import { Notice } from '../../ui/notice';
import { Section } from '../../ui/section';
import { useInFlight } from '../use-in-flight';
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
          <Field label="Payment provider">
            {(control) => (
              <select
                {...control}
                value={rail}
                onChange={(e) => setRail(e.target.value as FileRail)}
              >
                {fileRails.map((r) => (
                  <option key={r} value={r}>
                    {r === 'csv' ? 'Generic CSV' : railLabel(r)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Result file">
            {(control) => (
              <input
                {...control}
                type="file"
                accept=".csv,text/csv,text/plain"
                onChange={async (e) => {
                  const file = e.target.files?.[0];
                  if (file) setText(await file.text());
                }}
              />
            )}
          </Field>
        </div>
        <Field label="Or paste its contents">
          {(control) => (
            <textarea
              {...control}
              className="console-code"
              rows={6}
              value={text}
              spellCheck={false}
              onChange={(e) => setText(e.target.value)}
            />
          )}
        </Field>
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
        {results.isError ? <Notice tone="error">{messageOf(results.error)}</Notice> : null}
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
      <DataTable
        label="Result file rows"
        columns={[{ label: 'Line', numeric: true }, 'Payout', 'Outcome', 'Why']}
      >
        {report.rows.map((r) => (
          <tr key={r.line}>
            <td className="num">{r.line}</td>
            <td className="mono">{r.payout_id ?? '—'}</td>
            <td>{outcomeWords[r.outcome]}</td>
            <td>{r.message ?? '—'}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
