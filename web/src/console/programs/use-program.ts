import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Program } from '../../api/programs';

/** One program (by id or key) with every version. */
export function useProgram(program: string) {
  return useQuery({
    queryKey: ['program', program],
    queryFn: () =>
      call<Program>(api.GET('/v1/programs/{program}', { params: { path: { program } } })),
  });
}
