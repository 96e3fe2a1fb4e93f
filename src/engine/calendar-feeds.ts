import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { TandemError } from '../core/errors.js';
import { renderCalendarFeed } from '../core/icalendar.js';
import { addDays, toIso } from '../core/time.js';
import type { CalendarFeedsTable } from '../store/schema.js';
import { toNumber } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { emitEvent } from './outbox.js';
import { findPartner } from './partners.js';
import { readCalendar } from './read-calendar.js';
import { type Db, inTransaction, type Tx } from './transaction.js';

/**
 * Private iCalendar subscription URLs: one live feed per partner and one for
 * the operator. The token in the URL is the credential (calendar
 * applications send no headers), so only its SHA-256 is stored and it is
 * shown once; rotating a feed revokes the previous token.
 */
export const FEED_TOKEN_PREFIX = 'cal_';
/** What a feed covers around the time it is fetched. */
export const FEED_PAST_DAYS = 90;
export const FEED_FUTURE_DAYS = 365;

export interface CalendarFeedView {
  id: string;
  /** null: the operator's feed. */
  partner_id: string | null;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
}

const view = (r: CalendarFeedsTable): CalendarFeedView => ({
  id: r.id,
  partner_id: r.partner_id,
  created_by: r.created_by,
  created_at: toIso(toNumber(r.created_at)),
  revoked_at: r.revoked_at === null ? null : toIso(toNumber(r.revoked_at)),
});

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** The live feeds of one owner (a partner, or the operator for null). */
const ofOwner = (tx: Tx, partnerId: string | null) => {
  const q = tx.updateTable('calendar_feeds').where('revoked_at', 'is', null);
  return partnerId === null
    ? q.where('partner_id', 'is', null)
    : q.where('partner_id', '=', partnerId);
};

/**
 * Creates the feed of a partner (or the operator's, for null) and returns
 * its secret token once; the owner's previous feed, if any, is revoked in
 * the same transaction. Errors: `partner_not_found`.
 */
export async function createCalendarFeed(
  deps: Deps,
  input: { partnerId: string | null },
  actor: string,
): Promise<{ feed: CalendarFeedView; token: string; rotated: string[] }> {
  return inTransaction(deps, async (tx) => {
    if (input.partnerId !== null) await findPartner(tx, input.partnerId);
    // Serializes rotations of one owner's feed on PostgreSQL (SQLite has one
    // writer), so two at once never leave two live URLs.
    if (deps.store.dialect === 'postgres')
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`calendar_feed:${input.partnerId ?? 'operator'}`}))`.execute(
        tx,
      );
    const now = deps.clock.now();
    const rotated = (
      await ofOwner(tx, input.partnerId).set({ revoked_at: now }).returning('id').execute()
    ).map((r) => r.id);
    const token = `${FEED_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row: CalendarFeedsTable = {
      id: deps.ids.next('calf'),
      partner_id: input.partnerId,
      token_hash: digest(token),
      created_by: actor,
      created_at: now,
      revoked_at: null,
    };
    await tx.insertInto('calendar_feeds').values(row).execute();
    const feed = view(row);
    await audit(deps, tx, {
      actor,
      action: 'calendar_feed.created',
      subject: row.id,
      data: { partner_id: row.partner_id, revoked: rotated },
    });
    await emitEvent(deps, tx, {
      type: 'calendar_feed.created',
      subject: row.id,
      data: { ...feed, revoked: rotated },
    });
    return { feed, token, rotated };
  });
}

/** Feeds, newest first: one partner's, the operator's (null), or all (undefined). Never tokens. */
export async function listCalendarFeeds(
  db: Db | Tx,
  owner: { partnerId?: string | null | undefined },
): Promise<CalendarFeedView[]> {
  let q = db
    .selectFrom('calendar_feeds')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
  if (owner.partnerId === null) q = q.where('partner_id', 'is', null);
  else if (owner.partnerId !== undefined) q = q.where('partner_id', '=', owner.partnerId);
  return (await q.execute()).map(view);
}

/** A feed by id, as stored. Errors: `calendar_feed_not_found`. */
export async function findCalendarFeed(db: Db | Tx, id: string): Promise<CalendarFeedView> {
  const row = await db
    .selectFrom('calendar_feeds')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new TandemError('calendar_feed_not_found', `no calendar feed ${id}`);
  return view(row);
}

/**
 * Revokes a feed: its URL answers 404 from now on. Errors:
 * `calendar_feed_not_found` (unknown or already revoked).
 */
export async function revokeCalendarFeed(
  deps: Deps,
  id: string,
  actor: string,
): Promise<CalendarFeedView> {
  return inTransaction(deps, async (tx) => {
    const now = deps.clock.now();
    const r = await tx
      .updateTable('calendar_feeds')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0)
      throw new TandemError('calendar_feed_not_found', `no live calendar feed ${id}`);
    const feed = await findCalendarFeed(tx, id);
    await audit(deps, tx, {
      actor,
      action: 'calendar_feed.revoked',
      subject: id,
      data: { partner_id: feed.partner_id },
    });
    await emitEvent(deps, tx, {
      type: 'calendar_feed.revoked',
      subject: id,
      data: feed as unknown as Record<string, unknown>,
    });
    return feed;
  });
}

/**
 * The iCalendar text behind a feed token: the owner's calendar from
 * {@link FEED_PAST_DAYS} days ago to {@link FEED_FUTURE_DAYS} days ahead — a
 * partner's own view, or the operator's whole calendar. Errors:
 * `calendar_feed_not_found` (a malformed, unknown or revoked token, or the
 * feed of a partner no longer approved: all the same to the caller).
 */
export async function calendarFeedText(deps: Deps, token: string): Promise<string> {
  const notFound = () => new TandemError('calendar_feed_not_found', 'no such calendar feed');
  if (!/^cal_[A-Za-z0-9_-]{20,100}$/.test(token)) throw notFound();
  const db = deps.store.db;
  const feed = await db
    .selectFrom('calendar_feeds')
    .select(['id', 'partner_id'])
    .where('token_hash', '=', digest(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!feed) throw notFound();
  const now = deps.clock.now();
  const partner =
    feed.partner_id === null
      ? undefined
      : await db
          .selectFrom('partners')
          .select(['id', 'name', 'status'])
          .where('id', '=', feed.partner_id)
          .executeTakeFirst();
  // A partner suspended, banned or rejected loses its feed with its access (revived if approved again).
  if (feed.partner_id !== null && partner?.status !== 'approved') throw notFound();
  const items = await readCalendar(db, {
    from: addDays(now, -FEED_PAST_DAYS),
    to: addDays(now, FEED_FUTURE_DAYS),
    partnerId: partner?.id,
    asPartner: partner !== undefined,
  });
  return renderCalendarFeed(items, {
    name: partner ? `Tandem — ${partner.name}` : 'Tandem — partner calendar',
    now,
  });
}
