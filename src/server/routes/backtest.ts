import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { backtestCsv } from '../../core/backtest-csv.js';
import { isTandemError } from '../../core/errors.js';
import { backtest, prepareBacktest, tierModes } from '../../engine/backtest.js';
import { requireScope } from '../auth.js';
import { problem } from '../problem.js';
import { principal } from './request-schemas.js';

const day = z.string().max(40).describe('YYYY-MM-DD (UTC), included');

/** What the client asked for: CSV, streamed progress (NDJSON) or JSON (the default). */
function wants(request: FastifyRequest): 'csv' | 'ndjson' | 'json' {
  const accept = request.headers.accept ?? '';
  if (/\btext\/csv\b/i.test(accept)) return 'csv';
  if (/\bapplication\/x-ndjson\b/i.test(accept)) return 'ndjson';
  return 'json';
}

/**
 * Stops the replay when the client goes away: a backtest is seconds to minutes of CPU that
 * nobody would read.
 */
function abortOnClose(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

export function backtestRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/programs/:program/backtest',
    {
      schema: {
        tags: ['programs'],
        summary: 'What-if: replay a period under draft terms and compare with the ledger',
        description:
          'Replays the stored events of [from, to] (whole UTC days) in memory under the draft terms, as if published effective from `from`, and compares cost, activations, cost per activation and cost as a share of revenue with what the ledger holds, per partner. Writes nothing. `Accept: text/csv` answers CSV; `Accept: application/x-ndjson` streams `{"progress":…}` lines and then `{"report":…}` (or `{"error":…}`). See docs/backtest.md.',
        params: z.object({ program: z.string() }),
        body: z
          .object({
            terms: z
              .record(z.string(), z.unknown())
              .describe('Draft program terms: see docs/programs.md'),
            from: day,
            to: day,
            check: z
              .boolean()
              .optional()
              .describe('also replay the published terms against the ledger (default true)'),
            tiers: z
              .enum(tierModes)
              .optional()
              .describe(
                "recorded: the tier history partners had; simulate: daily evaluations of the draft's tier levels; auto (default): simulate when the draft qualifies partners differently",
              ),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      requireScope(principal(request), 'read');
      const b = request.body;
      // Every input error is a problem+json answer, before anything is streamed.
      const prepared = await prepareBacktest(request.deps, {
        program: request.params.program,
        terms: b.terms,
        from: b.from,
        to: b.to,
        ...(b.check !== undefined ? { check: b.check } : {}),
        ...(b.tiers !== undefined ? { tiers: b.tiers } : {}),
      });
      const signal = abortOnClose(reply);
      const format = wants(request);
      if (format !== 'ndjson') {
        let report: Awaited<ReturnType<typeof backtest>>;
        try {
          report = await backtest(request.deps, prepared, { signal });
        } catch (err) {
          // The client is gone: nobody to answer, and nothing went wrong on our side.
          if (signal.aborted) return reply.hijack();
          throw err;
        }
        if (format === 'csv')
          return reply.type('text/csv; charset=utf-8').send(backtestCsv(report));
        return reply.send(report);
      }
      const out = new PassThrough();
      const line = (v: unknown) => `${JSON.stringify(v)}\n`;
      backtest(request.deps, prepared, {
        signal,
        onProgress: (p) =>
          out.write(
            line({
              progress: {
                customers: p.customers,
                total_customers: p.totalCustomers,
                events: p.events,
              },
            }),
          ),
      }).then(
        (report) => out.end(line({ report })),
        (err: unknown) => {
          if (signal.aborted) return out.destroy();
          if (!isTandemError(err)) request.log.error({ err }, 'backtest failed');
          out.end(
            line({
              error: isTandemError(err)
                ? problem(err.code, err.message, err.details ?? {})
                : problem('internal_error', 'something went wrong on our side; it has been logged'),
            }),
          );
        },
      );
      return reply.type('application/x-ndjson; charset=utf-8').send(out);
    },
  );
}
