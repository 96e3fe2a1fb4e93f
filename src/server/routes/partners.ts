import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ClickTracker } from '../../engine/click-tracker.js';
import {
  changePartnerStatus,
  createPartner,
  getPartner,
  listPartners,
  partnerKinds,
  partnerStatuses,
} from '../../engine/partners.js';
import {
  createCode,
  createLink,
  disableCode,
  disableLink,
  listCodes,
  listLinks,
} from '../../engine/tracking.js';
import { requirePartnerAccess, requireScope } from '../auth.js';
import { idempotent } from '../idempotent.js';
import { meOf } from './me.js';
import { principal } from './request-schemas.js';

const partnerParams = z.object({ id: z.string().max(100) });
const utm = z
  .object({
    source: z.string().max(200),
    medium: z.string().max(200),
    campaign: z.string().max(200),
    term: z.string().max(200),
    content: z.string().max(200),
  })
  .partial()
  .strict();

export function partnerRoutes(app: FastifyInstance, tracker: ClickTracker | undefined) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/partners',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['partners'],
        summary: 'Create a partner (applied, or approved directly)',
        body: z
          .object({
            name: z.string().min(1).max(200),
            email: z.email().max(320).optional(),
            kinds: z.array(z.enum(partnerKinds)).min(1).default(['referral']),
            programs: z.array(z.string()).max(50).optional(),
            status: z.enum(['applied', 'approved']).optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      requireScope(principal(request), 'partners:write');
      return idempotent(request.deps, request, reply, async () => ({
        status: 201,
        body: await createPartner(request.deps, request.body, principal(request).keyId),
      }));
    },
  );

  r.get(
    '/v1/partners',
    {
      schema: {
        tags: ['partners'],
        summary: 'List partners (filter by status, search name or email; page with after)',
        querystring: z.object({
          status: z.enum(partnerStatuses).optional(),
          q: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          after: z.string().optional(),
        }),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      const q = request.query;
      const data = await listPartners(request.deps, {
        status: q.status,
        search: q.q,
        limit: q.limit,
        after: q.after,
      });
      return {
        data,
        next_cursor: data.length === q.limit ? (data[data.length - 1]?.id ?? null) : null,
      };
    },
  );

  r.get(
    '/v1/me',
    {
      schema: {
        tags: ['partners'],
        summary:
          'The key or signed-in person in use (key_id, mode, scopes, partner_id, user) and, for a partner, its partner',
      },
    },
    async (request) => meOf(request),
  );

  r.get(
    '/v1/partners/:id',
    { schema: { tags: ['partners'], summary: 'A partner', params: partnerParams } },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return getPartner(request.deps, request.params.id);
    },
  );

  r.post(
    '/v1/partners/:id/status',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['partners'],
        summary: 'Approve, reject, suspend, ban or reinstate a partner, with a reason',
        params: partnerParams,
        body: z
          .object({ status: z.enum(partnerStatuses), reason: z.string().max(1000).optional() })
          .strict(),
      },
    },
    async (request, reply) => {
      requireScope(principal(request), 'partners:write');
      return idempotent(request.deps, request, reply, async () => {
        const p = await changePartnerStatus(
          request.deps,
          {
            partnerId: request.params.id,
            status: request.body.status,
            reason: request.body.reason,
          },
          principal(request).keyId,
        );
        tracker?.invalidate();
        return { status: 200, body: p };
      });
    },
  );

  r.post(
    '/v1/partners/:id/links',
    {
      schema: {
        tags: ['tracking'],
        summary: 'Create a tracking link (short code → destination, UTM kept)',
        params: partnerParams,
        body: z
          .object({
            program: z.string(),
            destination: z.string().max(2000),
            code: z
              .string()
              .regex(/^[A-Za-z0-9_-]{3,64}$/)
              .optional(),
            utm: utm.optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      requirePartnerAccess(principal(request), request.params.id, 'partners:write');
      return idempotent(request.deps, request, reply, async () => ({
        status: 201,
        body: await createLink(
          request.deps,
          {
            partnerId: request.params.id,
            ...request.body,
            // A partner links only into programs it is in; an operator's link enrolls it.
            enrolledOnly: principal(request).partnerId !== null,
          },
          principal(request).keyId,
        ),
      }));
    },
  );

  r.get(
    '/v1/partners/:id/links',
    { schema: { tags: ['tracking'], summary: "A partner's links", params: partnerParams } },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return { data: await listLinks(request.deps, request.params.id) };
    },
  );

  r.post(
    '/v1/links/:linkId/disable',
    {
      schema: {
        tags: ['tracking'],
        summary: 'Disable a link (its redirect answers 404)',
        params: z.object({ linkId: z.string() }),
      },
    },
    async (request) => {
      requireScope(principal(request), 'partners:write');
      const link = await disableLink(request.deps, request.params.linkId, principal(request).keyId);
      tracker?.invalidate(link.code);
      return link;
    },
  );

  r.post(
    '/v1/partners/:id/codes',
    {
      schema: {
        tags: ['tracking'],
        summary: 'Create a referral code or coupon code',
        params: partnerParams,
        body: z
          .object({
            program: z.string(),
            kind: z.enum(['referral_code', 'coupon']),
            code: z
              .string()
              .regex(/^[A-Za-z0-9_-]{3,64}$/)
              .optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      requireScope(principal(request), 'partners:write');
      return idempotent(request.deps, request, reply, async () => ({
        status: 201,
        body: await createCode(
          request.deps,
          { partnerId: request.params.id, ...request.body },
          principal(request).keyId,
        ),
      }));
    },
  );

  r.get(
    '/v1/partners/:id/codes',
    { schema: { tags: ['tracking'], summary: "A partner's codes", params: partnerParams } },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return { data: await listCodes(request.deps, request.params.id) };
    },
  );

  r.post(
    '/v1/codes/:code/disable',
    {
      schema: {
        tags: ['tracking'],
        summary: 'Disable a code',
        params: z.object({ code: z.string().max(64) }),
      },
    },
    async (request) => {
      requireScope(principal(request), 'partners:write');
      return disableCode(request.deps, request.params.code, principal(request).keyId);
    },
  );
}
