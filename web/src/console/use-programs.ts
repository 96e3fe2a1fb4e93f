import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { Program } from '../api/programs';

/** Every program with its versions (few: the list is cached for a minute). */
export function usePrograms() {
  return useQuery({
    queryKey: ['programs'],
    queryFn: () => call<{ data: Program[] }>(api.GET('/v1/programs')).then((r) => r.data),
    staleTime: 60_000,
  });
}

/** A program's name for an id (falls back to the id while loading or when unknown). */
export function useProgramName(): (id: string) => string {
  const programs = usePrograms();
  return (id) => programs.data?.find((p) => p.id === id || p.key === id)?.name ?? id;
}
