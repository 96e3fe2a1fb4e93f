import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TandemError } from '../../core/errors.js';
import { mdfStatuses } from '../../core/mdf.js';
import { parseInstant } from '../../core/time.js';
import type { Scope } from '../../engine/api-keys.js';
import { createMdfRequest } from '../../engine/create-mdf-request.js';
import { approveMdfRequest, rejectMdf } from '../../engine/decide-mdf-request.js';
import { approveMdfClaim, submitMdfClaim } from '../../engine/mdf-claims.js';
import {
  findMdfRequest,
  listMdfRequests,
  type MdfRequest,
  mdfRequestView,
  withdrawMdfRequest,
} from '../../engine/mdf-requests.js';
import { requireScope } from '../auth.js';
import { idempotent } from '../idempotent.js';
import { mdfPoolRoutes } from './mdf-pools.js';
import { amountText, httpUrl, idParams, instant, principal } from './request-schemas.js';

const note = z.string().min(1).max(2000);
const proof = z
  .object({
    links: z.array(httpUrl).max(20).default([]),
    invoices: z.array(z.string().trim().min(1).max(500)).max(50).default([]),
    results: z.string().min(1).max(5000).optional(),
  })
  .strict();

/**
 * A request the caller may act on: its partner's own key, or an operator
 * with `scope`. Another partner's request answers 404, so ids cannot be probed.
 */
async function visibleRequest(
  request: FastifyRequest,
  id: string,
  scope: Scope = 'read',
): Promise<MdfRequest> {
  const p = principal(request);
  // An operator without the scope learns nothing, not even whether the id exists.
  if (p.partnerId === null) requireScope(p, scope);
  const r = await findMdfRequest(request.deps.store.db, id);
  if (p.partnerId !== null && p.partnerId !== r.partnerId)
    throw new TandemError('mdf_request_not_found', `no MDF request ${id}`);
  return r;
}

