import { sql } from 'kysely';
import {
  type Completion,
  checkMilestone,
  integrationTermsOf,
  integrationUnit,
  usageMonthUnit,
} from '../core/derive-integration.js';
import type { ErrorCode, Issue } from '../core/errors.js';
import { compareEvents } from '../core/event.js';
import type { IncomingEvent } from '../core/event-input.js';
import { versionInForce } from '../core/program-version.js';
import { monthKey } from '../core/time.js';
import type { Deps } from './deps.js';
import { loadCompletions } from './integrations.js';
import { loadPrograms } from './load-programs.js';
import { markIntegrationUnits } from './mark-integration-units.js';
import { recordCompletion } from './record-completion.js';
import { chunks, type Tx } from './transaction.js';

export interface IntegrationItem {
  index: number;
  id: string;
  event: IncomingEvent;
}

export interface IntegrationCheck {
  rejected: Map<number, { code: ErrorCode; message: string; issues: Issue[] }>;
  /** Completions the accepted milestone events record, once their event is stored. */
  completions: {
    eventId: string;
    integrationId: string;
    partnerId: string;
    milestone: string;
    at: number;
    renewal: boolean;
  }[];
}

/**
 * The checks an integration event needs beyond its own content, made inside
 * the ingesting transaction: its integration exists (and, for a partner's
 * own sandbox key, is that partner's), and a milestone is on the path,
 * completable by an event and reached in order — every milestone it requires
 * completed at or before its `occurred_at`, counting earlier events of the
 * same batch. Integrations are locked on PostgreSQL so two batches cannot
 * both pass an order check the other would fail. Events already stored
 * (`stored`, read once the locks are held, so a batch committed meanwhile
 * is seen) are not checked again: they are answered as duplicates.
 */
export async function checkIntegrationEvents(
  tx: Tx,
  dialect: 'sqlite' | 'postgres',
  items: readonly IntegrationItem[],
  findStored: () => Promise<ReadonlySet<string>>,
  opts: { partnerId?: string | null } = {},
): Promise<IntegrationCheck> {
  const rejected: IntegrationCheck['rejected'] = new Map();
  const completions: IntegrationCheck['completions'] = [];
  const ids = [...new Set(items.map((i) => i.event.integrationId as string))].sort();
  const known = new Map<string, { partner_id: string; program_id: string }>();
  for (const part of chunks(ids, 500)) {
    const lock = dialect === 'postgres' ? sql` FOR UPDATE` : sql``;
    const rows = await sql<{ id: string; partner_id: string; program_id: string }>`
      SELECT id, partner_id, program_id FROM integrations
      WHERE id IN (${sql.join(part)}) ORDER BY id${lock}`.execute(tx);
    for (const r of rows.rows) known.set(r.id, r);
  }
  const stored = await findStored();
  const reject = (i: IntegrationItem, code: ErrorCode, path: string, message: string) =>
    rejected.set(i.index, { code, message: `${path}: ${message}`, issues: [{ path, message }] });
  const milestones: IntegrationItem[] = [];
  for (const i of items) {
    const it = known.get(i.event.integrationId as string);
    if (!it || (opts.partnerId && it.partner_id !== opts.partnerId)) {
      reject(
        i,
        'integration_not_found',
        'integration_id',
        `no integration ${i.event.integrationId}`,
      );
      continue;
    }
    if (i.event.type === 'integration.milestone' && !stored.has(i.id)) milestones.push(i);
  }
  if (milestones.length === 0) return { rejected, completions };

  const programs = await loadPrograms(tx);
  const done = await loadCompletions(tx, [
    ...new Set(milestones.map((i) => i.event.integrationId as string)),
  ]);
  // At one instant, milestones are taken in path order: a batch that reports
  // authentication and data mapping at the same second is in order.
  const position = (i: IntegrationItem) => {
    const it = known.get(i.event.integrationId as string);
    const versions = programs.find((p) => p.id === it?.program_id)?.versions ?? [];
    const v = versionInForce(versions, i.event.occurredAt);
    const at = v
      ? integrationTermsOf(v.terms).milestones.findIndex((m) => m.id === i.event.milestone)
      : -1;
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  const ordered = [...milestones].sort(
    (a, b) =>
      a.event.occurredAt - b.event.occurredAt ||
      position(a) - position(b) ||
      compareEvents({ ...a.event, id: a.id }, { ...b.event, id: b.id }),
  );
  for (const i of ordered) {
    const integrationId = i.event.integrationId as string;
    const it = known.get(integrationId) as { program_id: string; partner_id: string };
    const versions = programs.find((p) => p.id === it.program_id)?.versions ?? [];
    const version = versionInForce(versions, i.event.occurredAt);
    if (!version) {
      reject(
        i,
        'no_terms_in_force',
        'occurred_at',
        'the program has no terms in force at this time',
      );
      continue;
    }
    const list: Completion[] = done.get(integrationId) ?? [];
    const check = checkMilestone(
      integrationTermsOf(version.terms),
      list,
      i.event.milestone as string,
      i.event.occurredAt,
      'event',
    );
    if (!check.ok) {
      reject(i, check.code, 'milestone', check.message);
      continue;
    }
    list.push({
      milestone: i.event.milestone as string,
      completedAt: i.event.occurredAt,
      source: 'event',
      ref: i.id,
    });
    done.set(integrationId, list);
    completions.push({
      eventId: i.id,
      integrationId,
      partnerId: it.partner_id,
      milestone: i.event.milestone as string,
      at: i.event.occurredAt,
      renewal: check.renewal,
    });
  }
  return { rejected, completions };
}

/** Records (and announces) the completions of milestone events that were stored. */
export async function recordEventCompletions(
  deps: Pick<Deps, 'ids' | 'clock'>,
  tx: Tx,
  completions: IntegrationCheck['completions'],
  inserted: ReadonlySet<string>,
  now: number,
): Promise<void> {
  for (const c of completions.filter((x) => inserted.has(x.eventId)))
    await recordCompletion(deps, tx, { ...c, source: 'event', ref: c.eventId }, now);
}

/**
 * Usage that becomes an integration's earliest moves the start of every
 * duration counted `from: first_usage`: the months already valued since
 * then are marked to be valued again, so delivery order cannot matter.
 */
export async function markFirstUsage(
  tx: Tx,
  usage: readonly { integrationId: string; at: number }[],
  now: number,
): Promise<void> {
  const earliest = new Map<string, number>();
  for (const u of usage)
    earliest.set(u.integrationId, Math.min(u.at, earliest.get(u.integrationId) ?? u.at));
  for (const [id, at] of earliest) {
    const before = await tx
      .selectFrom('events')
      .select('id')
      .where('integration_id', '=', id)
      .where('type', '=', 'usage')
      .where('occurred_at', '<', at)
      .limit(1)
      .executeTakeFirst();
    if (!before) await markIntegrationUnits(tx, [id], at, now);
  }
}

/** The derivation unit a stored event makes dirty. */
export function unitOfEvent(e: IncomingEvent): string {
  if (e.integrationId === undefined) return `c:${e.customerId}`;
  if (e.type === 'usage') return usageMonthUnit(e.integrationId, monthKey(e.occurredAt));
  return integrationUnit(e.integrationId);
}
