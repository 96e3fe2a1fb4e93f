import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TandemError } from '../../core/errors.js';
import { createApiKey } from '../../engine/api-keys.js';
import { getPartner } from '../../engine/partners.js';
import type { Sandbox } from '../../engine/sandbox.js';
import { requireScope, requireTestMode } from '../auth.js';
import { principal } from './request-schemas.js';

/**
 * Test mode: a partner's own sandbox key, and wiping the sandbox. See
 * docs/sandbox.md.
 */
export function sandboxRoutes(app: FastifyInstance, sandbox: Sandbox) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/partners/:id/sandbox-keys',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['sandbox'],
        summary:
          "Create a test key for a partner (its own live key may): it reads the partner's sandbox data only. The secret is shown once",
        params: z.object({ id: z.string().max(100) }),
        body: z
          .object({ name: z.string().min(1).max(200).optional() })
          .strict()
          .optional(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      if (p.partnerId !== null) {
        if (p.partnerId !== request.params.id)
          throw new TandemError('partner_not_found', `no partner ${request.params.id}`);
      } else {
        requireScope(p, 'admin');
      }
      // Live deps: keys of both modes are stored in the live database.
      const partner = await getPartner(request.deps, request.params.id);
      const key = await createApiKey(
        request.deps,
        {
          name: request.body?.name ?? `${partner.name} sandbox`,
          scopes: ['read'],
          partnerId: partner.id,
          mode: 'test',
        },
        p.keyId,
      );
      return reply.code(201).send(key);
    },
  );

  r.post(
    '/v1/sandbox/reset',
    {
      schema: {
        tags: ['sandbox'],
        summary:
          'Wipe the sandbox (test events, rewards, ledger, links, codes …) and mirror live configuration again; an operator test key with admin',
      },
    },
    async (request) => {
      const p = principal(request);
      requireTestMode(p);
      requireScope(p, 'admin');
      // This request's own hold on the sandbox would make the reset wait for itself.
      request.sandboxLease?.release();
      return sandbox.reset(p.keyId);
    },
  );
}