/** Market development funds: pools per quarter, requests, claims with proof, reimbursement. */
export function mdfRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  mdfPoolRoutes(app);

  r.post(
    '/v1/mdf/requests',
    {
      schema: {
        tags: ['mdf'],
        summary:
          "Request funds from a pool for a campaign: a partner's key for itself, an operator (campaigns:write) for a partner",
        body: z
          .object({
            pool_id: z.string().min(1).max(100),
            campaign_id: z.string().min(1).max(100),
            partner_id: z.string().min(1).max(100).optional(),
            amount: amountText,
            currency: z.string().max(10).optional(),
            description: z.string().min(1).max(2000),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      const b = request.body;
      let partnerId: string;
      if (p.partnerId !== null) {
        if (b.partner_id !== undefined && b.partner_id !== p.partnerId)
          throw new TandemError('forbidden', 'a partner requests funds for itself only', {
            issues: [{ path: 'body.partner_id', message: 'only your own partner id' }],
          });
        partnerId = p.partnerId;
      } else {
        requireScope(p, 'campaigns:write');
        if (!b.partner_id)
          throw new TandemError('validation_failed', 'partner_id: required with an operator key', {
            issues: [{ path: 'body.partner_id', message: 'required with an operator key' }],
          });
        partnerId = b.partner_id;
      }
      return idempotent(request.deps, request, reply, async () => ({
        status: 201,
        body: await createMdfRequest(
          request.deps,
          {
            poolId: b.pool_id,
            campaignId: b.campaign_id,
            partnerId,
            amount: b.amount,
            currency: b.currency,
            description: b.description,
          },
          p.keyId,
          { asPartner: p.partnerId !== null },
        ),
      }));
    },
  );

  r.get(
    '/v1/mdf/requests',
    {
      schema: {
        tags: ['mdf'],
        summary:
          'MDF requests, newest first, by pool, campaign, partner and status (a partner key sees its own)',
        querystring: z.object({
          pool_id: z.string().max(100).optional(),
          campaign_id: z.string().max(100).optional(),
          partner_id: z.string().max(100).optional(),
          status: z.enum(mdfStatuses).optional(),
          after: z.string().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
    },
    async (request) => {
      const p = principal(request);
      const q = request.query;
      if (p.partnerId === null) requireScope(p, 'read');
      else if (q.partner_id && q.partner_id !== p.partnerId) return { data: [], next_cursor: null };
      return listMdfRequests(request.deps, {
        partnerId: p.partnerId ?? q.partner_id,
        poolId: q.pool_id,
        campaignId: q.campaign_id,
        status: q.status,
        after: q.after,
        limit: q.limit,
      });
    },
  );

  r.get(
    '/v1/mdf/requests/:id',
    {
      schema: {
        tags: ['mdf'],
        summary:
          'An MDF request with its amounts, deadline, proof, decisions and ledger transaction',
        params: idParams,
      },
    },
    async (request) => mdfRequestView(await visibleRequest(request, request.params.id)),
  );

  r.post(
    '/v1/mdf/requests/:id/approve',
    {
      schema: {
        tags: ['mdf'],
        summary:
          'Approve a request fully (default) or partly, committing pool funds until the claim deadline (mdf:approve)',
        params: idParams,
        body: z
          .object({
            amount: amountText.optional(),
            claim_deadline: instant.optional(),
            note: note.optional(),
          })
          .strict()
          // No body at all (a bare `curl -X POST`) approves the whole request.
          .nullish(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      requireScope(p, 'mdf:approve');
      const b = request.body ?? {};
      return idempotent(request.deps, request, reply, async () => ({
        status: 200,
        body: await approveMdfRequest(
          request.deps,
          request.params.id,
          {
            amount: b.amount,
            claimDeadline:
              b.claim_deadline === undefined
                ? undefined
                : (parseInstant(b.claim_deadline) as number),
            note: b.note,
          },
          p.keyId,
        ),
      }));
    },
  );

  r.post(
    '/v1/mdf/requests/:id/withdraw',
    {
      schema: {
        tags: ['mdf'],
        summary:
          'Withdraw a request before it is decided: the partner its own, an operator (campaigns:write) any',
        params: idParams,
      },
    },
    async (request, reply) => {
      const p = principal(request);
      const req = await visibleRequest(request, request.params.id, 'campaigns:write');
      return idempotent(request.deps, request, reply, async () => ({
        status: 200,
        body: await withdrawMdfRequest(request.deps, req.id, p.keyId),
      }));
    },
  );

  r.post(
    '/v1/mdf/requests/:id/claim',
    {
      schema: {
        tags: ['mdf'],
        summary:
          'Claim approved funds with proof of execution (links, invoices, results), at most the approved amount, before the claim deadline',
        params: idParams,
        body: z.object({ amount: amountText, proof }).strict(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      const req = await visibleRequest(request, request.params.id, 'campaigns:write');
      const b = request.body;
      return idempotent(request.deps, request, reply, async () => ({
        status: 200,
        body: await submitMdfClaim(
          request.deps,
          req.id,
          {
            amount: b.amount,
            proof: {
              links: b.proof.links,
              invoices: b.proof.invoices,
              results: b.proof.results ?? null,
            },
          },
          p.keyId,
        ),
      }));
    },
  );

  r.post(
    '/v1/mdf/requests/:id/claim/approve',
    {
      schema: {
        tags: ['mdf'],
        summary:
          "Approve a claim (default: the claimed amount) and post the reimbursement to the partner's available balance, once (mdf:approve)",
        params: idParams,
        body: z.object({ amount: amountText.optional(), note: note.optional() }).strict().nullish(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      requireScope(p, 'mdf:approve');
      return idempotent(request.deps, request, reply, async () => ({
        status: 200,
        body: await approveMdfClaim(request.deps, request.params.id, request.body ?? {}, p.keyId),
      }));
    },
  );

  for (const [path, what, summary] of [
    ['reject', 'request', 'Reject a request (mdf:approve)'],
    [
      'claim/reject',
      'claim',
      'Reject a claim: nothing is paid and the approved funds return to the pool (mdf:approve)',
    ],
  ] as const) {
    r.post(
      `/v1/mdf/requests/:id/${path}`,
      {
        schema: { tags: ['mdf'], summary, params: idParams, body: z.object({ note }).strict() },
      },
      async (request, reply) => {
        const p = principal(request);
        requireScope(p, 'mdf:approve');
        return idempotent(request.deps, request, reply, async () => ({
          status: 200,
          body: await rejectMdf(request.deps, request.params.id, what, request.body.note, p.keyId),
        }));
      },
    );
  }
}
