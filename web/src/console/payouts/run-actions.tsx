import { useId, useState } from 'react';
import { messageOf } from '../../api/messages';
import type { PayoutRun } from '../../api/payouts';
import { Field } from '../../ui/field';
import { Notice } from '../../ui/notice';
import { useInFlight } from '../use-in-flight';
import { useOperator } from '../use-operator';
import { useRunAction } from './use-run-action';

const done = {
  approve: 'The run is approved. It can be sent now.',
  send: 'The run is sent: Stripe payouts are made, file and manual payouts are handed over.',
  cancel: 'The run is canceled; its money is back in the partners’ available balances.',
};

/** What can be done with the run now, by this role: approve, send, cancel. */
export function RunActions({ run }: { run: PayoutRun }) {
  const id = useId();
  const { may } = useOperator();
  const action = useRunAction(run.id);
  const flight = useInFlight();
  const [canceling, setCanceling] = useState(false);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const canApprove = run.status === 'pending' && may('payouts:approve');
  const canSend = (run.status === 'approved' || run.status === 'sending') && may('payouts:write');
  const canCancel = (run.status === 'pending' || run.status === 'approved') && may('payouts:write');

  function act(a: Parameters<typeof action.mutate>[0]) {
    if (!flight.begin()) return;
    setMessage(null);
    action.mutate(a, {
      onSettled: flight.end,
      onSuccess: () => {
        setMessage(done[a.kind]);
        setCanceling(false);
        setReason('');
      },
    });
  }

  const waiting =
    run.status === 'pending' && !may('payouts:approve')
      ? 'This run waits for approval by someone with the right to approve payouts.'
      : run.status === 'approved' && !may('payouts:write')
        ? 'This run is approved and waits to be sent by finance.'
        : null;

  return (
    <div className="card console-run-actions">
      <h2 id={`${id}-h`}>Next step</h2>
      {run.status === 'pending' ? (
        <p>
          This program needs a second person to approve each run (four eyes): the person who created
          it cannot approve it.
        </p>
      ) : null}
      {waiting ? <p className="muted">{waiting}</p> : null}
      {!canApprove && !canSend && !canCancel && !waiting ? (
        <p className="muted">
          {run.status === 'sent'
            ? 'Sent. Download the files for the file rails, then record the results below.'
            : run.status === 'settled'
              ? 'Every payout of this run has its outcome.'
              : run.status === 'canceled'
                ? 'This run was canceled.'
                : 'Nothing to do now.'}
        </p>
      ) : null}
      <div className="actions">
        {canApprove ? (
          <button
            type="button"
            className="primary"
            disabled={action.isPending}
            onClick={() => act({ kind: 'approve' })}
          >
            Approve run
          </button>
        ) : null}
        {canSend ? (
          <button
            type="button"
            className="primary"
            disabled={action.isPending}
            onClick={() => act({ kind: 'send' })}
          >
            {run.status === 'sending' ? 'Continue sending' : 'Send run'}
          </button>
        ) : null}
        {canCancel && !canceling ? (
          <button
            type="button"
            className="danger"
            disabled={action.isPending}
            onClick={() => setCanceling(true)}
          >
            Cancel run…
          </button>
        ) : null}
      </div>
      {canceling ? (
        <form
          className="console-reason-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim()) act({ kind: 'cancel', reason: reason.trim() });
          }}
        >
          <Field label="Why cancel this run?">
            {(control) => (
              <textarea
                {...control}
                rows={2}
                maxLength={500}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                // biome-ignore lint/a11y/noAutofocus: opened by the person's click to type the reason
                autoFocus
              />
            )}
          </Field>
          <div className="actions">
            <button type="submit" className="danger" disabled={action.isPending || !reason.trim()}>
              Cancel the run
            </button>
            <button type="button" onClick={() => setCanceling(false)}>
              Keep the run
            </button>
          </div>
        </form>
      ) : null}
      <div aria-live="polite">
        {action.isPending ? <p className="loading">Working…</p> : null}
        {message ? <Notice tone="ok">{message}</Notice> : null}
        {action.isError ? <Notice tone="error">{messageOf(action.error)}</Notice> : null}
      </div>
    </div>
  );
}
