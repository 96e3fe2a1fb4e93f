import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { useGoTo } from './redirect';

/**
 * Ends the session (DELETE /v1/auth/session), forgets every cached answer
 * (they belonged to the person who signed out) and goes to the sign-in page.
 */
export function useSignOut() {
  const queryClient = useQueryClient();
  const goTo = useGoTo();
  return useMutation({
    mutationFn: () => call<unknown>(api.DELETE('/v1/auth/session')),
    onSettled: () => {
      queryClient.clear();
      queryClient.setQueryData(['me'], null);
      goTo('/sign-in');
    },
  });
}
