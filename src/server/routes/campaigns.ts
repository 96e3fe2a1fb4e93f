import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  campaignBonusSchema,
  campaignChannels,
  campaignCodeSchema,
  campaignStatuses,
  campaignTargetsSchema,
  holdoutPercentSchema,
} from '../../core/campaign.js';
import { TandemError } from '../../core/errors.js';
import { parseInstant } from '../../core/time.js';
import type { Scope } from '../../engine/api-keys.js';
import {
  type CampaignInput,
  type CampaignRow,
  campaignHistory,
  campaignView,
  changeCampaignStatus,
  createCampaign,
  findCampaign,
  listCampaigns,
  updateCampaign,
} from '../../engine/campaigns.js';
import { createLink } from '../../engine/tracking.js';
import { requireScope } from '../auth.js';
import { idempotent } from '../idempotent.js';
import { amountText, httpUrl, idParams, instant, principal } from './request-schemas.js';

const plan = {
  name: z.string().min(1).max(200),
  goal: z.string().min(1).max(2000).optional(),
  channels: z.array(z.enum(campaignChannels)).min(1).max(campaignChannels.length),
  audience: z.string().min(1).max(2000).optional(),
  segment: z.string().min(1).max(100).optional(),
  starts_at: instant,
  ends_at: instant,
  assets: z
    .array(z.object({ label: z.string().min(1).max(200), url: httpUrl }).strict())
    .max(50)
    .optional(),
  expected_lift: z
    .number()
    .min(-100)
    .max(100)
    .refine((x) => Math.abs(x * 100 - Math.round(x * 100)) < 1e-6, {
      message: 'at most two decimals',
    })
    .optional(),
  targets: campaignTargetsSchema.optional(),
  holdout_percent: holdoutPercentSchema.optional(),
  bonuses: z.array(campaignBonusSchema).max(20).optional(),
  cost: amountText.optional(),
  partner_ids: z.array(z.string().min(1).max(100)).min(1).max(50).optional(),
};

type PlanBody = {
  [K in keyof typeof plan]?: z.output<(typeof plan)[K]>;
};

function toInput(b: PlanBody): Partial<Omit<CampaignInput, 'program' | 'code'>> {
  return {
    name: b.name,
    goal: b.goal,
    channels: b.channels,
    audience: b.audience,
    segment: b.segment,
    startsAt: b.starts_at === undefined ? undefined : (parseInstant(b.starts_at) as number),
    endsAt: b.ends_at === undefined ? undefined : (parseInstant(b.ends_at) as number),
    assets: b.assets,
    expectedLiftBps: b.expected_lift === undefined ? undefined : Math.round(b.expected_lift * 100),
    targets: b.targets,
    holdoutBps: b.holdout_percent === undefined ? undefined : Math.round(b.holdout_percent * 100),
    bonuses: b.bonuses,
    cost: b.cost,
    partnerIds: b.partner_ids,
  };
}

/**
 * A campaign the caller may see: one its partner key runs, or any with an
 * operator's `scope` (`read`; a write passes its own, since scopes do not
 * imply each other). Another partner's campaign answers 404.
 */
export async function visibleCampaign(
  request: FastifyRequest,
  id: string,
  scope: Scope = 'read',
): Promise<CampaignRow> {
  const p = principal(request);
  const c = await findCampaign(request.deps.store.db, id);
  if (p.partnerId === null) requireScope(p, scope);
  else if (!c.partners.some((m) => m.partnerId === p.partnerId))
    throw new TandemError('campaign_not_found', `no campaign ${id}`);
  return c;
}

