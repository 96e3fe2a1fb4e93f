import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TandemError } from '../../core/errors.js';
import { validateTerms } from '../../core/program-terms.js';
import { parseInstant } from '../../core/time.js';
import { diffVersions } from '../../engine/diff-versions.js';
import { createProgram, getProgram, listPrograms, publishVersion } from '../../engine/programs.js';
import { requireScope } from '../auth.js';
import { idempotent } from '../idempotent.js';
import { instant, principal } from './request-schemas.js';

const versionNumber = z.coerce.number().int().min(1).max(2_147_483_647);
const terms = z.record(z.string(), z.unknown()).describe('Program terms: see docs/programs.md');

export function programRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/programs',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['programs'],
        summary: 'Create a program (optionally with its first version)',
        body: z
          .object({
            key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
            name: z.string().min(1).max(200),
            version: z.object({ effective_from: instant.optional(), terms }).strict().optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      requireScope(principal(request), 'programs:write');
      return idempotent(request.deps, request, reply, async () => {
        const { key, name, version } = request.body;
        await createProgram(
          request.deps,
          {
            key,
            name,
            firstVersion: version && {
              effectiveFrom:
                version.effective_from === undefined
                  ? undefined
                  : (parseInstant(version.effective_from) as number),
              terms: version.terms,
            },
          },
          principal(request).keyId,
        );
        return { status: 201, body: await getProgram(request.deps, key) };
      });
    },
  );

  r.get(
    '/v1/programs',
    { schema: { tags: ['programs'], summary: 'List programs with their versions' } },
    async (request) => {
      requireScope(principal(request), 'read');
      return { data: await listPrograms(request.deps) };
    },
  );

  r.get(
    '/v1/programs/:program',
    {
      schema: {
        tags: ['programs'],
        summary: 'A program (by id or key) with every version',
        params: z.object({ program: z.string() }),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return getProgram(request.deps, request.params.program);
    },
  );

  r.get(
    '/v1/programs/:program/versions/diff',
    {
      schema: {
        tags: ['programs'],
        summary: 'What changes between two versions, in plain terms',
        description:
          'from defaults to the version in force now, to to the latest published. Lists are matched by id; each change has a path, before/after values and a one-sentence summary.',
        params: z.object({ program: z.string() }),
        querystring: z
          .object({
            from: versionNumber.optional().describe('version number; default: in force now'),
            to: versionNumber.optional().describe('version number; default: the latest'),
          })
          .strict(),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return diffVersions(request.deps, {
        program: request.params.program,
        from: request.query.from,
        to: request.query.to,
      });
    },
  );

  r.post(
    '/v1/programs/:program/versions',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['programs'],
        summary: 'Publish a new immutable version of the terms',
        description:
          'effective_from must not be in the past, nor sooner than the notice_days of the version in force allow (422 notice_period), unless correction is true (with a reason): a correction is recorded and re-derives only the customers with events on or after it. Left out, effective_from is the earliest the notice period allows.',
        params: z.object({ program: z.string() }),
        body: z
          .object({
            effective_from: instant
              .optional()
              .describe('defaults to now plus the notice_days of the version in force'),
            terms,
            correction: z.boolean().optional(),
            reason: z.string().max(1000).optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      requireScope(principal(request), 'programs:write');
      return idempotent(request.deps, request, reply, async () => {
        const b = request.body;
        const version = await publishVersion(
          request.deps,
          {
            program: request.params.program,
            effectiveFrom:
              b.effective_from === undefined
                ? undefined
                : (parseInstant(b.effective_from) as number),
            terms: b.terms,
            ...(b.correction !== undefined ? { correction: b.correction } : {}),
            ...(b.reason !== undefined ? { reason: b.reason } : {}),
          },
          principal(request).keyId,
        );
        return { status: 201, body: version };
      });
    },
  );

  r.post(
    '/v1/programs/validate',
    {
      schema: {
        tags: ['programs'],
        summary: 'Validate terms without publishing; lists every problem by path',
        body: z.object({ terms }).strict(),
      },
    },
    async (request, reply) => {
      requireScope(principal(request), 'read');
      const result = validateTerms(request.body.terms);
      if (!result.ok)
        throw new TandemError('invalid_program', 'the program terms are invalid', {
          issues: result.issues,
        });
      return reply.send({ valid: true, terms: result.document });
    },
  );
}
