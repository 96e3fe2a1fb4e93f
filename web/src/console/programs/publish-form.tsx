import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { messageOf } from '../../api/messages';
import type { Program, ProgramVersion } from '../../api/programs';
import { Field } from '../../ui/field';
import { FormCard } from '../../ui/form-card';
import { formatDate, formatDateTime } from '../../ui/format';
import { Notice } from '../../ui/notice';
import { useIdempotencyKey } from '../use-idempotency-key';
import type { Draft } from './use-draft';

/** Publishes the draft as the next version, from a date or as a correction. */
export function PublishForm({ program, draft }: { program: Program; draft: Draft }) {
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
    <FormCard
      title="Publish"
      className="console-publish"
      onSubmit={() => {
        if (blocked || reasonMissing || !draft.parsed?.ok || !idem.begin()) return;
        setPublished(null);
        publish.mutate(draft.parsed.terms);
      }}
    >
      <div className="form-row">
        <Field
          label="Effective from (00:00 UTC)"
          hint="Empty: the earliest day the notice period allows."
        >
          {(control) => (
            <input
              {...control}
              type="date"
              value={effective}
              onChange={(e) => setEffective(e.target.value)}
            />
          )}
        </Field>
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
        <Field
          label="Reason for the correction"
          error={reasonMissing ? 'A correction needs a reason.' : null}
        >
          {(control) => (
            <textarea
              {...control}
              rows={2}
              maxLength={1000}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          )}
        </Field>
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
          <Notice tone="ok">
            Version {published.number} is published, effective from{' '}
            {formatDateTime(published.effective_from)}
            {published.status === 'upcoming'
              ? ` (in ${Math.max(0, Math.ceil((Date.parse(published.effective_from) - Date.now()) / 86_400_000))} days)`
              : ''}
            .
          </Notice>
        ) : null}
        {publish.isError ? (
          <Notice tone="error">Not published. {messageOf(publish.error)}</Notice>
        ) : null}
      </div>
      <p className="muted small">
        Published versions cannot be changed. Today is {formatDate(new Date())}.
      </p>
    </FormCard>
  );
}
