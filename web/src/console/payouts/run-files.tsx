import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { PayoutRunFile } from '../../api/payouts';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { railLabel } from './payout-status';

/**
 * The upload files of a sent run, one per file rail and currency. They are
 * plain links: the browser downloads with the session cookie, and each file
 * holds only payouts still waiting for their outcome.
 */
export function RunFiles({ runId }: { runId: string }) {
  const files = useQuery({
    queryKey: ['payout-run', runId, 'files'],
    queryFn: () =>
      call<{ data: PayoutRunFile[] }>(
        api.GET('/v1/payout-runs/{id}/files', { params: { path: { id: runId } } }),
      ).then((r) => r.data),
  });
  return (
    <Section title="Files to upload">
      <QueryView
        query={files}
        loading="Loading files…"
        empty={
          <EmptyState title="No files">
            <p>No payout of this run waits on PayPal, Wise or a CSV upload.</p>
          </EmptyState>
        }
      >
        {(list) => (
          <ul className="console-files">
            {list.map((f) => (
              <li key={`${f.rail}-${f.currency}`}>
                <a className="button" href={f.path} download>
                  Download {railLabel(f.rail)} file ({f.currency})
                </a>{' '}
                <span className="muted">
                  {f.payouts} {f.payouts === 1 ? 'payout' : 'payouts'}; upload it once to{' '}
                  {f.rail === 'csv' ? 'your provider' : railLabel(f.rail)}.
                </span>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </Section>
  );
}
