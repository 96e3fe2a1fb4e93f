import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fileRails } from '../../core/payout.js';
import { approvePayoutRun } from '../../engine/approve-payout-run.js';
import { cancelPayoutRun } from '../../engine/cancel-payout.js';
import { createPayoutRun } from '../../engine/create-payout-run.js';
import { importPayoutResults } from '../../engine/import-payout-results.js';
import { listPayoutRunFiles, payoutRunFile } from '../../engine/payout-run-files.js';
import { findProgram } from '../../engine/programs.js';
import { listPayoutRuns, listRunHolds, readPayoutRun } from '../../engine/read-payout-runs.js';
import { sendPayoutRun } from '../../engine/send-payout-run.js';
import { requireScope } from '../auth.js';
import { principal } from './request-schemas.js';

const runParams = z.object({ id: z.string().max(100) });

/** Payout runs: create (claim), approve, send, files, results, cancel. */
export function payoutRunRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/payout-runs',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['payouts'],
        summary:
          "Create a payout run for an ended period (default: the last one): claims every eligible partner's available balance into payouts",
        body: z
          .object({ program: z.string().min(1).max(100), period: z.string().max(20).optional() })
          .strict(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      requireScope(p, 'payouts:write');
      const run = await createPayoutRun(request.deps, {
        program: request.body.program,
        period: request.body.period,
        actor: p.keyId,
      });
      return reply.code(201).send(run);
    },
  );

  r.get(
    '/v1/payout-runs',
    {
      schema: {
        tags: ['payouts'],
        summary: 'Payout runs, newest first',
        querystring: z.object({
          program_id: z.string().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(200).optional(),
        }),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      const program = request.query.program_id
        ? (await findProgram(request.deps.store.db, request.query.program_id)).id
        : undefined;
      return {
        data: await listPayoutRuns(request.deps, {
          program,
          limit: request.query.limit,
        }),
      };
    },
  );

  r.get(
    '/v1/payout-runs/:id',
    {
      schema: {
        tags: ['payouts'],
        summary: 'A payout run with its totals and holds',
        params: runParams,
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return readPayoutRun(request.deps, request.params.id);
    },
  );

  r.get(
    '/v1/payout-runs/:id/holds',
    {
      schema: {
        tags: ['payouts'],
        summary:
          'Partners with a balance this run did not pay, and why (their balance carries forward)',
        params: runParams,
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return { data: await listRunHolds(request.deps, request.params.id) };
    },
  );

  r.post(
    '/v1/payout-runs/:id/approve',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['payouts'],
        summary: 'Approve a pending run (four-eyes: not by the key that created it)',
        params: runParams,
      },
    },
    async (request) => {
      const p = principal(request);
      requireScope(p, 'payouts:approve');
      return approvePayoutRun(request.deps, request.params.id, p.keyId);
    },
  );

  r.post(
    '/v1/payout-runs/:id/send',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['payouts'],
        summary:
          'Send an approved run: Stripe transfers are made, file and manual payouts are handed over',
        params: runParams,
      },
    },
    async (request) => {
      const p = principal(request);
      requireScope(p, 'payouts:write');
      return sendPayoutRun(request.deps, request.params.id, p.keyId);
    },
  );

  r.post(
    '/v1/payout-runs/:id/cancel',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['payouts'],
        summary: 'Cancel a run that has not been sent: the claimed money returns to the balances',
        params: runParams,
        body: z.object({ reason: z.string().min(1).max(500) }).strict(),
      },
    },
    async (request) => {
      const p = principal(request);
      requireScope(p, 'payouts:write');
      return cancelPayoutRun(request.deps, request.params.id, p.keyId, request.body.reason);
    },
  );

  r.get(
    '/v1/payout-runs/:id/files',
    { schema: { tags: ['payouts'], summary: 'The upload files of a sent run', params: runParams } },
    async (request) => {
      requireScope(principal(request), 'payouts:write');
      return { data: await listPayoutRunFiles(request.deps, request.params.id) };
    },
  );

  r.get(
    '/v1/payout-runs/:id/files/:rail',
    {
      schema: {
        tags: ['payouts'],
        summary:
          'Download the file for one rail (csv, paypal, wise) and currency, with full payout details, to upload to the provider',
        params: runParams.extend({ rail: z.enum(fileRails) }),
        querystring: z.object({ currency: z.string().max(3).optional() }),
      },
    },
    async (request, reply) => {
      requireScope(principal(request), 'payouts:write');
      const f = await payoutRunFile(
        request.deps,
        request.params.id,
        request.params.rail,
        request.query.currency,
      );
      return reply
        .type(f.contentType)
        .header('content-disposition', `attachment; filename="${f.filename}"`)
        .header('cache-control', 'no-store')
        .send(f.body);
    },
  );

  r.post(
    '/v1/payout-runs/:id/results',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['payouts'],
        summary:
          "Import a provider's result file (the CSV text): settles or fails each payout, with a report per row",
        params: runParams,
        body: z
          .object({
            rail: z.enum(fileRails),
            text: z.string().max(4 * 1024 * 1024),
            dry_run: z.boolean().optional(),
          })
          .strict(),
      },
    },
    async (request) => {
      const p = principal(request);
      requireScope(p, 'payouts:write');
      return importPayoutResults(request.deps, {
        runId: request.params.id,
        rail: request.body.rail,
        text: request.body.text,
        actor: p.keyId,
        dryRun: request.body.dry_run ?? false,
      });
    },
  );
}
