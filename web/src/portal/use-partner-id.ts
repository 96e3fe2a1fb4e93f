import { useMe } from '../auth/use-me';

/**
 * The signed-in partner's id. Only for pages inside the portal layout, which
 * renders them for a partner user alone.
 */
export function usePartnerId(): string {
  const me = useMe();
  const id = me.data?.partner_id;
  if (!id) throw new Error('usePartnerId outside the portal layout');
  return id;
}
