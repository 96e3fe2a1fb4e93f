import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, call } from '../api/client';
import type { IntegrationDetail, MilestoneStatus, Submission } from '../api/integrations';
import { messageOf } from '../api/messages';
import { useIdempotencyKey } from '../console/use-idempotency-key';
import { Badge, type Tone } from '../ui/badge';
import { Field } from '../ui/field';
import { FormCard } from '../ui/form-card';
import { formatDate } from '../ui/format';
import { Notice } from '../ui/notice';
import { QueryFallback } from '../ui/query-view';

const submissionWords: Record<Submission['status'], string> = {
  pending: 'Waiting for review',
  approved: 'Approved',
  rejected: 'Not accepted',
};
const submissionTone: Record<Submission['status'], Tone> = {
  pending: 'info',
  approved: 'ok',
  rejected: 'danger',
};

/** Milestones a person can submit for: reviewed ones that are open now, or done (a renewal). */
function reviewable(detail: IntegrationDetail): MilestoneStatus[] {
  return detail.milestones.filter((m) => m.completed_by !== 'event' && m.status !== 'locked');
}

/** The milestone to offer first: the first open one on the path, else one to renew. */
function nextMilestone(detail: IntegrationDetail): MilestoneStatus | undefined {
  const open = reviewable(detail);
  return open.find((m) => m.status === 'available') ?? open.at(-1);
}

