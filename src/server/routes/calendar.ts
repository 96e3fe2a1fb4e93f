import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TandemError } from '../../core/errors.js';
import { addDays, parseInstant, toIso } from '../../core/time.js';
import type { Principal } from '../../engine/api-keys.js';
import {
  calendarFeedText,
  createCalendarFeed,
  findCalendarFeed,
  listCalendarFeeds,
  revokeCalendarFeed,
} from '../../engine/calendar-feeds.js';
import type { Deps } from '../../engine/deps.js';
import {
  calendarItemView,
  DEFAULT_FUTURE_DAYS,
  DEFAULT_PAST_DAYS,
  readCalendar,
} from '../../engine/read-calendar.js';
import { requireScope } from '../auth.js';
import { instant, principal } from './request-schemas.js';

const partnerNotFound = (id: string) => new TandemError('partner_not_found', `no partner ${id}`);

/** The public address of this server as the caller reached it (proxies' X-Forwarded-* honored). */
const publicBase = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

/**
 * Who may revoke a feed: a partner its own; an operator the operator's feed
 * with `campaigns:write` (the team shares it: a read-only key must not cut
 * the others off) and a partner's with `partners:write`. Another partner's
 * feed answers 404.
 */
function requireFeedAccess(p: Principal, feedPartnerId: string | null, feedId: string) {
  if (p.partnerId !== null) {
    if (feedPartnerId !== p.partnerId)
      throw new TandemError('calendar_feed_not_found', `no calendar feed ${feedId}`);
    return;
  }
  requireScope(p, feedPartnerId === null ? 'campaigns:write' : 'partners:write');
}

/** The shared calendar (JSON) and the management of its iCalendar feeds. */
export function calendarRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/calendar',
    {
      schema: {
        tags: ['calendar'],
        summary:
          "The shared calendar: campaigns (conflicts flagged), accelerator windows, program version changes and payout dates. A partner key sees its own campaigns and its programs' dates",
        querystring: z
          .object({
            from: instant.optional().describe(`default: ${DEFAULT_PAST_DAYS} days ago`),
            to: instant.optional().describe(`default: ${DEFAULT_FUTURE_DAYS} days ahead`),
            partner_id: z.string().min(1).max(100).optional(),
            program: z.string().min(1).max(100).optional().describe('a program id or key'),
          })
          .strict(),
      },
    },
    async (request) => {
      const p = principal(request);
      const q = request.query;
      if (p.partnerId === null) requireScope(p, 'read');
      else if (q.partner_id !== undefined && q.partner_id !== p.partnerId)
        throw partnerNotFound(q.partner_id);
      const now = request.deps.clock.now();
      const from = q.from ? (parseInstant(q.from) as number) : addDays(now, -DEFAULT_PAST_DAYS);
      const to = q.to ? (parseInstant(q.to) as number) : addDays(now, DEFAULT_FUTURE_DAYS);
      const items = await readCalendar(request.deps.store.db, {
        from,
        to,
        partnerId: p.partnerId ?? q.partner_id,
        asPartner: p.partnerId !== null,
        program: q.program,
      });
      return { from: toIso(from), to: toIso(to), data: items.map(calendarItemView) };
    },
  );

  r.post(
    '/v1/calendar/feeds',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['calendar'],
        summary:
          "Create (or rotate) a private iCalendar feed URL: a partner key its own, an operator its own (read) or a partner's (partners:write). The previous URL stops working; the new one is shown once",
        // No body at all (a bare `curl -X POST`) is the caller's own feed.
        body: z
          .object({ partner_id: z.string().min(1).max(100).optional() })
          .strict()
          .nullish(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      const asked = request.body?.partner_id ?? undefined;
      let partnerId: string | null;
      if (p.partnerId !== null) {
        if (asked !== undefined && asked !== p.partnerId) throw partnerNotFound(asked);
        partnerId = p.partnerId;
      } else {
        // Creating a feed rotates the previous one away: not for read-only keys.
        requireScope(p, asked === undefined ? 'campaigns:write' : 'partners:write');
        partnerId = asked ?? null;
      }
      // Not replayable with an Idempotency-Key on purpose: a stored answer would
      // keep the secret URL; a retried rotation just rotates again.
      const { feed, token, rotated } = await createCalendarFeed(
        request.deps,
        { partnerId },
        p.keyId,
      );
      return reply.code(201).send({
        id: feed.id,
        url: `${publicBase(request)}/calendar/${token}.ics`,
        partner_id: feed.partner_id,
        created_at: feed.created_at,
        revoked: rotated,
      });
    },
  );

  r.get(
    '/v1/calendar/feeds',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['calendar'],
        summary:
          'Calendar feeds, newest first, without their URLs: a partner key its own, an operator (read) all or one partner’s',
        querystring: z.object({ partner_id: z.string().min(1).max(100).optional() }).strict(),
      },
    },
    async (request) => {
      const p = principal(request);
      const asked = request.query.partner_id;
      if (p.partnerId !== null) {
        if (asked !== undefined && asked !== p.partnerId) throw partnerNotFound(asked);
        return { data: await listCalendarFeeds(request.deps.store.db, { partnerId: p.partnerId }) };
      }
      requireScope(p, 'read');
      return { data: await listCalendarFeeds(request.deps.store.db, { partnerId: asked }) };
    },
  );

  r.delete(
    '/v1/calendar/feeds/:id',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['calendar'],
        summary: 'Revoke a calendar feed: its URL answers 404 from now on',
        params: z.object({ id: z.string().min(1).max(100) }),
      },
    },
    async (request) => {
      const p = principal(request);
      const feed = await findCalendarFeed(request.deps.store.db, request.params.id);
      requireFeedAccess(p, feed.partner_id, feed.id);
      return revokeCalendarFeed(request.deps, feed.id, p.keyId);
    },
  );
}

/**
 * GET /calendar/:token.ics — the subscription URL calendar applications
 * poll. No API key: the token is the credential, so it lives outside /v1
 * and its auth hook, on live data only. Unknown, malformed or revoked
 * tokens answer 404 `calendar_feed_not_found`.
 */
export function calendarFeedRoute(app: FastifyInstance, deps: Deps) {
  app.get<{ Params: { file: string } }>(
    '/calendar/:file',
    { schema: { hide: true } as object },
    async (request, reply) => {
      const file = request.params.file;
      if (!file.endsWith('.ics'))
        throw new TandemError('calendar_feed_not_found', 'no such calendar feed');
      const text = await calendarFeedText(deps, file.slice(0, -'.ics'.length));
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .header('content-disposition', 'inline; filename="tandem.ics"')
        .send(text);
    },
  );
}
