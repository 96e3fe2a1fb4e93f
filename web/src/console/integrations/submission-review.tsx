import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, call } from '../../api/client';
import type { Submission } from '../../api/integrations';
import { messageOf } from '../../api/messages';
import { Field } from '../../ui/field';
import { formatDateTime, humanize } from '../../ui/format';
import { useIdempotencyKey } from '../use-idempotency-key';

/** One pending submission: its evidence, and approve or reject with a comment. */
export function SubmissionReview({
  submission: s,
  integrationName,
  partnerName,
  canWrite,
  onReviewed,
}: {
  submission: Submission;
  integrationName: string;
  partnerName: string;
  canWrite: boolean;
  onReviewed: (message: string) => void;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const idem = useIdempotencyKey();
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const review = useMutation({
    mutationFn: (decision: 'approve' | 'reject') => {
      const options = {
        params: { path: { id: s.id } },
        body: comment.trim() ? { comment: comment.trim() } : {},
        headers: { 'Idempotency-Key': idem.current() },
      };
      return decision === 'approve'
        ? call<Submission>(api.POST('/v1/integration-submissions/{id}/approve', options))
        : call<Submission>(
            api.POST('/v1/integration-submissions/{id}/reject', {
              ...options,
              body: { comment: comment.trim() },
            }),
          );
    },
    onSettled: (_d, error) => idem.settle(error ?? undefined),
    onSuccess: (r) => {
      onReviewed(
        `${integrationName}: ${humanize(r.milestone).toLowerCase()} ${r.status === 'approved' ? 'approved' : 'rejected'}.`,
      );
      return queryClient.invalidateQueries({ queryKey: ['integration-submissions'] });
    },
  });
  function decide(decision: 'approve' | 'reject') {
    if (decision === 'reject' && !comment.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    if (idem.begin()) review.mutate(decision);
  }
  const links = Array.isArray(s.evidence.links) ? s.evidence.links : [];
  return (
    <article className="card" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        {integrationName}: {humanize(s.milestone)}
      </h3>
      <p className="muted small">
        {partnerName} · submitted {formatDateTime(s.submitted_at)}
      </p>
      {links.length > 0 ? (
        <ul>
          {links.map((l) => (
            <li key={l}>
              <a href={l} rel="noreferrer noopener" target="_blank">
                {l}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {typeof s.evidence.notes === 'string' ? <p>{s.evidence.notes}</p> : null}
      {typeof s.evidence.test_run_id === 'string' ? (
        <p className="small">
          Test run <span className="mono">{s.evidence.test_run_id}</span>
        </p>
      ) : null}
      {canWrite ? (
        <>
          <Field
            label="Comment for the partner"
            error={missing ? 'Say why it is rejected: the partner reads this.' : null}
            hint={missing ? null : 'Optional to approve, needed to reject.'}
          >
            {(control) => (
              <textarea
                {...control}
                rows={2}
                maxLength={5000}
                value={comment}
                onChange={(e) => setComment(e.target.value)}
              />
            )}
          </Field>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={review.isPending}
              aria-label={`Approve ${integrationName}: ${humanize(s.milestone).toLowerCase()}`}
              onClick={() => decide('approve')}
            >
              Approve
            </button>
            <button
              type="button"
              className="danger"
              disabled={review.isPending}
              aria-label={`Reject ${integrationName}: ${humanize(s.milestone).toLowerCase()}`}
              onClick={() => decide('reject')}
            >
              Reject
            </button>
          </div>
          {review.isError ? (
            <p className="field-error" role="alert">
              Not reviewed. {messageOf(review.error)}
            </p>
          ) : null}
        </>
      ) : (
        <p className="muted small">Your role can see submissions but not review them.</p>
      )}
    </article>
  );
}
