import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Campaign, CampaignStatus } from '../../api/campaigns';
import { api, call } from '../../api/client';
import { messageOf } from '../../api/messages';
import type { StatusResult } from '../status-notice';
import { useInFlight } from '../use-in-flight';

const verbs: Partial<Record<CampaignStatus, string>> = {
  approved: 'Approve',
  live: 'Mark live',
  completed: 'Mark completed',
  reported: 'Mark reported',
  rejected: 'Reject',
  cancelled: 'Cancel',
};

/** The moves a campaign allows now (its `next_statuses`), as buttons. */
export function CampaignActions({
  campaign,
  onResult,
}: {
  campaign: Campaign;
  onResult: (result: StatusResult) => void;
}) {
  const queryClient = useQueryClient();
  const flight = useInFlight();
  const move = useMutation({
    mutationFn: (status: CampaignStatus) =>
      call<Campaign>(
        api.POST('/v1/campaigns/{id}/status', {
          params: { path: { id: campaign.id } },
          body: { status },
        }),
      ),
    onSettled: flight.end,
    onSuccess: (c) => {
      onResult({ ok: true, text: `${c.name} is ${c.status} now.` });
      return queryClient.invalidateQueries({ queryKey: ['campaigns'] });
    },
    onError: (e) =>
      onResult({ ok: false, text: `${campaign.name} was not changed: ${messageOf(e)}` }),
  });
  if (campaign.next_statuses.length === 0) return <span className="muted">—</span>;
  return (
    <span className="actions">
      {campaign.next_statuses.map((s) => (
        <button
          key={s}
          type="button"
          className={s === 'rejected' || s === 'cancelled' ? 'small danger' : 'small'}
          disabled={move.isPending}
          aria-label={`${verbs[s] ?? s} ${campaign.name}`}
          onClick={() => flight.begin() && move.mutate(s)}
        >
          {verbs[s] ?? s}
        </button>
      ))}
    </span>
  );
}