/** Co-marketing campaigns: planning, the status flow, tracking links. */
export function campaignRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          "Plan a campaign (status proposed). A partner's key proposes its own; an operator with campaigns:write plans one for any partners",
        body: z
          .object({
            program: z.string().min(1).max(100),
            code: campaignCodeSchema.optional(),
            currency: z.string().max(10).optional(),
            ...plan,
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      const b = request.body;
      let partnerIds = b.partner_ids ?? [];
      if (p.partnerId !== null) {
        // A partner proposes for itself; the operator invites others when approving.
        if (partnerIds.some((id) => id !== p.partnerId))
          throw new TandemError('forbidden', 'a partner proposes campaigns for itself only', {
            issues: [{ path: 'body.partner_ids', message: 'only your own partner id' }],
          });
        partnerIds = [p.partnerId];
      } else {
        requireScope(p, 'campaigns:write');
        if (partnerIds.length === 0)
          throw new TandemError('validation_failed', 'partner_ids: required with an operator key', {
            issues: [{ path: 'body.partner_ids', message: 'required with an operator key' }],
          });
      }
      return idempotent(request.deps, request, reply, async () => ({
        status: 201,
        body: await createCampaign(
          request.deps,
          {
            ...(toInput(b) as Omit<CampaignInput, 'program'>),
            program: b.program,
            code: b.code,
            currency: b.currency,
            partnerIds,
          },
          p.keyId,
        ),
      }));
    },
  );

  r.get(
    '/v1/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Campaigns, by program, partner or status (a partner key sees those it runs)',
        querystring: z.object({
          program_id: z.string().max(100).optional(),
          partner_id: z.string().max(100).optional(),
          status: z.enum(campaignStatuses).optional(),
        }),
      },
    },
    async (request) => {
      const p = principal(request);
      if (p.partnerId === null) requireScope(p, 'read');
      else if (request.query.partner_id && request.query.partner_id !== p.partnerId)
        return { data: [] };
      return listCampaigns(request.deps, {
        partnerId: p.partnerId ?? request.query.partner_id,
        programId: request.query.program_id,
        status: request.query.status,
      });
    },
  );

  r.get(
    '/v1/campaigns/:id',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'A campaign (by id or code) with its partners, plan and the statuses it can move to',
        params: idParams,
      },
    },
    async (request) => campaignView(await visibleCampaign(request, request.params.id)),
  );

  r.patch(
    '/v1/campaigns/:id',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'Change the plan: anything while proposed or approved (a partner: its own proposal); once live only cost, assets, goal and audience',
        params: idParams,
        body: z.object(plan).partial().strict(),
      },
    },
    async (request) => {
      const p = principal(request);
      const c = await visibleCampaign(request, request.params.id, 'campaigns:write');
      if (p.partnerId !== null) {
        if (request.body.partner_ids)
          throw new TandemError('forbidden', "only the operator changes a campaign's partners");
      } else requireScope(p, 'campaigns:write');
      return updateCampaign(
        request.deps,
        c.id,
        toInput(request.body),
        p.keyId,
        p.partnerId !== null ? { onlyWhile: 'proposed' } : {},
      );
    },
  );

  r.post(
    '/v1/campaigns/:id/status',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'Move a campaign along proposed → approved → live → completed → reported (or rejected / cancelled); a partner may cancel its own proposal',
        params: idParams,
        body: z
          .object({
            status: z.enum(campaignStatuses),
            note: z.string().min(1).max(2000).optional(),
          })
          .strict(),
      },
    },
    async (request) => {
      const p = principal(request);
      const c = await visibleCampaign(request, request.params.id, 'campaigns:write');
      if (p.partnerId !== null) {
        if (request.body.status !== 'cancelled')
          throw new TandemError(
            'forbidden',
            'a partner can only withdraw (cancel) its own proposal; the operator moves campaigns',
          );
      } else requireScope(p, 'campaigns:write');
      return changeCampaignStatus(
        request.deps,
        c.id,
        request.body.status,
        p.keyId,
        request.body.note,
        // A partner withdraws only a proposal: checked in the transaction.
        p.partnerId !== null ? { onlyFrom: 'proposed' } : {},
      );
    },
  );

  r.get(
    '/v1/campaigns/:id/history',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Every status the campaign has had, when and by whom',
        params: idParams,
      },
    },
    async (request) => {
      const c = await visibleCampaign(request, request.params.id);
      return { data: await campaignHistory(request.deps.store.db, c.id) };
    },
  );

  r.post(
    '/v1/campaigns/:id/links',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          "A campaign tracking link for one of its partners: visits through it are campaign touches (utm_campaign is the campaign's code)",
        params: idParams,
        body: z
          .object({
            partner_id: z.string().max(100).optional(),
            destination: z.string().min(1).max(2000),
            code: z
              .string()
              .regex(/^[A-Za-z0-9_-]{3,64}$/)
              .optional(),
            utm_source: z.string().min(1).max(100).optional(),
            utm_medium: z.string().min(1).max(100).optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      const c = await visibleCampaign(request, request.params.id, 'campaigns:write');
      const partnerId = p.partnerId ?? request.body.partner_id ?? c.partners[0]?.partnerId;
      if (p.partnerId === null) requireScope(p, 'campaigns:write');
      if (!partnerId || !c.partners.some((m) => m.partnerId === partnerId))
        throw new TandemError('validation_failed', 'partner_id: not a partner of this campaign', {
          issues: [{ path: 'body.partner_id', message: 'not a partner of this campaign' }],
        });
      return idempotent(request.deps, request, reply, async () => ({
        status: 201,
        body: await createLink(
          request.deps,
          {
            partnerId,
            program: c.programId,
            destination: request.body.destination,
            code: request.body.code,
            campaignId: c.id,
            utm: {
              campaign: c.code,
              ...(request.body.utm_source ? { source: request.body.utm_source } : {}),
              ...(request.body.utm_medium ? { medium: request.body.utm_medium } : {}),
            },
          },
          p.keyId,
        ),
      }));
    },
  );
}
