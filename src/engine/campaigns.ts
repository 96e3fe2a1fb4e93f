import {
  type CampaignBonus,
  type CampaignChannel,
  type CampaignStatus,
  type CampaignTargets,
  canTransition,
  nextStatuses,
  normalizeCampaignCode,
} from '../core/campaign.js';
import { type Currency, isCurrency } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { formatAmount, parseAmount } from '../core/money.js';
import { versionInForce } from '../core/program-version.js';
import { DAY_MS, toIso } from '../core/time.js';
import type { CampaignsTable } from '../store/schema.js';
import { jsonIn, jsonOut, toBigInt, toNumber } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { markCampaignUnits } from './dirty-units.js';
import { versionAtOrFirst } from './load-programs.js';
import { emitEvent } from './outbox.js';
import { findPartner, requireEnrollment } from './partners.js';
import { findProgram } from './programs.js';
import { type Db, inTransaction, type Tx } from './transaction.js';

/** A stored campaign with its JSON parsed and its times and amounts as numbers. */
export interface CampaignRow {
  id: string;
  programId: string;
  code: string;
  name: string;
  goal: string | null;
  channels: CampaignChannel[];
  audience: string | null;
  segment: string | null;
  startsAt: number;
  endsAt: number;
  assets: { label: string; url: string }[];
  expectedLiftBps: number | null;
  targets: CampaignTargets;
  holdoutBps: number;
  bonuses: CampaignBonus[];
  currency: Currency;
  cost: bigint;
  status: CampaignStatus;
  proposedBy: string;
  createdAt: number;
  updatedAt: number;
  partners: { partnerId: string; role: 'lead' | 'member' }[];
}

export interface CampaignView {
  id: string;
  program_id: string;
  code: string;
  name: string;
  goal: string | null;
  channels: CampaignChannel[];
  audience: string | null;
  segment: string | null;
  starts_at: string;
  ends_at: string;
  assets: { label: string; url: string }[];
  /** Percentage points of conversion rate the campaign is expected to add. */
  expected_lift: number | null;
  targets: CampaignTargets;
  holdout_percent: number;
  bonuses: CampaignBonus[];
  currency: Currency;
  cost: string;
  status: CampaignStatus;
  next_statuses: readonly CampaignStatus[];
  proposed_by: string;
  partners: { partner_id: string; role: 'lead' | 'member' }[];
  created_at: string;
  updated_at: string;
}

export function campaignView(c: CampaignRow): CampaignView {
  return {
    id: c.id,
    program_id: c.programId,
    code: c.code,
    name: c.name,
    goal: c.goal,
    channels: c.channels,
    audience: c.audience,
    segment: c.segment,
    starts_at: toIso(c.startsAt),
    ends_at: toIso(c.endsAt),
    assets: c.assets,
    expected_lift: c.expectedLiftBps === null ? null : c.expectedLiftBps / 100,
    targets: c.targets,
    holdout_percent: c.holdoutBps / 100,
    bonuses: c.bonuses,
    currency: c.currency,
    cost: formatAmount(c.cost, c.currency),
    status: c.status,
    next_statuses: nextStatuses(c.status),
    proposed_by: c.proposedBy,
    partners: c.partners.map((p) => ({ partner_id: p.partnerId, role: p.role })),
    created_at: toIso(c.createdAt),
    updated_at: toIso(c.updatedAt),
  };
}

export interface CampaignInput {
  program: string;
  code?: string | undefined;
  name: string;
  goal?: string | undefined;
  channels: CampaignChannel[];
  audience?: string | undefined;
  segment?: string | undefined;
  startsAt: number;
  endsAt: number;
  assets?: { label: string; url: string }[] | undefined;
  expectedLiftBps?: number | undefined;
  targets?: CampaignTargets | undefined;
  holdoutBps?: number | undefined;
  bonuses?: CampaignBonus[] | undefined;
  currency?: string | undefined;
  cost?: string | undefined;
  /** The partners running it; the first is the lead. */
  partnerIds: string[];
}

