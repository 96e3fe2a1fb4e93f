import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { ApiError, api, call } from '../../api/client';
import { messageOf } from '../../api/messages';
import { formatDate, formatDateTime } from '../../ui/format';
import type { Program, ProgramVersion } from '../models';
import { useIdempotencyKey } from '../use-idempotency-key';
import { type Draft, issuesOf } from './use-draft';

/** Publish refusals in words: the notice period says when the earliest date is. */
function publishError(error: unknown): string {
  if (error instanceof ApiError) {
    const earliest = error.problem.earliest_effective_from;
    if (error.code === 'notice_period' && typeof earliest === 'string')
      return `The terms in force give partners ${String(error.problem.notice_days)} days' notice: the earliest effective date is ${formatDateTime(earliest)}. Pick that day or later, or leave the date empty.`;
    if (error.code === 'version_in_past')
      return 'A new version cannot take effect in the past. Pick a later date, or publish a correction with a reason.';
    if (error.code === 'invalid_program')
      return `The terms are invalid: ${issuesOf(error)
        .map((i) => `${i.path} ${i.message}`)
        .join('; ')}`;
  }
  return messageOf(error);
}

/** Publishes the draft as the next version, from a date or as a correction. */
export function PublishForm({ program, draft }: { program: Program; draft: Draft }) {
  const id = useId();
  const queryClient = useQueryClient();
  const idem = useIdempotencyKey();
  const [effective, setEffective] = useState('');
  const [correction, setCorrection] = useState(false);
  const [reason, setReason] = useState('');
  const [published, setPublished] = useState<ProgramVersion | null>(null);
  const publish = useMutation({
    mutationFn: (terms: Record<string, unknown>) =>
      call<ProgramVersion>(
        api.POST('/v1/programs/{program}/versions', {
          params: { path: { program: program.key } },
          body: {
            terms,
            ...(effective ? { effective_from: effective } : {}),
            ...(correction ? { correction: true, reason: reason.trim() } : {}),
          },
          headers: { 'Idempotency-Key': idem.current() },
        }),
      ),
    onSettled: (_d, error) => idem.settle(error ?? undefined),
    onSuccess: async (version) => {
      setPublished(version);
      draft.discard(version.terms);
      await queryClient.invalidateQueries({ queryKey: ['program', program.key] });
      await queryClient.invalidateQueries({ queryKey: ['programs'] });
    },
  });
  const blocked =
    draft.validation.state === 'invalid' ||
    draft.validation.state === 'unreadable' ||
    !draft.parsed?.ok;
  const reasonMissing = correction && !reason.trim();

  return (
    <form
      className="card console-publish"
      aria-labelledby={`${id}-h`}
      onSubmit={(e) => {
        e.preventDefault();
        if (blocked || reasonMissing || !draft.parsed?.ok || !idem.begin()) return;
        setPublished(null);
        publish.mutate(draft.parsed.terms);
      }}
    >
      <h3 id={`${id}-h`}>Publish</h3>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-date`}>Effective from (00:00 UTC)</label>
          <input
            id={`${id}-date`}
            type="date"
            value={effective}
            onChange={(e) => setEffective(e.target.value)}
            aria-describedby={`${id}-date-hint`}
          />
          <p id={`${id}-date-hint`} className="field-hint">
            Empty: the earliest day the notice period allows.
          </p>
        </div>
        <div className="field">
          <label className="console-check">
            <input
              type="checkbox"
              checked={correction}
              onChange={(e) => setCorrection(e.target.checked)}
            />{' '}
            A correction (may take effect in the past)
          </label>
        </div>
      </div>
      {correction ? (
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason for the correction</label>
          <textarea
            id={`${id}-reason`}
            rows={2}
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={reasonMissing ? true : undefined}
          />
          {reasonMissing ? <p className="field-error">A correction needs a reason.</p> : null}
        </div>
      ) : null}
      <div className="actions">
        <button
          type="submit"
          className="primary"
          disabled={publish.isPending || blocked || reasonMissing}
        >
          {publish.isPending ? 'Publishing…' : 'Publish version'}
        </button>
        {blocked ? <span className="muted small">Fix the draft first.</span> : null}
      </div>
      <div aria-live="polite">
        {published ? (
          <div className="notice notice-ok">
            <p>
              Version {published.number} is published, effective from{' '}
              {formatDateTime(published.effective_from)}
              {published.status === 'upcoming'
                ? ` (in ${Math.max(0, Math.ceil((Date.parse(published.effective_from) - Date.now()) / 86_400_000))} days)`
                : ''}
              .
            </p>
          </div>
        ) : null}
        {publish.isError ? (
          <div className="notice notice-error" role="alert">
            <p>Not published. {publishError(publish.error)}</p>
          </div>
        ) : null}
      </div>
      <p className="muted small">
        Published versions cannot be changed. Today is {formatDate(new Date())}.
      </p>
    </form>
  );
}
