import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { Page } from '../api/models';
import type { Partner } from '../api/partners';

/**
 * Partner names for tables that carry only ids (payouts, holds, ledger).
 * Reads the first 500 partners once a minute; a partner beyond them shows
 * its id, which still links to its page.
 */
export function usePartnerNames(): (id: string) => string {
  const partners = useQuery({
    queryKey: ['partners', 'names'],
    queryFn: () =>
      call<Page<Partner>>(api.GET('/v1/partners', { params: { query: { limit: 500 } } })).then(
        (r) => new Map(r.data.map((p) => [p.id, p.name])),
      ),
    staleTime: 60_000,
  });
  return (id) => partners.data?.get(id) ?? id;
}