const fromRow = (
  r: CampaignsTable,
  partners: { partnerId: string; role: 'lead' | 'member' }[],
): CampaignRow => ({
  id: r.id,
  programId: r.program_id,
  code: r.code,
  name: r.name,
  goal: r.goal,
  channels: jsonOut(r.channels),
  audience: r.audience,
  segment: r.segment,
  startsAt: toNumber(r.starts_at),
  endsAt: toNumber(r.ends_at),
  assets: jsonOut(r.assets),
  expectedLiftBps: r.expected_lift_bps === null ? null : Number(r.expected_lift_bps),
  targets: jsonOut(r.targets),
  holdoutBps: Number(r.holdout_bps),
  bonuses: jsonOut(r.bonuses),
  currency: r.currency as Currency,
  cost: toBigInt(r.cost),
  status: r.status as CampaignStatus,
  proposedBy: r.proposed_by,
  createdAt: toNumber(r.created_at),
  updatedAt: toNumber(r.updated_at),
  partners,
});

/** Campaign rows with their partners (lead first). */
export async function loadCampaigns(
  db: Db | Tx,
  filter: { ids?: readonly string[]; partnerId?: string; programId?: string } = {},
): Promise<CampaignRow[]> {
  let q = db.selectFrom('campaigns').selectAll('campaigns').orderBy('starts_at').orderBy('id');
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    q = q.where('id', 'in', [...filter.ids]);
  }
  if (filter.programId) q = q.where('program_id', '=', filter.programId);
  if (filter.partnerId)
    q = q.where('id', 'in', (s) =>
      s
        .selectFrom('campaign_partners')
        .select('campaign_id')
        .where('partner_id', '=', filter.partnerId as string),
    );
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const members = await db
    .selectFrom('campaign_partners')
    .select(['campaign_id', 'partner_id', 'role'])
    .where(
      'campaign_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('added_at')
    .orderBy('partner_id')
    .execute();
  const byCampaign = new Map<string, { partnerId: string; role: 'lead' | 'member' }[]>();
  for (const m of members) {
    const list = byCampaign.get(m.campaign_id) ?? [];
    list.push({ partnerId: m.partner_id, role: m.role as 'lead' | 'member' });
    byCampaign.set(m.campaign_id, list);
  }
  return rows.map((r) =>
    fromRow(
      r,
      (byCampaign.get(r.id) ?? []).sort((a, b) =>
        a.role === b.role ? 0 : a.role === 'lead' ? -1 : 1,
      ),
    ),
  );
}

/** A campaign by id or code. Errors: `campaign_not_found`. */
export async function findCampaign(db: Db | Tx, idOrCode: string): Promise<CampaignRow> {
  const byId = await loadCampaigns(db, { ids: [idOrCode] });
  if (byId[0]) return byId[0];
  const r = await db
    .selectFrom('campaigns')
    .select('id')
    .where('code', '=', normalizeCampaignCode(idOrCode))
    .executeTakeFirst();
  const found = r ? (await loadCampaigns(db, { ids: [r.id] }))[0] : undefined;
  if (!found) throw new TandemError('campaign_not_found', `no campaign ${idOrCode}`);
  return found;
}

/**
 * Plans a campaign. A partner's proposal and an operator's plan both start
 * `proposed`; the operator approves. Every partner must be approved and
 * enrolled in the program. Errors: `program_not_found`, `partner_not_found`,
 * `partner_not_approved`, `not_enrolled`, `campaign_code_taken`,
 * `validation_failed` (window, currency, cost, bonuses).
 */
