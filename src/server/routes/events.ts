import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TandemError } from '../../core/errors.js';
import { eventInputSchema } from '../../core/event-input.js';
import { ingestEvents, MAX_BATCH } from '../../engine/ingest-events.js';
import { requireScope } from '../auth.js';
import { problem, sendProblem } from '../problem.js';

const batchSchema = z.object({ events: z.array(eventInputSchema).max(MAX_BATCH) });

/**
 * POST /v1/events — one event (answered 201 accepted, 200 duplicate, or a
 * problem), or a batch `{ "events": [...] }` / a JSON array of up to 1,000
 * (answered 200 with a result per item). Items are validated one by one, so
 * one bad item never rejects its neighbours.
 */
export function eventRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Ingest one event or a batch of up to 1,000',
        body: z.union([eventInputSchema, batchSchema, z.array(eventInputSchema).max(MAX_BATCH)]),
      },
      // Items are validated individually by the engine, which answers per item.
      validatorCompiler: () => (data) => ({ value: data }),
    },
    async (request, reply) => {
      const p = request.principal as NonNullable<typeof request.principal>;
      // A partner's own sandbox key may report its own integrations' events, so an
      // integrator can walk the whole flow before the marketplace's systems do.
      const partnerId = p.partnerId !== null && p.mode === 'test' ? p.partnerId : null;
      if (partnerId === null) requireScope(p, 'events:write');
      const body = request.body as unknown;
      const isBatch =
        Array.isArray(body) ||
        (typeof body === 'object' && body !== null && 'events' in body && !('type' in body));
      if (!isBatch) {
        if (typeof body !== 'object' || body === null) {
          throw new TandemError(
            'validation_failed',
            'send an event object, an array of events, or { "events": [...] }',
          );
        }
        const r = await ingestEvents(request.deps, [body], { partnerId });
        const item = r.results[0];
        if (!item) throw new Error('no result');
        if (item.status === 'rejected') {
          return sendProblem(
            reply,
            problem(item.error.code, item.error.message, { issues: item.error.issues }),
          );
        }
        if (item.status === 'accepted') request.worker?.poke();
        return reply.code(item.status === 'accepted' ? 201 : 200).send(item);
      }
      const items = Array.isArray(body) ? body : (body as { events: unknown }).events;
      if (!Array.isArray(items))
        throw new TandemError('validation_failed', '"events" must be an array');
      const r = await ingestEvents(request.deps, items, { partnerId });
      if (r.accepted > 0) request.worker?.poke();
      return reply.code(200).send(r);
    },
  );
}
