import { useQuery } from '@tanstack/react-query';
import type { Scope } from '../api/api-keys';
import { ApiError, api, call } from '../api/client';
import type { Me } from '../api/models';

/**
 * Who is signed in: an operator (role decides what the console offers) or a
 * partner user. `null` when nobody is (the API answered 401).
 */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async (): Promise<Me | null> => {
      try {
        return await call<Me>(api.GET('/v1/me'));
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

/** Whether the signed-in operator's scopes allow `scope` (admin allows everything). */
export function can(me: Me | null | undefined, scope: Scope): boolean {
  if (!me || me.partner_id !== null) return false;
  return me.scopes.includes('admin') || me.scopes.includes(scope);
}
