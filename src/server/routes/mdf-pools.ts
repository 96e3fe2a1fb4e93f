import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TandemError } from '../../core/errors.js';
import { mdfScopes } from '../../core/mdf.js';
import { createMdfPool } from '../../engine/create-mdf-pool.js';
import {
  getMdfPool,
  listMdfPools,
  loadMdfPool,
  poolServesPartner,
} from '../../engine/mdf-pools.js';
import { updateMdfPool } from '../../engine/update-mdf-pool.js';
import { requireScope } from '../auth.js';
import { idempotent } from '../idempotent.js';
import { amountText, idParams, principal } from './request-schemas.js';

/** MDF pools: open one per quarter and scope, resize it, read what it has committed and left. */
export function mdfPoolRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/mdf/pools',
    {
      schema: {
        tags: ['mdf'],
        summary:
          'Open a fund pool for a quarter of a program: for every partner (scope program), one tier, or one partner (campaigns:write)',
        body: z
          .object({
            program: z.string().min(1).max(100),
            quarter: z.string().regex(/^\d{4}-Q[1-4]$/, { message: 'must look like 2026-Q1' }),
            scope: z.enum(mdfScopes),
            tier_id: z.string().min(1).max(100).optional(),
            partner_id: z.string().min(1).max(100).optional(),
            currency: z.string().max(10).optional(),
            amount: amountText,
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      requireScope(p, 'campaigns:write');
      const b = request.body;
      return idempotent(request.deps, request, reply, async () => ({
        status: 201,
        body: await createMdfPool(
          request.deps,
          {
            program: b.program,
            quarter: b.quarter,
            scope: b.scope,
            tierId: b.tier_id,
            partnerId: b.partner_id,
            currency: b.currency,
            amount: b.amount,
          },
          p.keyId,
        ),
      }));
    },
  );

  r.get(
    '/v1/mdf/pools',
    {
      schema: {
        tags: ['mdf'],
        summary:
          'Pools with their amount, committed, reimbursed and remaining funds (a partner key sees the pools it may draw on now)',
        querystring: z.object({
          program_id: z.string().max(100).optional(),
          quarter: z.string().max(10).optional(),
          scope: z.enum(mdfScopes).optional(),
        }),
      },
    },
    async (request) => {
      const p = principal(request);
      if (p.partnerId === null) requireScope(p, 'read');
      return listMdfPools(request.deps, {
        programId: request.query.program_id,
        quarter: request.query.quarter,
        scope: request.query.scope,
        eligibleFor: p.partnerId ?? undefined,
      });
    },
  );

  r.get(
    '/v1/mdf/pools/:id',
    {
      schema: {
        tags: ['mdf'],
        summary: 'A pool with its amount, committed, reimbursed, pending and remaining funds',
        params: idParams,
      },
    },
    async (request) => {
      const p = principal(request);
      if (p.partnerId === null) requireScope(p, 'read');
      else {
        const db = request.deps.store.db;
        const pool = await loadMdfPool(request.deps, db, request.params.id);
        if (!(await poolServesPartner(db, pool, p.partnerId)))
          throw new TandemError('mdf_pool_not_found', `no MDF pool ${request.params.id}`);
      }
      return getMdfPool(request.deps, request.params.id);
    },
  );

  r.patch(
    '/v1/mdf/pools/:id',
    {
      schema: {
        tags: ['mdf'],
        summary: 'Raise or lower a pool, never below what it has committed (campaigns:write)',
        params: idParams,
        body: z.object({ amount: amountText }).strict(),
      },
    },
    async (request) => {
      const p = principal(request);
      requireScope(p, 'campaigns:write');
      return updateMdfPool(request.deps, request.params.id, request.body, p.keyId);
    },
  );
}
