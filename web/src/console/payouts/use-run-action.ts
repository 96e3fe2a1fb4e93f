import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { PayoutRun } from '../../api/payouts';

/** Approve, send or cancel a run; the run and its payouts are read again after. */
export function useRunAction(runId: string) {
  const queryClient = useQueryClient();
  const path = { params: { path: { id: runId } } };
  return useMutation({
    mutationFn: (
      action: { kind: 'approve' } | { kind: 'send' } | { kind: 'cancel'; reason: string },
    ) => {
      switch (action.kind) {
        case 'approve':
          return call<PayoutRun>(api.POST('/v1/payout-runs/{id}/approve', path));
        case 'send':
          return call<PayoutRun>(api.POST('/v1/payout-runs/{id}/send', path));
        case 'cancel':
          return call<PayoutRun>(
            api.POST('/v1/payout-runs/{id}/cancel', { ...path, body: { reason: action.reason } }),
          );
      }
    },
    onSuccess: (run) => {
      queryClient.setQueryData(['payout-run', runId], run);
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['payout-run', runId] }),
        queryClient.invalidateQueries({ queryKey: ['payout-runs'] }),
      ]),
  });
}
