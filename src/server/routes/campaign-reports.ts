import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  findCampaignReport,
  listCampaignReports,
  publishCampaignReport,
} from '../../engine/campaign-reports.js';
import { findCampaign } from '../../engine/campaigns.js';
import { campaignAssignment } from '../../engine/measure-campaign.js';
import { readCampaignReport } from '../../engine/read-campaign-report.js';
import { requireScope } from '../auth.js';
import { idempotent } from '../idempotent.js';
import { visibleCampaign } from './campaigns.js';
import { idParams, principal } from './request-schemas.js';

/**
 * Campaign measurement at the edge: the campaign report, holdout assignment
 * for the marketplace, and reports published to the partner network.
 */
export function campaignReportRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/campaigns/:id/report',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          "A campaign's report: plan against actual, outcomes by channel, exposed and held-out arms with the lift and its 95% interval, cost, MDF, bonuses posted, cost per (incremental) activation. A partner key sees its own figures beside the campaign's",
        params: idParams,
      },
    },
    async (request) => {
      const c = await visibleCampaign(request, request.params.id);
      const p = principal(request);
      return readCampaignReport(request.deps.store.db, c, p.partnerId, request.deps.clock.now());
    },
  );

  r.get(
    '/v1/campaigns/:id/assignment',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'The arm a customer is in (exposed or holdout), by a stable hash: ask before sending the creative, send it only to exposed customers, and report touches for both',
        params: idParams,
        querystring: z.object({ customer_id: z.string().min(1).max(200) }),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      const c = await findCampaign(request.deps.store.db, request.params.id);
      return {
        campaign_id: c.id,
        customer_id: request.query.customer_id,
        arm: campaignAssignment(c, request.query.customer_id),
        holdout_percent: c.holdoutBps / 100,
      };
    },
  );

  r.post(
    '/v1/campaigns/:id/reports',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          "Publish the campaign's report with a case study (Markdown) to the whole partner network: a frozen snapshot; moves the campaign completed → reported (publishing again adds a version)",
        params: idParams,
        body: z
          .object({
            title: z.string().trim().min(1).max(200),
            body: z.string().min(1).max(20_000),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      requireScope(p, 'campaigns:write');
      return idempotent(request.deps, request, reply, async () => ({
        status: 201,
        body: await publishCampaignReport(request.deps, request.params.id, request.body, p.keyId),
      }));
    },
  );

  r.get(
    '/v1/campaign-reports',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'Campaign reports published to the partner network, newest first (any partner key may read them)',
        querystring: z.object({
          campaign_id: z.string().max(100).optional(),
          after: z.string().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
    },
    async (request) => {
      const p = principal(request);
      if (p.partnerId === null) requireScope(p, 'read');
      return listCampaignReports(request.deps.store.db, {
        limit: request.query.limit,
        after: request.query.after,
        campaignId: request.query.campaign_id,
      });
    },
  );

  r.get(
    '/v1/campaign-reports/:id',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'A published campaign report with its case study and frozen snapshot',
        params: idParams,
      },
    },
    async (request) => {
      const p = principal(request);
      if (p.partnerId === null) requireScope(p, 'read');
      return findCampaignReport(request.deps.store.db, request.params.id);
    },
  );
}
