import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TandemError } from '../../core/errors.js';
import { payoutStatuses } from '../../core/payout.js';
import { statementCsv, statementHtml, statementJson } from '../../core/render-statement.js';
import { cancelPayout } from '../../engine/cancel-payout.js';
import { importFxRates, listFxRates } from '../../engine/fx-rates.js';
import { getPayoutProfile, putPayoutProfile } from '../../engine/payout-profiles.js';
import { findProgram } from '../../engine/programs.js';
import { readPayoutOutlook } from '../../engine/read-payout-outlook.js';
import { listPayouts, readPayout } from '../../engine/read-payout-runs.js';
import { listStatementPeriods, readStatement } from '../../engine/read-statement.js';
import { reconcilePayouts } from '../../engine/reconcile-payouts.js';
import { recordPayoutOutcome } from '../../engine/record-payout-outcome.js';
import { resumePayouts } from '../../engine/resume-payouts.js';
import { requirePartnerAccess, requireScope } from '../auth.js';
import { idParams, principal } from './request-schemas.js';

const listQuery = z.object({
  status: z.enum(payoutStatuses).optional(),
  after: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** Payouts one by one, payout profiles and the FX rate table. */
export function payoutRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/payouts',
    {
      schema: {
        tags: ['payouts'],
        summary: 'Payouts by run, partner or status',
        querystring: listQuery.extend({
          run_id: z.string().max(100).optional(),
          partner_id: z.string().max(100).optional(),
        }),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return listPayouts(request.deps, request.query);
    },
  );

  r.get(
    '/v1/partners/:id/payouts',
    {
      schema: {
        tags: ['payouts'],
        summary: "A partner's payouts (its own key may read them)",
        params: idParams,
        querystring: listQuery,
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return listPayouts(request.deps, { ...request.query, partner_id: request.params.id });
    },
  );

  r.get(
    '/v1/payouts/:id',
    {
      schema: {
        tags: ['payouts'],
        summary: 'A payout with its history: every state change and rail answer',
        params: idParams,
      },
    },
    async (request) => {
      const p = principal(request);
      const payout = await readPayout(request.deps, request.params.id);
      // Another partner's payout is as unknown as a missing one (no owner in the answer).
      if (p.partnerId !== null && p.partnerId !== payout.partner_id)
        throw new TandemError('payout_not_found', `no payout ${request.params.id}`);
      requirePartnerAccess(p, payout.partner_id);
      return payout;
    },
  );

  for (const [verb, status, field, summary] of [
    [
      'settle',
      'settled',
      'reference',
      'Record a sent payout as paid, with the bank or provider reference (manual rail, or a file rail without a result file)',
    ],
    [
      'fail',
      'failed',
      'reason',
      'Record a sent payout as failed: its money returns to the available balance',
    ],
  ] as const) {
    r.post(
      `/v1/payouts/:id/${verb}`,
      {
        config: { liveOnly: true },
        schema: {
          tags: ['payouts'],
          summary,
          params: idParams,
          body: z.object({ [field]: z.string().min(1).max(500) }).strict(),
        },
      },
      async (request) => {
        const p = principal(request);
        requireScope(p, 'payouts:write');
        const body = request.body as Record<string, string>;
        const { payout } = await recordPayoutOutcome(
          request.deps,
          request.params.id,
          { status, [field]: body[field] },
          p.keyId,
        );
        return payout;
      },
    );
  }

  r.post(
    '/v1/payouts/:id/cancel',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['payouts'],
        summary:
          'Cancel one payout that has not been sent: its money returns to the available balance',
        params: idParams,
        body: z.object({ reason: z.string().min(1).max(500) }).strict(),
      },
    },
    async (request) => {
      const p = principal(request);
      requireScope(p, 'payouts:write');
      await cancelPayout(request.deps, request.params.id, p.keyId, request.body.reason);
      return readPayout(request.deps, request.params.id);
    },
  );

  r.get(
    '/v1/payouts/reconciliation',
    {
      schema: {
        tags: ['payouts'],
        summary:
          'Tie ledger balances, payout records and rail confirmations together and list every difference',
        querystring: z.object({
          program_id: z.string().max(100).optional(),
          check_rail: z.enum(['true', 'false']).optional(),
        }),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      const program = request.query.program_id
        ? (await findProgram(request.deps.store.db, request.query.program_id)).id
        : undefined;
      return reconcilePayouts(request.deps, {
        program,
        checkRail: request.query.check_rail === 'true',
      });
    },
  );

  r.post(
    '/v1/payouts/resume',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['payouts'],
        summary:
          'Finish interrupted payout steps now (claims, cancellations, unanswered Stripe calls, asked again with the same idempotency key) that no process has touched for a minute',
      },
    },
    async (request) => {
      requireScope(principal(request), 'payouts:write');
      return resumePayouts(request.deps);
    },
  );

  r.get(
    '/v1/partners/:id/statements',
    {
      schema: {
        tags: ['payouts'],
        summary: 'The periods a partner has statements for in a program, newest first',
        params: idParams,
        querystring: z.object({ program: z.string().min(1).max(100) }),
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      const periods = await listStatementPeriods(
        request.deps,
        request.params.id,
        request.query.program,
      );
      return {
        data: periods.map((period) => ({
          period,
          html: `/v1/partners/${request.params.id}/statements/${period}?program=${encodeURIComponent(request.query.program)}&format=html`,
          csv: `/v1/partners/${request.params.id}/statements/${period}?program=${encodeURIComponent(request.query.program)}&format=csv`,
        })),
      };
    },
  );

  r.get(
    '/v1/partners/:id/statements/:period',
    {
      schema: {
        tags: ['payouts'],
        summary:
          'A statement for one period: opening balance, every accrual, reversal, clawback, conversion and payout, closing balance (JSON, CSV or printable HTML)',
        params: idParams.extend({ period: z.string().max(20) }),
        querystring: z.object({
          program: z.string().min(1).max(100),
          format: z.enum(['json', 'csv', 'html']).default('json'),
        }),
      },
    },
    async (request, reply) => {
      requirePartnerAccess(principal(request), request.params.id);
      const s = await readStatement(request.deps, {
        partnerId: request.params.id,
        program: request.query.program,
        period: request.params.period,
      });
      const name = `statement-${s.partner.id}-${s.program.id}-${s.period}`;
      if (request.query.format === 'csv')
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.csv"`)
          .send(statementCsv(s));
      if (request.query.format === 'html')
        return reply.type('text/html; charset=utf-8').send(statementHtml(s));
      return statementJson(s);
    },
  );

  r.put(
    '/v1/partners/:id/payout-profile',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['payouts'],
        summary:
          "Set a partner's payout method, details, currency and tax status (the partner's own key may); details come back masked",
        params: idParams,
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (request) => {
      const p = principal(request);
      requirePartnerAccess(p, request.params.id, 'payouts:write');
      return putPayoutProfile(request.deps, request.params.id, request.body, p.keyId);
    },
  );

  r.get(
    '/v1/partners/:id/payout-outlook',
    {
      schema: {
        tags: ['payouts'],
        summary:
          "Per program: the next payout run's period and due date, and what it would pay the partner now — or why it would hold the balance",
        params: idParams,
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return { data: await readPayoutOutlook(request.deps, request.params.id) };
    },
  );

  r.get(
    '/v1/partners/:id/payout-profile',
    {
      schema: {
        tags: ['payouts'],
        summary: "A partner's payout profile, masked, with what its rail still needs",
        params: idParams,
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return getPayoutProfile(request.deps, request.params.id);
    },
  );

  r.post(
    '/v1/fx-rates',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['payouts'],
        summary:
          'Load exchange rates (exact decimals, quote per base, from as_of); all or nothing, with every bad row listed',
        body: z
          .object({
            rates: z
              .array(
                z.object({
                  base: z.unknown(),
                  quote: z.unknown(),
                  rate: z.unknown(),
                  as_of: z.unknown(),
                  source: z.unknown().optional(),
                }),
              )
              .min(1)
              .max(10_000),
          })
          .strict(),
      },
    },
    async (request) => {
      const p = principal(request);
      requireScope(p, 'payouts:write');
      return importFxRates(request.deps, request.body.rates, p.keyId);
    },
  );

  r.get(
    '/v1/fx-rates',
    {
      schema: {
        tags: ['payouts'],
        summary: 'Exchange rates, newest first',
        querystring: z.object({
          base: z.string().max(3).optional(),
          quote: z.string().max(3).optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
        }),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return { data: await listFxRates(request.deps, request.query) };
    },
  );
}
