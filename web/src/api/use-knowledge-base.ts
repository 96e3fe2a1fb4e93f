import { useQuery } from '@tanstack/react-query';
import { api, call } from './client';
import type { KbPage, KbPageSummary } from './knowledge-base';

/** The knowledge base pages the signed-in person may read, in reading order. */
export function useKbPages() {
  return useQuery({
    queryKey: ['kb', 'pages'],
    queryFn: () => call<{ data: KbPageSummary[] }>(api.GET('/v1/kb')),
    select: (r) => r.data,
  });
}

/** One page with its Markdown. */
export function useKbPage(slug: string) {
  return useQuery({
    queryKey: ['kb', 'page', slug],
    queryFn: () => call<KbPage>(api.GET('/v1/kb/{slug}', { params: { path: { slug } } })),
  });
}
