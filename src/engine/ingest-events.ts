import { createHash } from 'node:crypto';
import { type ErrorCode, type Issue, TandemError } from '../core/errors.js';
import { canonicalEvent, type IncomingEvent, parseEventInput } from '../core/event-input.js';
import type { Dialect } from '../store/database.js';
import { eventToRow } from '../store/event-rows.js';
import { resolveCampaignTouches } from './campaign-touches.js';
import type { Deps } from './deps.js';
import { markDirty } from './dirty-units.js';
import {
  checkIntegrationEvents,
  type IntegrationCheck,
  markFirstUsage,
  recordEventCompletions,
  unitOfEvent,
} from './integration-events.js';
import { chunks, inTransaction, type Tx } from './transaction.js';

export const MAX_BATCH = 1000;

export type IngestItemResult =
  | { index: number; id: string | null; status: 'accepted' | 'duplicate'; event_id: string }
  | {
      index: number;
      id: string | null;
      status: 'rejected';
      error: { code: ErrorCode; message: string; issues: Issue[] };
    };

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: IngestItemResult[];
}

const hashOf = (e: IncomingEvent) => createHash('sha256').update(canonicalEvent(e)).digest('hex');
const keyOf = (source: string, id: string) => `${source}\u0000${id}`;

/**
 * Stores a batch of events, each once under its idempotency key (source +
 * id), and marks the customers they concern for derivation. Answers per item:
 * `accepted` (stored now), `duplicate` (same key, same content: no new
 * effect), or `rejected` with a code — `idempotency_conflict` for the same key
 * with different content, or a validation code. A rejected item writes
 * nothing; the others are stored in one transaction.
 *
 * Errors (whole batch): `batch_too_large`.
 */
export async function ingestEvents(
  deps: Deps,
  raws: readonly unknown[],
  opts: { source?: string; partnerId?: string | null } = {},
): Promise<IngestResult> {
  if (raws.length > MAX_BATCH) {
    throw new TandemError(
      'batch_too_large',
      `a batch holds at most ${MAX_BATCH} events; got ${raws.length}`,
    );
  }
  const now = deps.clock.now();
  const results: IngestItemResult[] = new Array(raws.length);
  const fresh = new Map<
    string,
    { index: number; event: IncomingEvent; hash: string; id: string }
  >();
  const sameBatchDuplicates: { index: number; key: string; hash: string }[] = [];

  raws.forEach((raw, index) => {
    const externalId =
      typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : null;
    const withSource =
      opts.source && raw && typeof raw === 'object' && !('source' in raw)
        ? { ...raw, source: opts.source }
        : raw;
    let parsed = parseEventInput(withSource, now);
    if (parsed.ok && opts.partnerId && parsed.event.integrationId === undefined)
      parsed = {
        ok: false,
        code: 'forbidden',
        message: "type: a partner's key reports only its own integrations' events",
        issues: [{ path: 'type', message: "only its own integrations' events" }],
      };
    if (!parsed.ok) {
      results[index] = {
        index,
        id: externalId,
        status: 'rejected',
        error: { code: parsed.code, message: parsed.message, issues: parsed.issues },
      };
      return;
    }
    const hash = hashOf(parsed.event);
    const key = keyOf(parsed.event.source, parsed.event.externalId);
    if (fresh.has(key)) sameBatchDuplicates.push({ index, key, hash });
    else fresh.set(key, { index, event: parsed.event, hash, id: deps.ids.next('evt') });
  });

  if (fresh.size > 0) {
    // Items a check refused get their answer and are not stored.
    const refuse = <T extends { index: number; event: IncomingEvent }>(
      list: T[],
      refused: ReadonlyMap<number, { code: ErrorCode; message: string; issues: Issue[] }>,
    ): T[] =>
      list.filter((i) => {
        const error = refused.get(i.index);
        if (error)
          results[i.index] = { index: i.index, id: i.event.externalId, status: 'rejected', error };
        return !error;
      });
    await inTransaction(deps, async (tx) => {
      let items = [...fresh.values()];
      let check: IntegrationCheck | undefined;
      const integration = items.filter((i) => i.event.integrationId !== undefined);
      if (integration.length) {
        // Only milestones are checked against what is stored: usage needs no look-up.
        const milestones = integration.filter((i) => i.event.type === 'integration.milestone');
        const storedIds = async () => {
          if (milestones.length === 0) return new Set<string>();
          const known = await findStored(
            tx,
            milestones.map((i) => i.event),
            deps.store.dialect,
          );
          return new Set(
            milestones
              .filter((i) => known.has(keyOf(i.event.source, i.event.externalId)))
              .map((i) => i.id),
          );
        };
        check = await checkIntegrationEvents(tx, deps.store.dialect, integration, storedIds, {
          partnerId: opts.partnerId ?? null,
        });
        items = refuse(items, check.rejected);
      }
      const touches = items.filter((i) => i.event.type === 'campaign.touch');
      if (touches.length) {
        items = refuse(items, await resolveCampaignTouches(tx, touches));
      }
      // Insert first: the unique (source, id) index decides what is new. Only
      // the keys it refused are looked up, to tell duplicates from conflicts.
      const inserted = await insertNew(tx, deps.store.dialect, items, now);
      const refused = items.filter((i) => !inserted.has(i.id));
      const existing = refused.length
        ? await findStored(
            tx,
            refused.map((i) => i.event),
            deps.store.dialect,
          )
        : new Map<string, { id: string; hash: string }>();
      for (const i of items) {
        if (inserted.has(i.id)) {
          results[i.index] = {
            index: i.index,
            id: i.event.externalId,
            status: 'accepted',
            event_id: i.id,
          };
          continue;
        }
        const prior = existing.get(keyOf(i.event.source, i.event.externalId));
        results[i.index] = classify(i.index, i.event.externalId, i.hash, prior);
      }
      if (check) {
        await recordEventCompletions(deps, tx, check.completions, inserted, now);
        await markFirstUsage(
          tx,
          items
            .filter((i) => inserted.has(i.id) && i.event.type === 'usage')
            .map((i) => ({
              integrationId: i.event.integrationId as string,
              at: i.event.occurredAt,
            })),
          now,
        );
      }
      const units = items.filter((i) => inserted.has(i.id)).map((i) => unitOfEvent(i.event));
      await markDirty(tx, units, now);
    });
  }

  for (const d of sameBatchDuplicates) {
    const first = fresh.get(d.key);
    const firstResult = first ? results[first.index] : undefined;
    const eventId =
      firstResult && firstResult.status !== 'rejected' ? firstResult.event_id : undefined;
    const externalId = first?.event.externalId ?? null;
    results[d.index] =
      first && eventId && first.hash === d.hash
        ? { index: d.index, id: externalId, status: 'duplicate', event_id: eventId }
        : classify(
            d.index,
            externalId,
            d.hash,
            eventId ? { id: eventId, hash: first?.hash ?? '' } : undefined,
          );
  }

  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  for (const r of results) {
    if (r.status === 'accepted') accepted++;
    else if (r.status === 'duplicate') duplicates++;
    else rejected++;
  }
  return { accepted, duplicates, rejected, results };
}

