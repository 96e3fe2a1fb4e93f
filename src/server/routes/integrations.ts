import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TandemError } from '../../core/errors.js';
import type { Scope } from '../../engine/api-keys.js';
import { listRedemptions, readCredits, redeemCredits } from '../../engine/credits.js';
import {
  getSubmission,
  listSubmissions,
  reviewSubmission,
  submitEvidence,
} from '../../engine/integration-reviews.js';
import {
  findIntegration,
  getIntegration,
  listIntegrations,
  registerIntegration,
  updateIntegration,
} from '../../engine/integrations.js';
import { readIntegrationUsage } from '../../engine/read-integration-usage.js';
import { requirePartnerAccess, requireScope } from '../auth.js';
import { idempotent } from '../idempotent.js';
import { httpUrl, idParams, principal } from './request-schemas.js';

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/);
const evidence = z
  .object({
    links: z.array(httpUrl).max(20).optional(),
    notes: z.string().max(5000).optional(),
    test_run_id: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((e) => e.links?.length || e.notes || e.test_run_id, {
    message: 'give links, notes or a test_run_id',
  });

/**
 * An integration the caller may see: its partner's own key, or an operator
 * with `scope`. Another partner's integration answers 404, so ids cannot be probed.
 */
async function accessibleIntegration(request: FastifyRequest, id: string, scope: Scope) {
  const p = principal(request);
  const row = await findIntegration(request.deps.store.db, id);
  if (p.partnerId !== null) {
    if (p.partnerId !== row.partner_id)
      throw new TandemError('integration_not_found', `no integration ${id}`);
  } else requireScope(p, scope);
  return row;
}

/** Integrations, their milestones and reviews, usage, certification, entitlements and credits. */
export function integrationRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/integrations',
    {
      schema: {
        tags: ['integrations'],
        summary:
          "Register an integration (app, connector) in a program the partner is enrolled in; a partner's own key registers its own",
        body: z
          .object({
            partner_id: z.string().max(100).optional(),
            program: z.string().min(1).max(100),
            name: z.string().min(1).max(200),
            category: z.string().min(1).max(100).optional(),
            listing_url: httpUrl.optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      // A partner registers for itself: naming another partner is refused, not quietly ignored.
      if (
        p.partnerId !== null &&
        request.body.partner_id &&
        request.body.partner_id !== p.partnerId
      )
        throw new TandemError('forbidden', 'a partner registers integrations for itself only', {
          issues: [{ path: 'body.partner_id', message: 'only your own partner id' }],
        });
      const partnerId = p.partnerId ?? request.body.partner_id;
      if (!partnerId)
        throw new TandemError('validation_failed', 'partner_id: required with an operator key', {
          issues: [{ path: 'body.partner_id', message: 'required with an operator key' }],
        });
      requirePartnerAccess(p, partnerId, 'integrations:write');
      return idempotent(request.deps, request, reply, async () => ({
        status: 201,
        body: await registerIntegration(
          request.deps,
          {
            partnerId,
            program: request.body.program,
            name: request.body.name,
            category: request.body.category,
            listingUrl: request.body.listing_url,
          },
          p.keyId,
        ),
      }));
    },
  );

  r.get(
    '/v1/integrations',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Integrations, by partner or program (a partner key sees its own)',
        querystring: z.object({
          partner_id: z.string().max(100).optional(),
          program_id: z.string().max(100).optional(),
          after: z.string().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
    },
    async (request) => {
      const p = principal(request);
      const partnerId = p.partnerId ?? request.query.partner_id;
      if (p.partnerId === null) requireScope(p, 'read');
      else if (request.query.partner_id && request.query.partner_id !== p.partnerId)
        return { data: [], next_cursor: null };
      return listIntegrations(request.deps, {
        partnerId,
        programId: request.query.program_id,
        limit: request.query.limit,
        after: request.query.after,
      });
    },
  );

  r.get(
    '/v1/integrations/:id',
    {
      schema: {
        tags: ['integrations'],
        summary:
          'An integration with its milestone checklist and the certification it holds now (level, expiry, what each level still needs)',
        params: idParams,
      },
    },
    async (request) => {
      await accessibleIntegration(request, request.params.id, 'read');
      return getIntegration(request.deps, request.params.id);
    },
  );

  r.patch(
    '/v1/integrations/:id',
    {
      schema: {
        tags: ['integrations'],
        summary:
          'Change name, category, listing URL, or archive it (its history and rewards stay; it no longer counts for certification)',
        params: idParams,
        body: z
          .object({
            name: z.string().min(1).max(200).optional(),
            category: z.string().min(1).max(100).nullable().optional(),
            listing_url: httpUrl.nullable().optional(),
            status: z.enum(['active', 'archived']).optional(),
          })
          .strict(),
      },
    },
    async (request) => {
      await accessibleIntegration(request, request.params.id, 'integrations:write');
      return updateIntegration(
        request.deps,
        request.params.id,
        {
          name: request.body.name,
          category: request.body.category,
          listingUrl: request.body.listing_url,
          status: request.body.status,
        },
        principal(request).keyId,
      );
    },
  );

  r.get(
    '/v1/integrations/:id/usage',
    {
      schema: {
        tags: ['integrations'],
        summary:
          'Usage per month (installs, units per metric, revenue) with the rewards posted for closed months and an estimate for the month running',
        params: idParams,
        querystring: z.object({ months: z.coerce.number().int().min(1).max(36).default(6) }),
      },
    },
    async (request) => {
      await accessibleIntegration(request, request.params.id, 'read');
      return readIntegrationUsage(request.deps, request.params.id, request.query.months);
    },
  );

  r.post(
    '/v1/integrations/:id/submissions',
    {
      schema: {
        tags: ['integrations'],
        summary:
          'Submit evidence that a milestone is reached, for review (the partner, or an operator on its behalf)',
        params: idParams,
        body: z.object({ milestone: slug, evidence }).strict(),
      },
    },
    async (request, reply) => {
      await accessibleIntegration(request, request.params.id, 'integrations:write');
      return idempotent(request.deps, request, reply, async () => ({
        status: 201,
        body: await submitEvidence(
          request.deps,
          {
            integrationId: request.params.id,
            milestone: request.body.milestone,
            evidence: request.body.evidence,
          },
          principal(request).keyId,
        ),
      }));
    },
  );

  r.get(
    '/v1/integrations/:id/submissions',
    {
      schema: {
        tags: ['integrations'],
        summary: "An integration's submissions and their reviews, newest first",
        params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      },
    },
    async (request) => {
      await accessibleIntegration(request, request.params.id, 'read');
      return {
        data: await listSubmissions(request.deps.store.db, {
          integrationId: request.params.id,
          limit: request.query.limit,
        }),
      };
    },
  );

  r.get(
    '/v1/integration-submissions',
    {
      schema: {
        tags: ['integrations'],
        summary:
          'The review queue (status=pending, oldest first) or past reviews; a partner key sees its own',
        querystring: z.object({
          status: z.enum(['pending', 'approved', 'rejected']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
    },
    async (request) => {
      const p = principal(request);
      if (p.partnerId === null) requireScope(p, 'read');
      return {
        data: await listSubmissions(request.deps.store.db, {
          status: request.query.status,
          partnerId: p.partnerId ?? undefined,
          limit: request.query.limit,
        }),
      };
    },
  );

  r.get(
    '/v1/integration-submissions/:id',
    {
      schema: {
        tags: ['integrations'],
        summary: 'One submission and its review',
        params: idParams,
      },
    },
    async (request) => {
      const p = principal(request);
      const s = await getSubmission(request.deps.store.db, request.params.id);
      if (p.partnerId !== null && p.partnerId !== s.partner_id)
        throw new TandemError('submission_not_found', `no submission ${request.params.id}`);
      if (p.partnerId === null) requireScope(p, 'read');
      return s;
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    r.post(
      `/v1/integration-submissions/:id/${decision}`,
      {
        schema: {
          tags: ['integrations'],
          summary:
            decision === 'approve'
              ? 'Approve a submission: the milestone is completed now and its grants follow'
              : 'Reject a submission with a comment the partner reads',
          params: idParams,
          body:
            decision === 'approve'
              ? z
                  .object({ comment: z.string().max(5000).optional() })
                  .strict()
                  .default({})
              : z.object({ comment: z.string().min(1).max(5000) }).strict(),
        },
      },
      async (request, reply) => {
        requireScope(principal(request), 'integrations:write');
        return idempotent(request.deps, request, reply, async () => ({
          status: 200,
          body: await reviewSubmission(
            request.deps,
            {
              submissionId: request.params.id,
              decision,
              comment: (request.body as { comment?: string }).comment,
            },
            principal(request).keyId,
          ),
        }));
      },
    );
  }

  r.get(
    '/v1/partners/:id/credits',
    {
      schema: {
        tags: ['credits'],
        summary: "A partner's support-credit balances per program and asset (never paid out)",
        params: idParams,
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return {
        partner_id: request.params.id,
        data: await readCredits(request.deps.store.db, request.params.id),
      };
    },
  );

  r.post(
    '/v1/partners/:id/credits/redemptions',
    {
      schema: {
        tags: ['credits'],
        summary:
          "Redeem credits (the marketplace spends them on the partner's behalf); the balance is checked atomically. An Idempotency-Key header is required",
        params: idParams,
        body: z
          .object({
            asset: z.string().regex(/^[A-Z][A-Z0-9_]{3,31}$/),
            amount: z.union([
              z.number().int().min(1).max(999_999_999),
              z.string().regex(/^[1-9]\d{0,8}$/),
            ]),
            program_id: z.string().max(100).optional(),
            reference: z.string().min(1).max(200).optional(),
            memo: z.string().max(1000).optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      requireScope(p, 'credits:redeem');
      // Spending is money-like: a retry after a timeout must not spend twice.
      return idempotent(
        request.deps,
        request,
        reply,
        async () => ({
          status: 201,
          body: await redeemCredits(
            request.deps,
            {
              partnerId: request.params.id,
              programId: request.body.program_id,
              asset: request.body.asset,
              amount: BigInt(request.body.amount),
              reference: request.body.reference,
              memo: request.body.memo,
            },
            p.keyId,
          ),
        }),
        { required: true },
      );
    },
  );

  r.get(
    '/v1/partners/:id/credits/redemptions',
    {
      schema: {
        tags: ['credits'],
        summary: "A partner's credit redemptions, newest first",
        params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return {
        data: await listRedemptions(request.deps.store.db, request.params.id, request.query.limit),
      };
    },
  );
}
