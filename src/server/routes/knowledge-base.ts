import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TandemError } from '../../core/errors.js';
import {
  createKbPage,
  getKbPage,
  KB_BODY_MAX_BYTES,
  KB_SLUG,
  KB_SLUG_MAX,
  KB_TITLE_MAX,
  type KbReader,
  kbAudiences,
  listKbPages,
  listKbRevisions,
  updateKbPage,
} from '../../engine/knowledge-base.js';
import { requireScope } from '../auth.js';
import { principal } from './request-schemas.js';

const slug = z.string().min(1).max(KB_SLUG_MAX).regex(KB_SLUG, {
  message: 'use lowercase letters, digits and single hyphens, e.g. how-referrals-work',
});
const title = z.string().trim().min(1).max(KB_TITLE_MAX);
const body = z
  .string()
  .max(KB_BODY_MAX_BYTES)
  .refine((s) => Buffer.byteLength(s, 'utf8') <= KB_BODY_MAX_BYTES, {
    message: 'must be at most 100 KB (102,400 bytes of UTF-8)',
  })
  .describe('Markdown (GitHub flavoured); raw HTML is shown as text by the web app');
const audience = z
  .enum(kbAudiences)
  .describe('partners: the portal and operators; operators: the internal playbook');
const position = z.number().int().min(0).max(1_000_000).describe('reading order, lowest first');
const note = z.string().trim().max(500).describe('what changed and why, for the history');
const slugParams = z.object({ slug: z.string().min(1).max(100) });

/** Who is reading: a partner (key or person) or an operator with `read`. */
function readerOf(request: FastifyRequest): KbReader {
  const p = principal(request);
  if (p.partnerId !== null) return 'partner';
  requireScope(p, 'read');
  return 'operator';
}

/** `If-Match: "3"` (or `W/"3"`, or `3`): the version an edit was based on. */
function ifMatchVersion(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(
    Array.isArray(header) ? (header[0] ?? '') : header,
  );
  if (!m)
    throw new TandemError('validation_failed', 'If-Match must be the page version, e.g. "3"', {
      issues: [{ path: 'headers.if-match', message: 'must be the page version, e.g. "3"' }],
    });
  return Number(m[1]);
}

const etag = (version: number) => `"${version}"`;

/**
 * The knowledge base: playbook pages in Markdown. Partners read the
 * published `partners` pages; operators with `read` read every page;
 * operators with `programs:write` (partner managers, admins) write them and
 * read their history. Live data only: the sandbox has no pages of its own.
 */
export function knowledgeBaseRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/kb',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['knowledge-base'],
        summary:
          'Knowledge base pages in reading order, without their bodies: a partner sees the published pages for partners, an operator (read) every page',
      },
    },
    async (request) => ({ data: await listKbPages(request.deps.store.db, readerOf(request)) }),
  );

  r.get(
    '/v1/kb/:slug',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['knowledge-base'],
        summary:
          'One page with its Markdown body and version (also the ETag). A partner asking for an internal or unpublished page gets 404 kb_page_not_found',
        params: slugParams,
      },
    },
    async (request, reply) => {
      const page = await getKbPage(request.deps.store.db, request.params.slug, readerOf(request));
      reply.header('etag', etag(page.version));
      return page;
    },
  );

  r.post(
    '/v1/kb',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['knowledge-base'],
        summary:
          'Write a page (programs:write): version 1, a draft unless published is true. 409 kb_slug_taken',
        body: z
          .object({
            slug,
            title,
            body: body.default(''),
            audience,
            position: position.optional().describe('default: after every page'),
            published: z.boolean().default(false),
            note: note.optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      requireScope(p, 'programs:write');
      const page = await createKbPage(request.deps, request.body, p.keyId);
      return reply.code(201).header('etag', etag(page.version)).send(page);
    },
  );

  r.put(
    '/v1/kb/:slug',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['knowledge-base'],
        summary:
          'Save a page (programs:write): fields left out keep their value; `slug` renames it, `published` publishes or unpublishes it. Name the version you edited (`version`, or If-Match): if someone saved since, 409 kb_page_conflict and nothing is written',
        params: slugParams,
        body: z
          .object({
            version: z
              .number()
              .int()
              .min(1)
              .optional()
              .describe('the version you edited (or send If-Match)'),
            slug: slug.optional(),
            title: title.optional(),
            body: body.optional(),
            audience: audience.optional(),
            position: position.optional(),
            published: z.boolean().optional(),
            note: note.optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      requireScope(p, 'programs:write');
      const { version: inBody, ...change } = request.body;
      const inHeader = ifMatchVersion(request.headers['if-match']);
      if (inBody !== undefined && inHeader !== undefined && inBody !== inHeader)
        throw new TandemError('validation_failed', 'version and If-Match name different versions', {
          issues: [{ path: 'body.version', message: 'differs from If-Match' }],
        });
      const version = inBody ?? inHeader;
      if (version === undefined)
        throw new TandemError(
          'validation_failed',
          'send the version you edited: version in the body, or an If-Match header',
          { issues: [{ path: 'body.version', message: 'required (or send If-Match)' }] },
        );
      const page = await updateKbPage(
        request.deps,
        request.params.slug,
        { ...change, version },
        p.keyId,
      );
      return reply.header('etag', etag(page.version)).send(page);
    },
  );

  r.get(
    '/v1/kb/:slug/revisions',
    {
      config: { liveOnly: true },
      schema: {
        tags: ['knowledge-base'],
        summary:
          "A page's history (programs:write), newest first: every saved version with who saved it, when, its note, what it changed and its content",
        params: slugParams,
      },
    },
    async (request) => {
      requireScope(principal(request), 'programs:write');
      return { data: await listKbRevisions(request.deps.store.db, request.params.slug) };
    },
  );
}