/**
 * Stores the events whose idempotency key is new and returns their ids. On
 * SQLite the key is a unique index of `events`; on PostgreSQL `events` is
 * partitioned (migration 0012) and the key lives in `event_keys`, inserted
 * first: a concurrent ingestion of the same key waits for this transaction
 * and then sees the key taken, exactly as with a unique index on `events`.
 */
async function insertNew(
  tx: Tx,
  dialect: Dialect,
  items: readonly { id: string; hash: string; event: IncomingEvent & { campaignId?: string } }[],
  now: number,
): Promise<Set<string>> {
  const inserted = new Set<string>();
  // In key order: two batches sharing keys then wait for each other in one
  // order instead of deadlocking (each holds the keys it inserted so far).
  const sorted = [...items].sort((a, b) =>
    compareKeys(a.event.source, a.event.externalId, b.event.source, b.event.externalId),
  );
  for (const part of chunks(sorted, 200)) {
    if (dialect === 'postgres') {
      const keys = await tx
        .insertInto('event_keys')
        .values(
          part.map((i) => ({
            source: i.event.source,
            external_id: i.event.externalId,
            event_id: i.id,
            content_hash: i.hash,
          })),
        )
        .onConflict((oc) => oc.columns(['source', 'external_id']).doNothing())
        .returning('event_id')
        .execute();
      const taken = new Set(keys.map((k) => k.event_id));
      const rows = part.filter((i) => taken.has(i.id));
      if (rows.length)
        await tx
          .insertInto('events')
          .values(rows.map((i) => eventToRow(i.event, i.id, now, i.hash)))
          .execute();
      for (const id of taken) inserted.add(id);
      continue;
    }
    const rows = await tx
      .insertInto('events')
      .values(part.map((i) => eventToRow(i.event, i.id, now, i.hash)))
      .onConflict((oc) => oc.columns(['source', 'external_id']).doNothing())
      .returning('id')
      .execute();
    for (const r of rows) inserted.add(r.id);
  }
  return inserted;
}

const compareKeys = (sa: string, ea: string, sb: string, eb: string) =>
  sa < sb ? -1 : sa > sb ? 1 : ea < eb ? -1 : ea > eb ? 1 : 0;

/**
 * Events already stored under these keys, by `source␟id`. Queried per source
 * so the lookup uses the unique (source, external_id) index: a scan here would
 * make every batch slower than the last.
 */
async function findStored(
  tx: Tx,
  events: readonly { source: string; externalId: string }[],
  dialect: Dialect,
): Promise<Map<string, { id: string; hash: string }>> {
  const bySource = new Map<string, string[]>();
  for (const e of events) {
    const list = bySource.get(e.source);
    if (list) list.push(e.externalId);
    else bySource.set(e.source, [e.externalId]);
  }
  const found = new Map<string, { id: string; hash: string }>();
  for (const [source, ids] of bySource) {
    for (const part of chunks(ids, 500)) {
      const rows =
        dialect === 'postgres'
          ? await tx
              .selectFrom('event_keys')
              .select(['event_id as id', 'source', 'external_id', 'content_hash'])
              .where('source', '=', source)
              .where('external_id', 'in', part)
              .execute()
          : await tx
              .selectFrom('events')
              .select(['id', 'source', 'external_id', 'content_hash'])
              .where('source', '=', source)
              .where('external_id', 'in', part)
              .execute();
      for (const r of rows)
        found.set(keyOf(r.source, r.external_id), { id: r.id, hash: r.content_hash });
    }
  }
  return found;
}

function classify(
  index: number,
  id: string | null,
  hash: string,
  prior: { id: string; hash: string } | undefined,
): IngestItemResult {
  if (prior && prior.hash === hash) return { index, id, status: 'duplicate', event_id: prior.id };
  return {
    index,
    id,
    status: 'rejected',
    error: {
      code: 'idempotency_conflict',
      message: `an event with id "${id}" was already received with different content`,
      issues: [{ path: 'id', message: 'already used for different content' }],
    },
  };
}
