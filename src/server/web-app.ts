import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { noRouteProblem } from './api-versions.js';
import { sendProblem } from './problem.js';

export const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The app's pages: every path of its router gets index.html; the router draws the page. */
const appPaths = ['/', '/sign-in', '/sign-in/*', '/portal', '/portal/*', '/console', '/console/*'];

/**
 * Serves the web app (web/dist, built by `npm install` or `npm run
 * build:web`) at `/`: hashed assets cached for a year, index.html never,
 * with a content security policy that allows only this origin's scripts.
 * Paths outside the app and /v1 keep answering problem+json 404s.
 */
export function webAppRoutes(app: FastifyInstance, dist = webDist) {
  const root = resolve(dist, 'assets');
  const index = join(dist, 'index.html');
  // Read again when the file changes, so a rebuild is served without a restart.
  let cached: { mtimeMs: number; html: string } | undefined;
  const current = async (): Promise<string | undefined> => {
    const info = await stat(index).catch(() => undefined);
    if (!info) return undefined;
    if (cached?.mtimeMs !== info.mtimeMs)
      cached = { mtimeMs: info.mtimeMs, html: await readFile(index, 'utf8') };
    return cached.html;
  };
  const page = async (_request: unknown, reply: FastifyReply) => {
    const html = await current();
    securityHeaders(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8');
    if (!html)
      return reply
        .code(503)
        .send(
          '<!doctype html><title>Tandem</title><p>The web app is not built yet: run <code>npm run build:web</code> (npm install does it) and reload.</p>',
        );
    return reply.send(html);
  };
  for (const path of appPaths) app.get(path, { schema: { hide: true } as object }, page);
  app.get<{ Params: { '*': string } }>(
    '/assets/*',
    { schema: { hide: true } as object },
    async (request, reply) => {
      const file = resolve(root, request.params['*']);
      const type = types[extname(file)];
      if (!file.startsWith(root + sep) || !type)
        return sendProblem(reply, noRouteProblem(request.method, request.url));
      let body: Buffer;
      try {
        body = await readFile(file);
      } catch {
        return sendProblem(reply, noRouteProblem(request.method, request.url));
      }
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .type(type)
        .send(body);
    },
  );
}

/** Headers of every HTML page Tandem serves. */
export function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('x-frame-options', 'DENY');
}
