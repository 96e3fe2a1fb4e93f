import { useState } from 'react';
import { messageOf } from '../../api/messages';
import type { Partner, PartnerStatus } from '../../api/partners';
import { Field } from '../../ui/field';
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
  const change = useChangeStatus(
    (p) => {
      setAsking(null);
      setReason('');
      onResult({ ok: true, text: changedMessage(p.name, p.status) });
    },
    (error) =>
      onResult({ ok: false, text: `Could not change ${partner.name}. ${messageOf(error)}` }),
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
          <Field
            label={`Reason to ${asked.label.toLowerCase()} ${partner.name}`}
            error={reasonError}
          >
            {(control) => (
              <textarea
                {...control}
                rows={2}
                maxLength={1000}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                // biome-ignore lint/a11y/noAutofocus: the form opens on the person's click to type the reason
                autoFocus
              />
            )}
          </Field>
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
