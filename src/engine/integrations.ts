import {
  activeInstalls,
  type CertificationStatus,
  type Completion,
  certificationAt,
  type IntegrationFacts,
  integrationTermsOf,
  type MilestoneStatus,
  milestoneChecklist,
  monthBounds,
  type QualityReport,
} from '../core/derive-integration.js';
import { TandemError } from '../core/errors.js';
import { type ProgramWithVersions, versionInForce } from '../core/program-version.js';
import { addMonths, monthKey, toIso } from '../core/time.js';
import type { IntegrationsTable } from '../store/schema.js';
import { jsonOut, toNumber } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { loadPrograms } from './load-programs.js';
import { loadUsage } from './load-usage.js';
import { emitEvent } from './outbox.js';
import { findPartner } from './partners.js';
import { findProgram } from './programs.js';
import { type Db, inTransaction, type Tx } from './transaction.js';

/** A stored integration with its times as numbers. */
export type IntegrationRow = Omit<IntegrationsTable, 'created_at' | 'updated_at'> & {
  created_at: number;
  updated_at: number;
};

export interface IntegrationView {
  id: string;
  partner_id: string;
  program_id: string;
  name: string;
  category: string | null;
  listing_url: string | null;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface IntegrationDetail extends IntegrationView {
  milestones: MilestoneStatus[];
  path_completed: boolean;
  certification: CertificationStatus;
  pending_submissions: number;
}

const view = (r: IntegrationRow): IntegrationView => ({
  id: r.id,
  partner_id: r.partner_id,
  program_id: r.program_id,
  name: r.name,
  category: r.category,
  listing_url: r.listing_url,
  status: r.status,
  created_at: toIso(r.created_at),
  updated_at: toIso(r.updated_at),
});

/**
 * Registers a partner's integration in a program it is enrolled in.
 * Errors: `partner_not_found`, `partner_not_approved`, `program_not_found`, `not_enrolled`.
 */
export async function registerIntegration(
  deps: Deps,
  input: {
    partnerId: string;
    program: string;
    name: string;
    category?: string | undefined;
    listingUrl?: string | undefined;
  },
  actor = 'system',
): Promise<IntegrationView> {
  return inTransaction(deps, async (tx) => {
    const partner = await findPartner(tx, input.partnerId);
    if (partner.status !== 'approved')
      throw new TandemError(
        'partner_not_approved',
        `partner ${partner.id} is ${partner.status}; only approved partners register integrations`,
      );
    const program = await findProgram(tx, input.program);
    const enrolled = await tx
      .selectFrom('enrollments')
      .select('partner_id')
      .where('program_id', '=', program.id)
      .where('partner_id', '=', partner.id)
      .executeTakeFirst();
    if (!enrolled)
      throw new TandemError(
        'not_enrolled',
        `partner ${partner.id} is not enrolled in program ${program.key}`,
      );
    const now = deps.clock.now();
    const row: IntegrationRow = {
      id: deps.ids.next('int'),
      partner_id: partner.id,
      program_id: program.id,
      name: input.name,
      category: input.category ?? null,
      listing_url: input.listingUrl ?? null,
      status: 'active',
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto('integrations').values(row).execute();
    await recordCategory(deps, tx, row.id, row.category, now);
    await audit(deps, tx, {
      actor,
      action: 'integration.registered',
      subject: row.id,
      data: { partner_id: row.partner_id, program_id: row.program_id, name: row.name },
    });
    await emitEvent(deps, tx, {
      type: 'integration.registered',
      subject: row.id,
      data: view(row) as unknown as Record<string, unknown>,
    });
    return view(row);
  });
}

/**
 * Changes an integration's name, category, listing URL or status (`archived`
 * stops it counting for certification and entitlements; its history and
 * rewards stay). Errors: `integration_not_found`.
 */
export async function updateIntegration(
  deps: Deps,
  id: string,
  patch: {
    name?: string | undefined;
    category?: string | null | undefined;
    listingUrl?: string | null | undefined;
    status?: 'active' | 'archived' | undefined;
  },
  actor = 'system',
): Promise<IntegrationView> {
  return inTransaction(deps, async (tx) => {
    const before = await findIntegration(tx, id);
    const now = deps.clock.now();
    const row: IntegrationRow = {
      ...before,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.category !== undefined ? { category: patch.category } : {}),
      ...(patch.listingUrl !== undefined ? { listing_url: patch.listingUrl } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      updated_at: now,
    };
    await tx
      .updateTable('integrations')
      .set({
        name: row.name,
        category: row.category,
        listing_url: row.listing_url,
        status: row.status,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    if (row.category !== before.category) await recordCategory(deps, tx, id, row.category, now);
    await audit(deps, tx, {
      actor,
      action: 'integration.updated',
      subject: id,
      data: { ...patch },
    });
    await emitEvent(deps, tx, {
      type: 'integration.updated',
      subject: id,
      data: view(row) as unknown as Record<string, unknown>,
    });
    return view(row);
  });
}

async function recordCategory(
  deps: Pick<Deps, 'ids'>,
  tx: Tx,
  integrationId: string,
  category: string | null,
  since: number,
): Promise<void> {
  await tx
    .insertInto('integration_categories')
    .values({ id: deps.ids.next('icat'), integration_id: integrationId, category, since })
    .execute();
}

/** Each integration's categories in time order (what accelerators read per month). */
export async function loadCategories(
  db: Db | Tx,
  integrationIds: readonly string[],
): Promise<Map<string, { since: number; category: string | null }[]>> {
  const out = new Map<string, { since: number; category: string | null }[]>();
  if (integrationIds.length === 0) return out;
  const rows = await db
    .selectFrom('integration_categories')
    .select(['integration_id', 'category', 'since'])
    .where('integration_id', 'in', [...integrationIds])
    .orderBy('since')
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.integration_id) ?? [];
    list.push({ since: toNumber(r.since), category: r.category });
    out.set(r.integration_id, list);
  }
  return out;
}

/** An integration's row. Errors: `integration_not_found`. */
export async function findIntegration(db: Db | Tx, id: string): Promise<IntegrationRow> {
  const r = await db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new TandemError('integration_not_found', `no integration ${id}`);
  return { ...r, created_at: toNumber(r.created_at), updated_at: toNumber(r.updated_at) };
}

export const factsOf = (r: IntegrationRow): IntegrationFacts => ({
  id: r.id,
  partnerId: r.partner_id,
  programId: r.program_id,
  createdAt: r.created_at,
});

export async function listIntegrations(
  deps: Deps,
  q: {
    partnerId?: string | undefined;
    programId?: string | undefined;
    limit: number;
    after?: string | undefined;
  },
): Promise<{ data: IntegrationView[]; next_cursor: string | null }> {
  let query = deps.store.db
    .selectFrom('integrations')
    .selectAll()
    .orderBy('id')
    .limit(q.limit + 1);
  if (q.partnerId) query = query.where('partner_id', '=', q.partnerId);
  if (q.programId) query = query.where('program_id', '=', q.programId);
  if (q.after) query = query.where('id', '>', q.after);
  const rows = await query.execute();
  const page = rows
    .slice(0, q.limit)
    .map((r) =>
      view({ ...r, created_at: toNumber(r.created_at), updated_at: toNumber(r.updated_at) }),
    );
  return {
    data: page,
    next_cursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** Every completion of an integration's milestones, in time order. */
export async function loadCompletions(db: Db | Tx, integrationIds: readonly string[]) {
  const out = new Map<string, Completion[]>();
  if (integrationIds.length === 0) return out;
  const rows = await db
    .selectFrom('integration_completions')
    .select(['integration_id', 'milestone', 'completed_at', 'source', 'ref'])
    .where('integration_id', 'in', [...integrationIds])
    .orderBy('completed_at')
    .orderBy('ref')
    .execute();
  for (const r of rows) {
    const list = out.get(r.integration_id) ?? [];
    list.push({
      milestone: r.milestone,
      completedAt: toNumber(r.completed_at),
      source: r.source as 'event' | 'review',
      ref: r.ref,
    });
    out.set(r.integration_id, list);
  }
  return out;
}

/** Quality reports of an integration (`integration.quality` events). */
export async function loadQuality(db: Db | Tx, integrationId: string): Promise<QualityReport[]> {
  const rows = await db
    .selectFrom('events')
    .select(['occurred_at', 'body'])
    .where('integration_id', '=', integrationId)
    .where('type', '=', 'integration.quality')
    .orderBy('occurred_at')
    .execute();
  return rows.map((r) => {
    const q = jsonOut<{ quality?: { uptime?: number; errorRate?: number } }>(r.body).quality ?? {};
    return { at: toNumber(r.occurred_at), ...q };
  });
}

/**
 * Active installs in the calendar month before the one `at` falls in:
 * distinct customers with usage of more than zero units, as usage rewards
 * count them.
 */
export async function activeInstallsBefore(
  db: Db | Tx,
  integrationId: string,
  at: number,
): Promise<number> {
  const end = monthBounds(monthKey(at)).start;
  return activeInstalls(await loadUsage(db, integrationId, addMonths(end, -1), end));
}

/**
 * The certification each integration holds at `at`, under its program's
 * versions: one read of completions for all of them, then each one's
 * quality reports and last month's installs.
 */
export async function certificationsOf(
  db: Db | Tx,
  rows: readonly { id: string; program_id: string }[],
  programs: readonly ProgramWithVersions[],
  at: number,
): Promise<Map<string, CertificationStatus>> {
  const completions = await loadCompletions(
    db,
    rows.map((r) => r.id),
  );
  const out = new Map<string, CertificationStatus>();
  for (const r of rows)
    out.set(
      r.id,
      certificationAt({
        versions: programs.find((p) => p.id === r.program_id)?.versions ?? [],
        completions: completions.get(r.id) ?? [],
        quality: await loadQuality(db, r.id),
        activeInstalls: await activeInstallsBefore(db, r.id, at),
        at,
      }),
    );
  return out;
}

/**
 * How many of each partner's active integrations in a program hold a
 * certification level at `at` (the `certified_integrations` tier metric).
 */
export async function certifiedIntegrations(
  db: Db | Tx,
  program: ProgramWithVersions,
  at: number,
  partnerId?: string,
): Promise<Map<string, number>> {
  let q = db
    .selectFrom('integrations')
    .select(['id', 'partner_id', 'program_id'])
    .where('program_id', '=', program.id)
    .where('status', '=', 'active');
  if (partnerId) q = q.where('partner_id', '=', partnerId);
  const rows = await q.execute();
  const held = await certificationsOf(db, rows, [program], at);
  const out = new Map<string, number>();
  for (const r of rows)
    if (held.get(r.id)?.level != null) out.set(r.partner_id, (out.get(r.partner_id) ?? 0) + 1);
  return out;
}

/** One integration with its milestone checklist and the certification it holds now. */
export async function getIntegration(deps: Deps, id: string): Promise<IntegrationDetail> {
  const db = deps.store.db;
  const row = await findIntegration(db, id);
  const now = deps.clock.now();
  const programs = await loadPrograms(db);
  const versions = programs.find((p) => p.id === row.program_id)?.versions ?? [];
  const completions = (await loadCompletions(db, [id])).get(id) ?? [];
  const inForce = versionInForce(versions, now);
  const terms = inForce ? integrationTermsOf(inForce.terms) : undefined;
  const milestones = terms ? milestoneChecklist(terms, completions) : [];
  const certification = (await certificationsOf(db, [row], programs, now)).get(
    id,
  ) as CertificationStatus;
  const pending = await db
    .selectFrom('integration_submissions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('integration_id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return {
    ...view(row),
    milestones,
    path_completed: milestones.length > 0 && milestones.every((m) => m.status === 'completed'),
    certification,
    pending_submissions: Number(pending?.n ?? 0),
  };
}

/**
 * What a partner is entitled to now by certification: the entitlements of
 * the level each of its active integrations holds (an expired level no
 * longer counts). A partner that is not approved has none.
 */
export async function readCertificationEntitlements(deps: Deps, partnerId: string) {
  const db = deps.store.db;
  const partner = await findPartner(db, partnerId);
  const rows = await db
    .selectFrom('integrations')
    .select(['id', 'name', 'program_id'])
    .where('partner_id', '=', partnerId)
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
  const now = deps.clock.now();
  const held = await certificationsOf(db, rows, await loadPrograms(db), now);
  const all = new Set<string>();
  const integrations = rows.map((r) => {
    const c = held.get(r.id) as CertificationStatus;
    const entitlements = partner.status === 'approved' ? c.entitlements : [];
    for (const e of entitlements) all.add(e);
    return {
      integration_id: r.id,
      name: r.name,
      level: c.level,
      expires_at: c.expires_at,
      entitlements,
    };
  });
  return { partner_id: partnerId, as_of: toIso(now), entitlements: [...all].sort(), integrations };
}
