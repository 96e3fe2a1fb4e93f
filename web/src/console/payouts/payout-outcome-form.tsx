import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { messageOf } from '../../api/messages';
import type { Page } from '../../api/models';
import type { Payout } from '../../api/payouts';
import { Field } from '../../ui/field';
import { formatMoney } from '../../ui/format';
import { Notice } from '../../ui/notice';
import { Section } from '../../ui/section';
import { useInFlight } from '../use-in-flight';
import { usePartnerNames } from '../use-partner-names';
import { railLabel } from './payout-status';

/** Records one sent payout as paid (with the bank reference) or failed (with the reason). */
export function PayoutOutcomeForm({ runId }: { runId: string }) {
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
        <Field label="Payout">
          {(control) => (
            <select {...control} value={payoutId} onChange={(e) => setPayoutId(e.target.value)}>
              <option value="">Choose a sent payout</option>
              {list.map((p) => (
                <option key={p.id} value={p.id}>
                  {partnerName(p.partner_id)} — {formatMoney(p.amount, p.currency)} (
                  {railLabel(p.rail)})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Outcome">
          {(control) => (
            <select
              {...control}
              value={outcome}
              onChange={(e) => setOutcome(e.target.value as 'settle' | 'fail')}
            >
              <option value="settle">Paid</option>
              <option value="fail">Failed (money returns to the balance)</option>
            </select>
          )}
        </Field>
        <Field label={outcome === 'settle' ? 'Bank or payment reference' : 'Reason it failed'}>
          {(control) => (
            <input
              {...control}
              value={note}
              maxLength={500}
              onChange={(e) => setNote(e.target.value)}
            />
          )}
        </Field>
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
          <Notice tone="ok">
            Recorded: {partnerName(record.data.partner_id)}'s payout is{' '}
            {record.data.status === 'settled' ? 'paid' : record.data.status}.
          </Notice>
        ) : null}
        {record.isError ? <Notice tone="error">{messageOf(record.error)}</Notice> : null}
      </div>
    </Section>
  );
}
