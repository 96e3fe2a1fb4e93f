import { useId, useState } from 'react';
import { ApiError } from '../../api/client';
import { messageOf } from '../../api/messages';
import type { Partner, PartnerStatus } from '../models';
import type { StatusResult } from '../status-notice';
import { changedMessage, statusActions } from './partner-status';
import { useChangeStatus } from './use-change-status';

/**
 * The status changes a partner allows, as buttons. Approving or reinstating
 * happens on the click; rejecting, suspending and banning first ask for the
 * reason, which the partner and the audit log keep.
 */
export function StatusActions({
  partner,
  onResult,
}: {
  partner: Partner;
  /** Told in words what happened, for the page's message (the row may be gone by then). */
  onResult: (result: StatusResult) => void;
}) {
  const id = useId();
  const change = useChangeStatus(
    (p) => {
      setAsking(null);
      setReason('');
      onResult({ ok: true, text: changedMessage(p.name, p.status) });
    },
    (error) =>
      onResult({ ok: false, text: `Could not change ${partner.name}: ${statusError(error)}` }),
  );
  const [asking, setAsking] = useState<PartnerStatus | null>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const actions = statusActions[partner.status];
  if (actions.length === 0) return null;

  function submit(to: PartnerStatus, why?: string) {
    change.submit({ id: partner.id, status: to, reason: why });
  }

  const asked = actions.find((a) => a.to === asking);
  return (
    <div className="console-status-actions">
      {asked ? (
        <form
          className="console-reason-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!reason.trim()) {
              setReasonError('Write a reason: the partner sees it.');
              return;
            }
            setReasonError(null);
            submit(asked.to, reason.trim());
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-reason`}>
              Reason to {asked.label.toLowerCase()} {partner.name}
            </label>
            <textarea
              id={`${id}-reason`}
              rows={2}
              maxLength={1000}
              value={reason}
              aria-invalid={reasonError ? true : undefined}
              aria-describedby={reasonError ? `${id}-reason-error` : undefined}
              onChange={(e) => setReason(e.target.value)}
              // biome-ignore lint/a11y/noAutofocus: the form opens on the person's click to type the reason
              autoFocus
            />
            {reasonError ? (
              <p id={`${id}-reason-error`} className="field-error">
                {reasonError}
              </p>
            ) : null}
          </div>
          <div className="actions">
            <button type="submit" className="danger" disabled={change.isPending}>
              {change.isPending ? 'Saving…' : `${asked.label} ${partner.name}`}
            </button>
            <button
              type="button"
              onClick={() => {
                setAsking(null);
                setReasonError(null);
                change.reset();
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="actions">
          {actions.map((a) => (
            <button
              key={a.to}
              type="button"
              className={a.needsReason ? 'small danger' : 'small primary'}
              disabled={change.isPending}
              aria-label={`${a.label} ${partner.name}`}
              onClick={() => (a.needsReason ? setAsking(a.to) : submit(a.to))}
            >
              {a.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

/** A refused change in words; a stale page is the usual cause of a refused transition. */
function statusError(error: unknown): string {
  if (error instanceof ApiError && error.code === 'invalid_partner_transition') {
    const from = error.problem.from;
    return typeof from === 'string'
      ? `it is ${from} now (someone may have decided it meanwhile), and that change is not possible from there. The list shows its current status.`
      : messageOf(error);
  }
  return messageOf(error);
}
