import type { ErrorCode, Issue } from '../core/errors.js';
import type { IncomingEvent } from '../core/event-input.js';
import type { Tx } from './transaction.js';

type Rejection = { code: ErrorCode; message: string; issues: Issue[] };

/**
 * Resolves the campaign each `campaign.touch` names by its code and sets its
 * id on the event (stored in `events.campaign_id`). A code no campaign has
 * is refused (`unknown_campaign`), and so is a delivering partner who does
 * not run the campaign. Whether the campaign was running at the touch is
 * decided at derivation, from its window and status: a touch stored now
 * counts once the campaign is approved.
 */
export async function resolveCampaignTouches(
  tx: Tx,
  items: readonly { index: number; event: IncomingEvent }[],
): Promise<Map<number, Rejection>> {
  const rejected = new Map<number, Rejection>();
  const codes = [...new Set(items.map((i) => i.event.campaignCode as string))];
  if (codes.length === 0) return rejected;
  const campaigns = await tx
    .selectFrom('campaigns')
    .select(['id', 'code'])
    .where('code', 'in', codes)
    .execute();
  const byCode = new Map(campaigns.map((c) => [c.code, c.id]));
  const members = campaigns.length
    ? await tx
        .selectFrom('campaign_partners')
        .select(['campaign_id', 'partner_id'])
        .where(
          'campaign_id',
          'in',
          campaigns.map((c) => c.id),
        )
        .execute()
    : [];
  const runs = new Set(members.map((m) => `${m.campaign_id}\u001f${m.partner_id}`));
  for (const i of items) {
    const code = i.event.campaignCode as string;
    const id = byCode.get(code);
    if (!id) {
      rejected.set(i.index, {
        code: 'unknown_campaign',
        message: `campaign: no campaign has the code ${code}`,
        issues: [{ path: 'campaign', message: `no campaign has the code ${code}` }],
      });
      continue;
    }
    const partner = i.event.touchPartnerId;
    if (partner !== undefined && !runs.has(`${id}\u001f${partner}`)) {
      rejected.set(i.index, {
        code: 'validation_failed',
        message: `partner_id: ${partner} does not run campaign ${code}`,
        issues: [{ path: 'partner_id', message: 'not a partner of this campaign' }],
      });
      continue;
    }
    i.event.campaignId = id;
  }
  return rejected;
}
