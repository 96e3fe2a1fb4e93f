import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { Program } from '../api/programs';
import type { ProgramNames } from './explain-accrual';

/** The programs the partner is in, with the terms in force and those coming. */
export function usePartnerPrograms(partnerId: string) {
  return useQuery({
    queryKey: ['portal', 'programs', partnerId],
    queryFn: () =>
      call<{ data: Program[] }>(
        api.GET('/v1/partners/{id}/programs', { params: { path: { id: partnerId } } }),
      ),
    select: (r) => r.data,
    staleTime: 5 * 60_000,
  });
}

/** Program names by id, for sentences that name the program. */
export function programNames(programs: Program[] | undefined): ProgramNames {
  return Object.fromEntries((programs ?? []).map((p) => [p.id, p.name]));
}
