import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { evaluateTiers } from '../../engine/evaluate-tiers.js';
import { readCertificationEntitlements } from '../../engine/integrations.js';
import { listOutboxEvents } from '../../engine/outbox.js';
import { findProgram } from '../../engine/programs.js';
import { listProgramTiers, readEntitlements, readPartnerTiers } from '../../engine/read-tiers.js';
import { requirePartnerAccess, requireScope } from '../auth.js';
import { idParams, principal } from './request-schemas.js';

/** Tiers, entitlements and the webhook-ready event feed. */
export function tierRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/partners/:id/tiers',
    {
      schema: {
        tags: ['tiers'],
        summary: "A partner's tier per program, its benefits, and progress to the next tier",
        params: idParams,
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return { data: await readPartnerTiers(request.deps, request.params.id) };
    },
  );

  r.get(
    '/v1/partners/:id/entitlements',
    {
      schema: {
        tags: ['tiers'],
        summary:
          "A partner's current non-monetary entitlements: benefits of the tiers it holds (`data`) and entitlements of the certification its integrations hold (`integrations`, expired levels excluded); `entitlements` lists every id",
        params: idParams,
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      const tiers = await readEntitlements(request.deps, request.params.id);
      const certified = await readCertificationEntitlements(request.deps, request.params.id);
      return {
        partner_id: request.params.id,
        as_of: certified.as_of,
        entitlements: [...new Set([...tiers.map((b) => b.id), ...certified.entitlements])].sort(),
        data: tiers,
        integrations: certified.integrations,
      };
    },
  );

  r.get(
    '/v1/programs/:id/tiers',
    {
      schema: {
        tags: ['tiers'],
        summary: "Every partner's tier state in a program",
        params: idParams,
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return { data: await listProgramTiers(request.deps, request.params.id) };
    },
  );

  r.post(
    '/v1/programs/:id/tiers/evaluate',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['tiers'],
        summary: 'Re-evaluate tiers now (all partners, or one) — also runs on a schedule',
        params: idParams,
        body: z
          .object({ partner_id: z.string().max(100).optional() })
          .strict()
          .optional(),
      },
    },
    async (request) => {
      const p = principal(request);
      requireScope(p, 'programs:write');
      const program = await findProgram(request.deps.store.db, request.params.id);
      return evaluateTiers(request.deps, {
        programId: program.id,
        ...(request.body?.partner_id ? { partnerId: request.body.partner_id } : {}),
        actor: p.keyId,
      });
    },
  );

  r.get(
    '/v1/webhook-events',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Webhook-ready events (tier changes, budget and margin alerts), oldest first',
        querystring: z.object({
          after: z.string().max(100).optional(),
          subject: z.string().max(100).optional(),
          type: z.string().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return listOutboxEvents(request.deps, request.query);
    },
  );
}
