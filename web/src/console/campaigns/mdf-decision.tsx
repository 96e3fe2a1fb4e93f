import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { MdfRequest } from '../../api/campaigns';
import { api, call } from '../../api/client';
import { messageOf } from '../../api/messages';
import { Field } from '../../ui/field';
import { formatDate, formatMoney } from '../../ui/format';
import { useIdempotencyKey } from '../use-idempotency-key';

type Decision = 'approve' | 'reject';

const amountPattern = /^\d{1,15}(\.\d{1,3})?$/;

/**
 * A fund request (approve all or part, or reject) or a claim with its proof
 * (reimburse all or part, or reject), with a note the partner reads.
 */
export function MdfDecision({
  request: r,
  partnerName,
  canDecide,
}: {
  request: MdfRequest;
  partnerName: string;
  canDecide: boolean;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const idem = useIdempotencyKey();
  const claim = r.status === 'claimed';
  const full = (claim ? r.claimed : r.requested) ?? '';
  const [amount, setAmount] = useState(full);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const decide = useMutation({
    mutationFn: (d: Decision) => {
      const headers = { 'Idempotency-Key': idem.current() };
      const path = { id: r.id };
      const trimmed = note.trim();
      if (d === 'reject')
        return call<MdfRequest>(
          claim
            ? api.POST('/v1/mdf/requests/{id}/claim/reject', {
                params: { path },
                body: { note: trimmed },
                headers,
              })
            : api.POST('/v1/mdf/requests/{id}/reject', {
                params: { path },
                body: { note: trimmed },
                headers,
              }),
        );
      const body = {
        ...(amount !== full ? { amount } : {}),
        ...(trimmed ? { note: trimmed } : {}),
      };
      return call<MdfRequest>(
        claim
          ? api.POST('/v1/mdf/requests/{id}/claim/approve', { params: { path }, body, headers })
          : api.POST('/v1/mdf/requests/{id}/approve', { params: { path }, body, headers }),
      );
    },
    onSettled: (_d, error) => idem.settle(error ?? undefined),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['mdf-requests'] }),
        queryClient.invalidateQueries({ queryKey: ['mdf-pools'] }),
      ]),
  });
  function submit(d: Decision) {
    if (d === 'reject' && !note.trim()) return setProblem('Write a note: the partner reads why.');
    if (d === 'approve' && !amountPattern.test(amount))
      return setProblem('Write the amount as a number such as 750.00.');
    setProblem(null);
    if (idem.begin()) decide.mutate(d);
  }
  const what = claim ? 'claim' : 'request';
  return (
    <article className="card" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        {partnerName}: {claim ? 'claim for reimbursement' : 'request for funds'}
      </h3>
      <p>{r.description}</p>
      <dl className="facts small">
        <dt>Requested</dt>
        <dd>{formatMoney(r.requested, r.currency)}</dd>
        {r.approved ? (
          <>
            <dt>Approved</dt>
            <dd>{formatMoney(r.approved, r.currency)}</dd>
          </>
        ) : null}
        {claim && r.claimed ? (
          <>
            <dt>Claimed</dt>
            <dd>{formatMoney(r.claimed, r.currency)}</dd>
          </>
        ) : null}
        {r.claim_deadline ? (
          <>
            <dt>Claim by</dt>
            <dd>{formatDate(r.claim_deadline)}</dd>
          </>
        ) : null}
      </dl>
      {claim && r.proof ? (
        <div className="small">
          <p>
            <strong>Proof</strong>
          </p>
          <ul>
            {(r.proof.links ?? []).map((l) => (
              <li key={l}>
                <a href={l} rel="noreferrer noopener" target="_blank">
                  {l}
                </a>
              </li>
            ))}
            {(r.proof.invoices ?? []).map((i) => (
              <li key={i}>{i}</li>
            ))}
          </ul>
          {r.proof.results ? <p>{r.proof.results}</p> : null}
        </div>
      ) : null}
      {canDecide ? (
        <>
          <div className="form-row">
            <Field label={`${claim ? 'Reimburse' : 'Approve'} (${r.currency})`}>
              {(control) => (
                <input
                  {...control}
                  inputMode="decimal"
                  value={amount}
                  onChange={(e) => setAmount(e.target.value)}
                />
              )}
            </Field>
          </div>
          <Field label="Note for the partner">
            {(control) => (
              <textarea
                {...control}
                rows={2}
                value={note}
                onChange={(e) => setNote(e.target.value)}
              />
            )}
          </Field>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={decide.isPending}
              onClick={() => submit('approve')}
            >
              {claim ? 'Approve claim' : 'Approve request'}
            </button>
            <button
              type="button"
              className="danger"
              disabled={decide.isPending}
              onClick={() => submit('reject')}
            >
              Reject {what}
            </button>
          </div>
          {problem ? <p className="field-error">{problem}</p> : null}
          {decide.isError ? (
            <p className="field-error" role="alert">
              Not decided. {messageOf(decide.error)}
            </p>
          ) : null}
        </>
      ) : (
        <p className="muted small">
          Deciding MDF needs the MDF approval right (finance, owner, admin).
        </p>
      )}
    </article>
  );
}
