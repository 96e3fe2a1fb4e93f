import { useQuery } from '@tanstack/react-query';

/**
 * The YAML library, loaded on the first page that needs it (program terms)
 * so the rest of the app does not download it. YAML is a superset of JSON,
 * so one parser reads both.
 */
export function useYaml() {
  return useQuery({
    queryKey: ['module', 'yaml'],
    queryFn: () => import('yaml'),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
  });
}

export type YamlModule = typeof import('yaml');
