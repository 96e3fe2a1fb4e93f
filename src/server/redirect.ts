import type { FastifyInstance } from 'fastify';
import { unstorableText } from '../core/unstorable-text.js';
import type { ClickTracker } from '../engine/click-tracker.js';

export const CLICK_PARAM = 'tdm_click';
export const CLICK_COOKIE = 'tdm_click';

const NOT_FOUND_PAGE =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>Link not found</title>' +
  '<body style="font-family:system-ui;margin:4rem auto;max-width:32rem"><h1>Link not found</h1>' +
  '<p>This link does not exist or is no longer active.</p></body></html>';

/**
 * GET /r/:code — the tracking redirect. Answers 302 to the link's destination
 * with the click id appended as `tdm_click` and set in a first-party cookie;
 * the click is recorded by group commit (see ClickTracker). Unknown or
 * disabled codes get a plain 404 page.
 */
export function redirectRoute(
  app: FastifyInstance,
  tracker: ClickTracker,
  opts: { cookieDays: number },
) {
  const maxAge = opts.cookieDays * 86_400;
  app.get<{ Params: { code: string } }>(
    '/r/:code',
    { schema: { hide: true } as object, logLevel: 'warn' },
    async (request, reply) => {
      const code = request.params.code;
      // No link code holds such text (PostgreSQL could not even compare with it).
      const link =
        code.length <= 64 && !unstorableText(code) ? await tracker.resolve(code) : undefined;
      if (!link)
        return reply
          .code(404)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(NOT_FOUND_PAGE);
      const clickId = tracker.track(link, {
        ip: request.ip,
        userAgent: request.headers['user-agent'],
        referer: request.headers.referer,
      });
      const { base, separator, fragment } = link.splice;
      return reply
        .code(302)
        .header('location', `${base}${separator}${CLICK_PARAM}=${clickId}${fragment}`)
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer-when-downgrade')
        .header(
          'set-cookie',
          `${CLICK_COOKIE}=${clickId}; Max-Age=${maxAge}; Path=/; SameSite=Lax${request.protocol === 'https' ? '; Secure' : ''}`,
        )
        .send();
    },
  );
}
