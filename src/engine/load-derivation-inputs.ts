import { RUNNING_STATUSES } from '../core/campaign.js';
import type { TandemEvent } from '../core/event.js';
import type { CampaignRecord, ClickRecord, CodeRecord } from '../core/touch.js';
import { eventFromRow } from '../store/event-rows.js';
import { toBool, toNumber, toOptionalNumber } from '../store/values.js';
import { chunks, type Db, type Tx } from './transaction.js';

/**
 * What deriving customers reads besides programs, in bulk: their events and
 * the clicks and codes those events quote. The live engine and the backtest
 * load through here, so they read the same records the same way.
 */
export interface CustomerInputs {
  events: Map<string, TandemEvent[]>;
  clicks: Map<string, ClickRecord>;
  /** By normalized code. */
  codes: Map<string, CodeRecord>;
  /** The campaigns the events' touches and clicks name, by id. */
  campaigns: Map<string, CampaignRecord>;
}

/**
 * Every event of these customers (also later ones: a later event can quote a
 * click older than the customer's first events), and the clicks and codes
 * they quote — of one program only when `programId` is given (touches of other
 * programs never attribute in it).
 */
export async function loadCustomerInputs(
  db: Db | Tx,
  customerIds: readonly string[],
  opts: { programId?: string; chunk?: number } = {},
): Promise<CustomerInputs> {
  const size = opts.chunk ?? 500;
  const events = new Map<string, TandemEvent[]>();
  const clickIds = new Set<string>();
  const codeIds = new Set<string>();
  const campaignIds = new Set<string>();
  for (const part of chunks([...customerIds], size)) {
    const rows = await db
      .selectFrom('events')
      .selectAll()
      .where('customer_id', 'in', part)
      // Usage by an install names it as customer; it is the integration's, not the customer's.
      .where('integration_id', 'is', null)
      .execute();
    for (const r of rows) {
      const e = eventFromRow(r);
      const list = events.get(e.customerId);
      if (list) list.push(e);
      else events.set(e.customerId, [e]);
      if (r.click_id) clickIds.add(r.click_id);
      if (r.referral_code) codeIds.add(r.referral_code);
      if (r.coupon) codeIds.add(r.coupon);
      if (r.campaign_id) campaignIds.add(r.campaign_id);
    }
  }
  const clicks = new Map<string, ClickRecord>();
  for (const part of chunks([...clickIds], size)) {
    let q = db
      .selectFrom('clicks')
      .leftJoin('links', 'links.id', 'clicks.link_id')
      .select([
        'clicks.id',
        'clicks.link_id',
        'clicks.program_id',
        'clicks.partner_id',
        'clicks.occurred_at',
        'clicks.bot',
        'links.campaign_id',
      ])
      .where('clicks.id', 'in', part);
    if (opts.programId) q = q.where('clicks.program_id', '=', opts.programId);
    for (const c of await q.execute()) {
      if (c.campaign_id) campaignIds.add(c.campaign_id);
      clicks.set(c.id, {
        id: c.id,
        linkId: c.link_id,
        programId: c.program_id,
        partnerId: c.partner_id,
        occurredAt: toNumber(c.occurred_at),
        bot: toBool(c.bot),
        ...(c.campaign_id ? { campaignId: c.campaign_id } : {}),
      });
    }
  }
  const codes = new Map<string, CodeRecord>();
  for (const part of chunks([...codeIds], size)) {
    let q = db.selectFrom('codes').selectAll().where('code', 'in', part);
    if (opts.programId) q = q.where('program_id', '=', opts.programId);
    for (const c of await q.execute())
      codes.set(c.code, {
        code: c.display,
        kind: c.kind as CodeRecord['kind'],
        programId: c.program_id,
        partnerId: c.partner_id,
        createdAt: toNumber(c.created_at),
        disabledAt: toOptionalNumber(c.disabled_at),
      });
  }
  return { events, clicks, codes, campaigns: await loadCampaignRecords(db, [...campaignIds]) };
}

/** Campaigns as attribution reads them, with their partners. */
export async function loadCampaignRecords(
  db: Db | Tx,
  ids: readonly string[],
): Promise<Map<string, CampaignRecord>> {
  const out = new Map<string, CampaignRecord>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('campaigns')
    .select(['id', 'code', 'program_id', 'starts_at', 'ends_at', 'status', 'holdout_bps'])
    .where('id', 'in', [...ids])
    .execute();
  const members = await db
    .selectFrom('campaign_partners')
    .select(['campaign_id', 'partner_id', 'role'])
    .where('campaign_id', 'in', [...ids])
    .orderBy('partner_id')
    .execute();
  // The lead first: a touch of the whole campaign is the lead's when one partner wins.
  members.sort((a, b) => (a.role === b.role ? 0 : a.role === 'lead' ? -1 : 1));
  const history = await db
    .selectFrom('campaign_status_history')
    .select(['campaign_id', 'status', 'at'])
    .where('campaign_id', 'in', [...ids])
    .where('status', 'in', ['approved', 'cancelled'])
    .execute();
  const approved = new Set(
    history.filter((h) => h.status === 'approved').map((h) => h.campaign_id),
  );
  const cancelledAt = new Map(
    history.filter((h) => h.status === 'cancelled').map((h) => [h.campaign_id, toNumber(h.at)]),
  );
  for (const r of rows)
    out.set(r.id, {
      id: r.id,
      code: r.code,
      programId: r.program_id,
      partnerIds: members.filter((m) => m.campaign_id === r.id).map((m) => m.partner_id),
      startsAt: toNumber(r.starts_at),
      endsAt: toNumber(r.ends_at),
      // A campaign cancelled after approval keeps the touches it had made.
      running:
        (RUNNING_STATUSES as readonly string[]).includes(r.status) ||
        (r.status === 'cancelled' && approved.has(r.id)),
      ...(cancelledAt.has(r.id) ? { cancelledAt: cancelledAt.get(r.id) as number } : {}),
      holdoutBps: Number(r.holdout_bps),
    });
  return out;
}