function SubmissionList({
  submissions,
  names,
}: {
  submissions: Submission[];
  names: Map<string, string>;
}) {
  if (submissions.length === 0) return <p className="muted">Nothing submitted yet.</p>;
  return (
    <ul aria-label="Your submissions">
      {submissions.slice(0, 5).map((s) => (
        <li key={s.id}>
          <Badge tone={submissionTone[s.status]}>{submissionWords[s.status]}</Badge>{' '}
          <strong>{names.get(s.milestone) ?? s.milestone}</strong>
          <span className="muted"> submitted {formatDate(s.submitted_at)}</span>
          {s.reviewed_at ? (
            <span className="muted">, reviewed {formatDate(s.reviewed_at)}</span>
          ) : null}
          {s.comment ? <span>: “{s.comment}”</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** Words for a refused submission, naming the milestone where the API says which. */
function refusal(error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'milestone_out_of_order':
        return `This milestone comes later on the path: ${error.detail}. Finish the earlier milestones first.`;
      case 'submission_pending':
        return 'This milestone already has a submission waiting for review. You can send another once it has been reviewed.';
      case 'milestone_completed_by_other':
        return 'This milestone is completed automatically by your integration’s events, not by review.';
      case 'unknown_milestone':
        return 'This milestone is not on your program’s path.';
      case 'partner_not_approved':
        return 'Your partnership is not approved yet, so evidence cannot be submitted.';
    }
  }
  return messageOf(error);
}

/**
 * Evidence for the integration's next reviewed milestone (or a renewal of a
 * done one), with the submissions already sent and their reviews.
 */
export function EvidenceForm({ detail }: { detail: IntegrationDetail }) {
  const client = useQueryClient();
  const names = new Map(detail.milestones.map((m) => [m.id, m.name]));
  const options = reviewable(detail);
  const [milestone, setMilestone] = useState(() => nextMilestone(detail)?.id ?? '');
  const [links, setLinks] = useState('');
  const [notes, setNotes] = useState('');
  const [testRun, setTestRun] = useState('');
  const [issues, setIssues] = useState<Record<string, string>>({});
  const idem = useIdempotencyKey();
  const submissions = useQuery({
    queryKey: ['portal', 'submissions', detail.id],
    queryFn: () =>
      call<{ data: Submission[] }>(
        api.GET('/v1/integrations/{id}/submissions', {
          params: { path: { id: detail.id }, query: { limit: 20 } },
        }),
      ).then((r) => r.data),
  });
  const submit = useMutation({
    mutationFn: () => {
      const linkList = links
        .split(/\s+/)
        .map((l) => l.trim())
        .filter(Boolean);
      return call<Submission>(
        api.POST('/v1/integrations/{id}/submissions', {
          params: { path: { id: detail.id } },
          headers: { 'Idempotency-Key': idem.current() },
          body: {
            milestone,
            evidence: {
              ...(linkList.length > 0 ? { links: linkList } : {}),
              ...(notes.trim() ? { notes: notes.trim() } : {}),
              ...(testRun.trim() ? { test_run_id: testRun.trim() } : {}),
            },
          },
        }),
      );
    },
    onMutate: () => setIssues({}),
    onSuccess: async () => {
      idem.settle();
      setLinks('');
      setNotes('');
      setTestRun('');
      await client.invalidateQueries({ queryKey: ['portal', 'submissions', detail.id] });
      await client.invalidateQueries({ queryKey: ['portal', 'integration', detail.id] });
    },
    onError: (error) => {
      idem.settle(error);
      if (error instanceof ApiError) {
        const byField: Record<string, string> = {};
        for (const i of error.issues) {
          const key = i.path.replace(/^body\.(evidence\.)?/, '').replace(/\[\d+\]$|\.\d+$/, '');
          byField[key] = i.message;
        }
        setIssues(byField);
      }
    },
  });
  if (options.length === 0) return null;
  const chosen = options.find((m) => m.id === milestone);
  const pending = submissions.data?.find(
    (s) => s.milestone === milestone && s.status === 'pending',
  );
  return (
    <>
      <h3>Submissions</h3>
      {submissions.isSuccess ? (
        <SubmissionList submissions={submissions.data} names={names} />
      ) : (
        <QueryFallback query={submissions} loading="Loading your submissions…" />
      )}
      <FormCard
        title="Submit evidence for review"
        onSubmit={() => {
          if (idem.begin()) submit.mutate();
        }}
      >
        <p className="muted small">
          Send what shows the milestone is reached: links to docs or a screencast, notes for the
          reviewer, or the id of a passing test run. Your program manager reviews it.
        </p>
        <Field
          label="Milestone"
          hint={
            chosen?.status === 'completed'
              ? 'Done already: submitting again renews it (re-certification).'
              : chosen
                ? 'The next milestone on your path.'
                : undefined
          }
          error={issues.milestone}
        >
          {(p) => (
            <select {...p} value={milestone} onChange={(e) => setMilestone(e.target.value)}>
              {options.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                  {m.status === 'completed' ? ' (renewal)' : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Links"
          hint="One address per line (https://…), up to 20."
          error={issues.links}
        >
          {(p) => (
            <textarea {...p} rows={2} value={links} onChange={(e) => setLinks(e.target.value)} />
          )}
        </Field>
        <Field label="Notes for the reviewer" error={issues.notes}>
          {(p) => (
            <textarea {...p} rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} />
          )}
        </Field>
        <Field
          label="Test run id"
          hint="Optional: a CI run that passed."
          error={issues.test_run_id}
        >
          {(p) => <input {...p} value={testRun} onChange={(e) => setTestRun(e.target.value)} />}
        </Field>
        {pending ? (
          <Notice tone="info">
            A submission for this milestone is waiting for review (sent{' '}
            {formatDate(pending.submitted_at)}).
          </Notice>
        ) : null}
        <div aria-live="polite">
          {submit.isError ? <Notice tone="error">{refusal(submit.error)}</Notice> : null}
          {submit.isSuccess ? (
            <Notice tone="ok">
              Submitted: {names.get(submit.data.milestone) ?? submit.data.milestone} is waiting for
              review.
            </Notice>
          ) : null}
        </div>
        <button type="submit" disabled={submit.isPending || !milestone}>
          {submit.isPending ? 'Submitting…' : 'Submit evidence'}
        </button>
      </FormCard>
    </>
  );
}