export async function createCampaign(
  deps: Deps,
  input: CampaignInput,
  actor: string,
): Promise<CampaignView> {
  return inTransaction(deps, async (tx) => {
    const program = await findProgram(tx, input.program);
    const currency = await campaignCurrency(tx, program.id, input.currency, deps.clock.now());
    const fields = checkFields(input, currency);
    const partnerIds = [...new Set(input.partnerIds)];
    if (partnerIds.length === 0) throw invalid('partners', 'a campaign has at least one partner');
    for (const id of partnerIds) await requireEnrolledPartner(tx, program.id, id);
    const code = normalizeCampaignCode(input.code ?? deps.ids.next('cmpc').slice(5, 17));
    const taken = await tx
      .selectFrom('campaigns')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirst();
    if (taken) throw new TandemError('campaign_code_taken', `the campaign code ${code} is taken`);
    const now = deps.clock.now();
    const id = deps.ids.next('cmp');
    await tx
      .insertInto('campaigns')
      .values({
        id,
        program_id: program.id,
        code,
        ...planColumns(input),
        currency,
        cost: fields.cost,
        status: 'proposed',
        proposed_by: actor,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await tx
      .insertInto('campaign_partners')
      .values(
        partnerIds.map((partnerId, i) => ({
          campaign_id: id,
          partner_id: partnerId,
          role: i === 0 ? 'lead' : 'member',
          added_at: now,
        })),
      )
      .execute();
    await recordStatus(deps, tx, id, 'proposed', actor, null);
    const created = await findCampaign(tx, id);
    await audit(deps, tx, {
      actor,
      action: 'campaign.proposed',
      subject: id,
      data: { code, program_id: program.id, partners: partnerIds },
    });
    await emitEvent(deps, tx, {
      type: 'campaign.proposed',
      subject: id,
      data: campaignView(created) as unknown as Record<string, unknown>,
    });
    return campaignView(created);
  });
}

/**
 * Changes a campaign's plan. Proposed and approved campaigns can change
 * anything but their program and code; once live, only the cost, assets and
 * audience notes (what the report reads, not what touches or bonuses count).
 * Errors: `campaign_not_found`, `campaign_locked`, `validation_failed`.
 */
export async function updateCampaign(
  deps: Deps,
  idOrCode: string,
  patch: Partial<Omit<CampaignInput, 'program' | 'code'>>,
  actor: string,
  opts: { onlyWhile?: CampaignStatus } = {},
): Promise<CampaignView> {
  return inTransaction(deps, async (tx) => {
    const before = await findCampaign(tx, idOrCode);
    // A partner changes its proposal only while it is one: checked here, in the
    // transaction, so an approval landing meanwhile is not overtaken.
    if (opts.onlyWhile && before.status !== opts.onlyWhile)
      throw new TandemError(
        'campaign_locked',
        `campaign ${before.code} is ${before.status}; only the operator changes it now`,
      );
    const open = before.status === 'proposed' || before.status === 'approved';
    const lateFields = new Set(['cost', 'assets', 'audience', 'goal']);
    const changed = Object.entries(patch)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k);
    const locked = changed.filter((k) => !lateFields.has(k));
    if (!open && locked.length > 0)
      throw new TandemError(
        'campaign_locked',
        `campaign ${before.code} is ${before.status}: ${locked.join(', ')} can no longer change`,
      );
    if (
      before.status === 'rejected' ||
      before.status === 'cancelled' ||
      before.status === 'reported'
    )
      throw new TandemError('campaign_locked', `campaign ${before.code} is ${before.status}`);
    const merged: CampaignInput = {
      program: before.programId,
      name: patch.name ?? before.name,
      goal: patch.goal ?? before.goal ?? undefined,
      channels: patch.channels ?? before.channels,
      audience: patch.audience ?? before.audience ?? undefined,
      segment: patch.segment ?? before.segment ?? undefined,
      startsAt: patch.startsAt ?? before.startsAt,
      endsAt: patch.endsAt ?? before.endsAt,
      assets: patch.assets ?? before.assets,
      expectedLiftBps: patch.expectedLiftBps ?? before.expectedLiftBps ?? undefined,
      targets: patch.targets ?? before.targets,
      holdoutBps: patch.holdoutBps ?? before.holdoutBps,
      bonuses: patch.bonuses ?? before.bonuses,
      currency: before.currency,
      cost: patch.cost ?? formatAmount(before.cost, before.currency),
      partnerIds: patch.partnerIds ?? before.partners.map((p) => p.partnerId),
    };
    const fields = checkFields(merged, before.currency);
    const now = deps.clock.now();
    const updated = await tx
      .updateTable('campaigns')
      .set({
        ...planColumns(merged),
        cost: fields.cost,
        updated_at: now,
      })
      .where('id', '=', before.id)
      // Conditional on the status read: a plan is never changed past the lock.
      .where('status', '=', before.status)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw new TandemError(
        'campaign_locked',
        `campaign ${before.code} changed status meanwhile; read it again`,
      );
    if (patch.partnerIds) {
      const ids = [...new Set(patch.partnerIds)];
      if (ids.length === 0) throw invalid('partners', 'a campaign has at least one partner');
      for (const id of ids) await requireEnrolledPartner(tx, before.programId, id);
      await tx.deleteFrom('campaign_partners').where('campaign_id', '=', before.id).execute();
      await tx
        .insertInto('campaign_partners')
        .values(
          ids.map((partnerId, i) => ({
            campaign_id: before.id,
            partner_id: partnerId,
            role: i === 0 ? 'lead' : 'member',
            added_at: now,
          })),
        )
        .execute();
    }
    // Window, holdout, partners and bonuses decide touches and bonuses: re-derive.
    await markCampaignUnits(tx, [before.id], now);
    const after = await findCampaign(tx, before.id);
    await audit(deps, tx, {
      actor,
      action: 'campaign.updated',
      subject: before.id,
      data: { fields: changed },
    });
    return campaignView(after);
  });
}

/**
 * Moves a campaign along its status flow. Errors: `campaign_not_found`,
 * `invalid_campaign_transition` (a skipped step, a step back, or a status
 * it already has).
 */
export async function changeCampaignStatus(
  deps: Deps,
  idOrCode: string,
  to: CampaignStatus,
  actor: string,
  note?: string | undefined,
  opts: { tx?: Tx; onlyFrom?: CampaignStatus } = {},
): Promise<CampaignView> {
  const run = async (tx: Tx) => {
    const before = await findCampaign(tx, idOrCode);
    if (opts.onlyFrom && before.status !== opts.onlyFrom)
      throw new TandemError(
        'invalid_campaign_transition',
        `campaign ${before.code} is ${before.status}, not ${opts.onlyFrom}: only the operator moves it now`,
        { status: before.status, next_statuses: [] },
      );
    if (!canTransition(before.status, to)) {
      const next = nextStatuses(before.status);
      throw new TandemError(
        'invalid_campaign_transition',
        `campaign ${before.code} is ${before.status}; it can move to ${next.length ? next.join(' or ') : 'nothing'}, not ${to}`,
        { status: before.status, next_statuses: next },
      );
    }
    const now = deps.clock.now();
    // Conditional on the status read: two concurrent transitions cannot both win.
    const res = await tx
      .updateTable('campaigns')
      .set({ status: to, updated_at: now })
      .where('id', '=', before.id)
      .where('status', '=', before.status)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new TandemError(
        'invalid_campaign_transition',
        `campaign ${before.code} changed meanwhile; read it again`,
      );
    await recordStatus(deps, tx, before.id, to, actor, note ?? null);
    // Touches count only while a campaign runs: a status change can add or remove them.
    await markCampaignUnits(tx, [before.id], now);
    const after = await findCampaign(tx, before.id);
    await audit(deps, tx, {
      actor,
      action: `campaign.${to}`,
      subject: before.id,
      data: { from: before.status, to, ...(note ? { note } : {}) },
    });
    await emitEvent(deps, tx, {
      type: `campaign.${to}`,
      subject: before.id,
      data: campaignView(after) as unknown as Record<string, unknown>,
    });
    return campaignView(after);
  };
  return opts.tx ? run(opts.tx) : inTransaction(deps, run);
}

/** Every status a campaign has had, in order. */
export async function campaignHistory(db: Db | Tx, campaignId: string) {
  const rows = await db
    .selectFrom('campaign_status_history')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    status: r.status as CampaignStatus,
    at: toIso(toNumber(r.at)),
    actor: r.actor,
    note: r.note,
  }));
}

