import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createUser, listUsers, roles, updateUser } from '../../engine/users.js';
import { requireScope } from '../auth.js';
import { idParams, principal } from './request-schemas.js';

/** The actor of a users change: the signed-in person's role, or none for an admin API key. */
const actorOf = (request: FastifyRequest) => ({
  id: principal(request).keyId,
  role: request.user?.role ?? null,
});

/** People who sign in to the web app, and their roles (owner and admin only). */
export function userRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/users',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['users'],
        summary: 'List the people who sign in (operators and partner users)',
        querystring: z.object({ partner_id: z.string().max(100).optional() }).strict(),
      },
    },
    async (request) => {
      requireScope(principal(request), 'admin');
      return { data: await listUsers(request.deps, { partnerId: request.query.partner_id }) };
    },
  );
  r.post(
    '/v1/users',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['users'],
        summary:
          'Add a person: an operator with a role (owner, admin, finance, partner_manager, analyst) or a partner user (role partner with partner_id). They sign in with a link mailed to them',
        body: z
          .object({
            email: z.string().trim().min(3).max(320).email(),
            name: z.string().trim().min(1).max(200),
            role: z.enum(roles),
            partner_id: z.string().max(100).optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      requireScope(principal(request), 'admin');
      return reply.code(201).send(await createUser(request.deps, request.body, actorOf(request)));
    },
  );
  r.patch(
    '/v1/users/:id',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['users'],
        summary: "Change a person's name or operator role, or disable them (their sessions end)",
        params: idParams,
        body: z
          .object({
            name: z.string().trim().min(1).max(200).optional(),
            role: z.enum(roles).exclude(['partner']).optional(),
            disabled: z.boolean().optional(),
          })
          .strict(),
      },
    },
    async (request) => {
      requireScope(principal(request), 'admin');
      return updateUser(request.deps, request.params.id, request.body, actorOf(request));
    },
  );
}
