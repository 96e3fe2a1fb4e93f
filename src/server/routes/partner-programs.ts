import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listPartnerPrograms } from '../../engine/list-partner-programs.js';
import { requirePartnerAccess } from '../auth.js';
import { principal } from './request-schemas.js';

/**
 * The terms a partner works under, readable with the partner's own key:
 * operator program endpoints are closed to partner keys, and this one shows
 * only the programs the partner is in, current and upcoming versions.
 */
export function partnerProgramRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/partners/:id/programs',
    {
      schema: {
        tags: ['programs'],
        summary: 'The programs a partner is enrolled in, with current and upcoming terms',
        params: z.object({ id: z.string().max(100) }),
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return {
        partner_id: request.params.id,
        data: await listPartnerPrograms(request.deps, request.params.id),
      };
    },
  );
}
