import { TandemError } from '../core/errors.js';
import { toIso } from '../core/time.js';
import { jsonIn, jsonOut, toNumber } from '../store/values.js';
import { audit } from './audit.js';
import { changeCampaignStatus, findCampaign } from './campaigns.js';
import type { Deps } from './deps.js';
import { emitEvent } from './outbox.js';
import { type CampaignReport, readCampaignReport } from './read-campaign-report.js';
import { type Db, inTransaction, type Tx } from './transaction.js';

export interface PublishedReportView {
  id: string;
  campaign_id: string;
  campaign_code: string;
  campaign_name: string;
  program_id: string;
  title: string;
  /** 1 for a campaign's first published report, 2 for the next … */
  version: number;
  published_at: string;
  body?: string;
  /** The campaign-level report as it stood at publication (no partner's own figures). */
  snapshot?: Omit<CampaignReport, 'partners' | 'partner'>;
}

/**
 * Publishes a campaign's report (with a Markdown case study) to the whole
 * partner network: stores a frozen snapshot of the campaign-level report and
 * moves the campaign `completed → reported`, in one transaction. Publishing
 * again once reported adds a new version. Errors: `campaign_not_found`,
 * `invalid_campaign_transition` (the campaign has not completed).
 */
export async function publishCampaignReport(
  deps: Deps,
  idOrCode: string,
  input: { title: string; body: string },
  actor: string,
): Promise<PublishedReportView> {
  return inTransaction(deps, async (tx) => {
    const before = await findCampaign(tx, idOrCode);
    if (before.status !== 'completed' && before.status !== 'reported')
      throw new TandemError(
        'invalid_campaign_transition',
        `campaign ${before.code} is ${before.status}; its report is published once it has completed`,
        { status: before.status, next_statuses: [] },
      );
    if (before.status === 'completed')
      await changeCampaignStatus(deps, before.id, 'reported', actor, `report: ${input.title}`, {
        tx,
      });
    const now = deps.clock.now();
    const c = await findCampaign(tx, before.id);
    // Published to every partner: no partner's figures, and not who ran it by id.
    const {
      partners: _all,
      partner: _own,
      campaign: { partners: _ids, ...campaign },
      ...rest
    } = await readCampaignReport(tx, c, null, now);
    const snapshot = { ...rest, campaign };
    const id = deps.ids.next('crp');
    await tx
      .insertInto('campaign_reports')
      .values({
        id,
        campaign_id: c.id,
        title: input.title,
        body: input.body,
        snapshot: jsonIn(snapshot),
        published_by: actor,
        published_at: now,
      })
      .execute();
    const published = await findCampaignReport(tx, id);
    await audit(deps, tx, {
      actor,
      action: 'campaign.report_published',
      subject: c.id,
      data: { report_id: id, title: input.title, version: published.version },
    });
    const { body: _body, snapshot: _snapshot, ...summary } = published;
    await emitEvent(deps, tx, {
      type: 'campaign.report_published',
      subject: c.id,
      data: { ...summary },
    });
    return published;
  });
}

type ReportRow = {
  id: string;
  campaign_id: string;
  code: string;
  name: string;
  program_id: string;
  title: string;
  published_at: unknown;
};

const reportColumns = [
  'r.id',
  'r.campaign_id',
  'c.code',
  'c.name',
  'c.program_id',
  'r.title',
  'r.published_at',
] as const;

/** Each report's version: its rank among its campaign's reports by publication. */
async function withVersions(db: Db | Tx, rows: readonly ReportRow[]) {
  const campaigns = [...new Set(rows.map((r) => r.campaign_id))];
  const all = campaigns.length
    ? await db
        .selectFrom('campaign_reports')
        .select(['id', 'campaign_id'])
        .where('campaign_id', 'in', campaigns)
        .orderBy('published_at')
        .orderBy('id')
        .execute()
    : [];
  const version = new Map<string, number>();
  const count = new Map<string, number>();
  for (const r of all) {
    const n = (count.get(r.campaign_id) ?? 0) + 1;
    count.set(r.campaign_id, n);
    version.set(r.id, n);
  }
  return rows.map(
    (r): PublishedReportView => ({
      id: r.id,
      campaign_id: r.campaign_id,
      campaign_code: r.code,
      campaign_name: r.name,
      program_id: r.program_id,
      title: r.title,
      version: version.get(r.id) ?? 1,
      published_at: toIso(toNumber(r.published_at)),
    }),
  );
}

/** Published reports, newest first, without body or snapshot (every partner may read them). */
export async function listCampaignReports(
  db: Db | Tx,
  q: { limit: number; after?: string | undefined; campaignId?: string | undefined },
): Promise<{ data: PublishedReportView[]; next_cursor: string | null }> {
  let query = db
    .selectFrom('campaign_reports as r')
    .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
    .select(reportColumns)
    .orderBy('r.published_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(q.limit + 1);
  if (q.campaignId) query = query.where('r.campaign_id', '=', q.campaignId);
  if (q.after) {
    const cursor = await db
      .selectFrom('campaign_reports')
      .select('published_at')
      .where('id', '=', q.after)
      .executeTakeFirst();
    if (!cursor) return { data: [], next_cursor: null };
    const at = toNumber(cursor.published_at);
    const after = q.after;
    query = query.where((eb) =>
      eb.or([
        eb('r.published_at', '<', at),
        eb.and([eb('r.published_at', '=', at), eb('r.id', '<', after)]),
      ]),
    );
  }
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  return {
    data: await withVersions(db, page),
    next_cursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** A published report with its body and snapshot. Errors: `report_not_found`. */
export async function findCampaignReport(db: Db | Tx, id: string): Promise<PublishedReportView> {
  const row = await db
    .selectFrom('campaign_reports as r')
    .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
    .select([...reportColumns, 'r.body', 'r.snapshot'])
    .where('r.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new TandemError('report_not_found', `no published campaign report ${id}`);
  const [view] = await withVersions(db, [row]);
  return {
    ...(view as PublishedReportView),
    body: row.body,
    snapshot: jsonOut(row.snapshot),
  };
}
