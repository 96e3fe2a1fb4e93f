import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useId, useState } from 'react';
import { ApiError, api, call } from '../../api/client';
import { messageOf } from '../../api/messages';
import type { PayoutRun } from '../../api/payouts';
import type { Program } from '../../api/programs';
import { Field } from '../../ui/field';
import { FormCard } from '../../ui/form-card';
import { Notice } from '../../ui/notice';
import { useIdempotencyKey } from '../use-idempotency-key';

const periodPattern = /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/;

/**
 * Creates a run for an ended period: it claims every eligible partner's
 * available balance. The API refuses a second run for the same period, and
 * the button is off while a request is out, so a double click makes one run.
 */
export function CreateRunForm({ programs }: { programs: Program[] }) {
  const id = useId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const idem = useIdempotencyKey();
  const [program, setProgram] = useState(programs[0]?.key ?? '');
  const [period, setPeriod] = useState('');
  const create = useMutation({
    mutationFn: () =>
      call<PayoutRun>(
        api.POST('/v1/payout-runs', {
          body: { program, ...(period.trim() ? { period: period.trim() } : {}) },
          headers: { 'Idempotency-Key': idem.current() },
        }),
      ),
    onSettled: (_d, error) => idem.settle(error ?? undefined),
    onSuccess: async (run) => {
      await queryClient.invalidateQueries({ queryKey: ['payout-runs'] });
      await navigate({ to: '/console/payout-runs/$runId', params: { runId: run.id } });
    },
  });
  const badPeriod = period.trim() !== '' && !periodPattern.test(period.trim());
  const existing =
    create.error instanceof ApiError && typeof create.error.problem.run_id === 'string'
      ? create.error.problem.run_id
      : null;

  return (
    <FormCard
      title="Create a payout run"
      level={2}
      onSubmit={() => {
        if (!badPeriod && program && idem.begin()) create.mutate();
      }}
    >
      <div className="form-row">
        <Field label="Program">
          {(control) => (
            <select {...control} value={program} onChange={(e) => setProgram(e.target.value)}>
              {programs.map((p) => (
                <option key={p.id} value={p.key}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {/* Its hint spans the form, under the row: it turns into the error. */}
        <Field label="Period (optional)" invalid={badPeriod} describedBy={`${id}-period-hint`}>
          {(control) => (
            <input
              {...control}
              value={period}
              placeholder="2026-10 or 2026-Q4"
              onChange={(e) => setPeriod(e.target.value)}
            />
          )}
        </Field>
        <button
          type="submit"
          className="primary"
          disabled={create.isPending || badPeriod || !program}
        >
          {create.isPending ? 'Creating…' : 'Create payout run'}
        </button>
      </div>
      <p id={`${id}-period-hint`} className={badPeriod ? 'field-error' : 'field-hint'}>
        {badPeriod
          ? 'Write a month as 2026-10 or a quarter as 2026-Q4.'
          : 'A month (2026-10) or a quarter (2026-Q4) that has ended. Empty: the last ended period.'}
      </p>
      {create.isError ? (
        <Notice tone="error">
          Not created. {messageOf(create.error)}{' '}
          {existing ? (
            <Link to="/console/payout-runs/$runId" params={{ runId: existing }}>
              Open that run
            </Link>
          ) : null}
        </Notice>
      ) : null}
    </FormCard>
  );
}
