import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readBudget } from '../../engine/read-budget.js';
import { requireScope } from '../auth.js';
import { principal } from './request-schemas.js';

export function budgetRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/programs/:id/budget',
    {
      schema: {
        tags: ['programs'],
        summary:
          'Budget view for a month: spent, committed (pending), forecast, remaining, cost as a share of attributed revenue, alerts',
        params: z.object({ id: z.string().max(100) }),
        querystring: z.object({ month: z.string().max(20).optional() }),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return readBudget(request.deps, request.params.id, request.query.month);
    },
  );
}
