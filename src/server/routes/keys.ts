import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createApiKey,
  keyModes,
  listApiKeys,
  revokeApiKey,
  scopes,
} from '../../engine/api-keys.js';
import { requireScope } from '../auth.js';
import { principal } from './request-schemas.js';

export function keyRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/api-keys',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['api keys'],
        summary:
          'Create an API key (the secret is shown once). With partner_id: a key that reads only that partner. With mode test: a key for the sandbox',
        body: z
          .object({
            name: z.string().min(1).max(200),
            scopes: z.array(z.enum(scopes)).min(1).default(['read']),
            partner_id: z.string().optional(),
            mode: z
              .enum(keyModes)
              .default('live')
              .describe('test: the key works on the sandbox (test mode), never on live data'),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      requireScope(principal(request), 'admin');
      const b = request.body;
      const key = await createApiKey(
        request.deps,
        {
          name: b.name,
          scopes: b.partner_id ? ['read'] : b.scopes,
          partnerId: b.partner_id,
          mode: b.mode,
        },
        principal(request).keyId,
      );
      return reply.code(201).send(key);
    },
  );
  r.get(
    '/v1/api-keys',
    {
      config: { liveOnly: true },
      schema: { tags: ['api keys'], summary: 'List API keys (never their secrets)' },
    },
    async (request) => {
      requireScope(principal(request), 'admin');
      return { data: await listApiKeys(request.deps) };
    },
  );
  r.delete(
    '/v1/api-keys/:keyId',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['api keys'],
        summary: 'Revoke an API key',
        params: z.object({ keyId: z.string() }),
      },
    },
    async (request, reply) => {
      requireScope(principal(request), 'admin');
      await revokeApiKey(request.deps, request.params.keyId, principal(request).keyId);
      return reply.code(204).send();
    },
  );
}
