import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TandemError } from '../../core/errors.js';
import { createApiKey, listPartnerTestKeys, revokeApiKey } from '../../engine/api-keys.js';
import { getPartner } from '../../engine/partners.js';
import type { Sandbox } from '../../engine/sandbox.js';
import { requirePartnerAccess, requireScope, requireTestMode } from '../auth.js';
import { idParams, principal } from './request-schemas.js';

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
      requirePartnerAccess(p, request.params.id, 'admin');
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

  r.get(
    '/v1/partners/:id/sandbox-keys',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['sandbox'],
        summary: "A partner's test keys (never their secrets), newest first; its own live key may",
        params: idParams,
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id, 'admin');
      await getPartner(request.deps, request.params.id);
      return { data: await listPartnerTestKeys(request.deps, request.params.id) };
    },
  );

  r.delete(
    '/v1/partners/:id/sandbox-keys/:keyId',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['sandbox'],
        summary: "Revoke one of a partner's test keys; its own live key may",
        params: idParams.extend({ keyId: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      requirePartnerAccess(p, request.params.id, 'admin');
      const keys = await listPartnerTestKeys(request.deps, request.params.id);
      if (!keys.some((k) => k.id === request.params.keyId && k.revoked_at === null))
        throw new TandemError(
          'not_found',
          `no active test key ${request.params.keyId} of this partner`,
        );
      await revokeApiKey(request.deps, request.params.keyId, p.keyId);
      return reply.code(204).send();
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
