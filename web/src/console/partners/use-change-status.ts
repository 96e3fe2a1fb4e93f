import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Partner, PartnerStatus } from '../../api/partners';
import { useIdempotencyKey } from '../use-idempotency-key';

/**
 * POST /v1/partners/{id}/status with a reason, under one Idempotency-Key per
 * submission. The outcome is told here rather than per call: a decided
 * application leaves the queue, and its row (the caller) with it.
 */
export function useChangeStatus(
  onChanged: (partner: Partner) => void,
  onFailed: (error: unknown) => void,
) {
  const queryClient = useQueryClient();
  const idem = useIdempotencyKey();
  const mutation = useMutation({
    mutationFn: (v: { id: string; status: PartnerStatus; reason?: string | undefined }) =>
      call<Partner>(
        api.POST('/v1/partners/{id}/status', {
          params: { path: { id: v.id } },
          body: { status: v.status, ...(v.reason ? { reason: v.reason } : {}) },
          headers: { 'Idempotency-Key': idem.current() },
        }),
      ),
    onSettled: (_data, error) => {
      idem.settle(error ?? undefined);
      if (!error) return;
      onFailed(error);
      // A refusal often means the page was stale: show the status as it is now.
      return queryClient.invalidateQueries({ queryKey: ['partners'] });
    },
    onSuccess: (partner) => {
      onChanged(partner);
      queryClient.setQueryData(['partner', partner.id], partner);
      return queryClient.invalidateQueries({ queryKey: ['partners'] });
    },
  });
  /** Sends the change unless one is already on its way. */
  const submit: typeof mutation.mutate = (vars, options) => {
    if (idem.begin()) mutation.mutate(vars, options);
  };
  return { ...mutation, submit };
}
