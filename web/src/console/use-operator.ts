import type { Scope } from '../api/api-keys';
import type { Me } from '../api/models';
import { can, useMe } from '../auth/use-me';

/**
 * The signed-in operator inside the console (the layout renders pages only
 * once `me` is loaded) and what their role allows.
 */
export function useOperator(): { me: Me; may: (scope: Scope) => boolean } {
  const me = useMe().data as Me;
  return { me, may: (scope) => can(me, scope) };
}