/**
 * Moves campaigns along with the clock: approved ones go live when their
 * window opens, live ones complete when it closes (the worker calls this).
 * Returns how many moved.
 */
export async function advanceCampaigns(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.store.db
    .selectFrom('campaigns')
    .select(['id', 'status'])
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'approved'), eb('starts_at', '<=', now)]),
        eb.and([eb('status', '=', 'live'), eb('ends_at', '<=', now)]),
      ]),
    )
    .orderBy('id')
    .limit(500)
    .execute();
  let moved = 0;
  for (const c of due) {
    try {
      if (c.status === 'approved')
        await changeCampaignStatus(deps, c.id, 'live', 'system', 'its window opened');
      // A campaign approved after its window closed goes live and completes at once.
      const current = await findCampaign(deps.store.db, c.id);
      if (current.status === 'live' && current.endsAt <= now)
        await changeCampaignStatus(deps, c.id, 'completed', 'system', 'its window closed');
      moved++;
    } catch (e) {
      // Someone moved it meanwhile: that is their move, not an error.
      if (!(e instanceof TandemError && e.code === 'invalid_campaign_transition')) throw e;
    }
  }
  return moved;
}

export async function listCampaigns(
  deps: Deps,
  q: {
    partnerId?: string | undefined;
    programId?: string | undefined;
    status?: string | undefined;
  },
): Promise<{ data: CampaignView[] }> {
  const rows = await loadCampaigns(deps.store.db, {
    ...(q.partnerId ? { partnerId: q.partnerId } : {}),
    ...(q.programId ? { programId: q.programId } : {}),
  });
  return {
    data: rows.filter((r) => !q.status || r.status === q.status).map(campaignView),
  };
}

