import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, call } from '../../api/client';
import { formatMoney } from '../../ui/format';
import type { Page, Payout } from '../models';
import { Section } from '../section';
import { useInFlight } from '../use-in-flight';
import { usePartnerNames } from '../use-partner-names';
import { payoutErrorMessage } from './payout-errors';
import { railLabel } from './payout-status';

/** Records one sent payout as paid (with the bank reference) or failed (with the reason). */
export function PayoutOutcomeForm({ runId }: { runId: string }) {
  const id = useId();
  const queryClient = useQueryClient();
  const partnerName = usePartnerNames();
  const sent = useQuery({
    queryKey: ['payout-run', runId, 'payouts', 'sent'],
    queryFn: () =>
      call<Page<Payout>>(
        api.GET('/v1/payouts', {
          params: { query: { run_id: runId, status: 'sent', limit: 1000 } },
        }),
      ).then((r) => r.data),
  });
  const [payoutId, setPayoutId] = useState('');
  const [outcome, setOutcome] = useState<'settle' | 'fail'>('settle');
  const [note, setNote] = useState('');
  const flight = useInFlight();
  const record = useMutation({
    mutationFn: () =>
      outcome === 'settle'
        ? call<Payout>(
            api.POST('/v1/payouts/{id}/settle', {
              params: { path: { id: payoutId } },
              body: { reference: note.trim() },
            }),
          )
        : call<Payout>(
            api.POST('/v1/payouts/{id}/fail', {
              params: { path: { id: payoutId } },
              body: { reason: note.trim() },
            }),
          ),
    onSettled: flight.end,
    onSuccess: () => {
      setNote('');
      setPayoutId('');
      return queryClient.invalidateQueries({ queryKey: ['payout-run', runId] });
    },
  });
  const list = sent.data ?? [];
  if (list.length === 0) return null;
  return (
    <Section title="Record one payout by hand">
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (payoutId && note.trim() && flight.begin()) record.mutate();
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-payout`}>Payout</label>
          <select
            id={`${id}-payout`}
            value={payoutId}
            onChange={(e) => setPayoutId(e.target.value)}
          >
            <option value="">Choose a sent payout</option>
            {list.map((p) => (
              <option key={p.id} value={p.id}>
                {partnerName(p.partner_id)} — {formatMoney(p.amount, p.currency)} (
                {railLabel(p.rail)})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-outcome`}>Outcome</label>
          <select
            id={`${id}-outcome`}
            value={outcome}
            onChange={(e) => setOutcome(e.target.value as 'settle' | 'fail')}
          >
            <option value="settle">Paid</option>
            <option value="fail">Failed (money returns to the balance)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-note`}>
            {outcome === 'settle' ? 'Bank or payment reference' : 'Reason it failed'}
          </label>
          <input
            id={`${id}-note`}
            value={note}
            maxLength={500}
            onChange={(e) => setNote(e.target.value)}
          />
        </div>
        <button
          type="submit"
          className="primary"
          disabled={record.isPending || !payoutId || !note.trim()}
        >
          Record outcome
        </button>
      </form>
      <div aria-live="polite">
        {record.isSuccess ? (
          <div className="notice notice-ok">
            <p>
              Recorded: {partnerName(record.data.partner_id)}'s payout is{' '}
              {record.data.status === 'settled' ? 'paid' : record.data.status}.
            </p>
          </div>
        ) : null}
        {record.isError ? (
          <div className="notice notice-error" role="alert">
            <p>{payoutErrorMessage(record.error)}</p>
          </div>
        ) : null}
      </div>
    </Section>
  );
}