async function recordStatus(
  deps: Pick<Deps, 'ids' | 'clock'>,
  tx: Tx,
  campaignId: string,
  status: CampaignStatus,
  actor: string,
  note: string | null,
) {
  await tx
    .insertInto('campaign_status_history')
    .values({
      id: deps.ids.next('cst'),
      campaign_id: campaignId,
      status,
      at: deps.clock.now(),
      actor,
      note,
    })
    .execute();
}

async function requireEnrolledPartner(tx: Tx, programId: string, partnerId: string) {
  const partner = await findPartner(tx, partnerId);
  if (partner.status !== 'approved')
    throw new TandemError(
      'partner_not_approved',
      `partner ${partner.id} is ${partner.status}; only approved partners run campaigns`,
    );
  await requireEnrollment(tx, programId, partnerId);
}

/** The campaign's currency: the one asked for, else the program's terms' currency. */
async function campaignCurrency(
  tx: Tx,
  programId: string,
  asked: string | undefined,
  now: number,
): Promise<Currency> {
  if (asked !== undefined) {
    if (!isCurrency(asked)) throw invalid('currency', `unknown currency "${asked}"`);
    return asked;
  }
  const inForce = await versionAtOrFirst(tx, programId, now);
  if (!inForce) throw invalid('currency', 'the program has no terms yet; give a currency');
  return inForce.terms.currency;
}

/** The longest campaign window. */
export const MAX_WINDOW_DAYS = 366;
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** The columns a campaign's plan fills, on creation and on change. */
function planColumns(input: CampaignInput) {
  return {
    name: input.name,
    goal: input.goal ?? null,
    channels: jsonIn(input.channels),
    audience: input.audience ?? null,
    segment: input.segment ?? null,
    starts_at: input.startsAt,
    ends_at: input.endsAt,
    assets: jsonIn(input.assets ?? []),
    expected_lift_bps: input.expectedLiftBps ?? null,
    targets: jsonIn(input.targets ?? {}),
    holdout_bps: input.holdoutBps ?? 0,
    bonuses: jsonIn(input.bonuses ?? []),
  };
}

function checkFields(input: CampaignInput, currency: Currency): { cost: bigint } {
  if (!(input.endsAt > input.startsAt)) throw invalid('ends_at', 'must be after starts_at');
  // Bounded: a campaign is a season, not an era (and calendars list its weeks).
  if (input.startsAt < EARLIEST || input.endsAt > LATEST)
    throw invalid('starts_at', 'must be between 2000-01-01 and 2100-01-01');
  if (input.endsAt - input.startsAt > MAX_WINDOW_DAYS * DAY_MS)
    throw invalid('ends_at', `a campaign runs at most ${MAX_WINDOW_DAYS} days`);
  if (input.channels.length === 0) throw invalid('channels', 'name at least one channel');
  const ids = new Set<string>();
  for (const b of input.bonuses ?? []) {
    if (ids.has(b.id)) throw invalid('bonuses', `the bonus id ${b.id} is used twice`);
    ids.add(b.id);
    if (b.metric === 'incremental_activations' && (input.holdoutBps ?? 0) === 0)
      throw invalid(
        'bonuses',
        `${b.id} pays on incremental activations, which need a holdout (holdout_percent above 0)`,
      );
  }
  // Bonus amounts are checked against the currency now, not when the campaign closes.
  (input.bonuses ?? []).forEach((b, i) => {
    const amounts: [string, string | undefined][] = [
      ['per', b.per],
      ['cap', b.cap],
      ...(b.steps ?? []).map((s, j): [string, string] => [`steps[${j}].pays`, s.pays]),
    ];
    for (const [path, text] of amounts) {
      if (text === undefined) continue;
      try {
        parseAmount(text, currency);
      } catch (e) {
        throw invalid(`bonuses[${i}].${path}`, (e as Error).message);
      }
    }
  });
  try {
    return { cost: input.cost === undefined ? 0n : parseAmount(input.cost, currency) };
  } catch (e) {
    throw invalid('cost', (e as Error).message);
  }
}

function invalid(path: string, message: string): TandemError {
  return new TandemError('validation_failed', `${path}: ${message}`, {
    issues: [{ path, message }],
  });
}
