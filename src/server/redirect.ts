import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { unstorableText } from '../core/unstorable-text.js';
import type { ClickTracker } from '../engine/click-tracker.js';

export const CLICK_PARAM = 'tdm_click';
export const CLICK_COOKIE = 'tdm_click';

const NOT_FOUND_PAGE =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>Link not found</title>' +
  '<body style="font-family:system-ui;margin:4rem auto;max-width:32rem"><h1>Link not found</h1>' +
  '<p>This link does not exist or is no longer active.</p></body></html>';

interface Visit {
  ip: string | undefined;
  userAgent: string | undefined;
  referer: string | undefined;
  /** The visitor reached us over HTTPS (directly or through a proxy that says so). */
  secure: boolean;
}

interface RedirectAnswer {
  status: 302 | 404;
  headers: Record<string, string>;
  body: string;
}

/**
 * What `GET /r/:code` answers: 302 to the link's destination with the click id
 * appended as `tdm_click` and set in a first-party cookie, the click buffered
 * for group commit (see ClickTracker); a plain 404 page for unknown or
 * disabled codes. One function for both ways a redirect arrives (the raw fast
 * path and the Fastify route), so they cannot drift apart.
 */
export async function answerRedirect(
  tracker: ClickTracker,
  code: string,
  visit: Visit,
  maxAgeS: number,
): Promise<RedirectAnswer> {
  // No link code holds such text (PostgreSQL could not even compare with it).
  const link = code.length <= 64 && !unstorableText(code) ? await tracker.resolve(code) : undefined;
  if (!link)
    return {
      status: 404,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      body: NOT_FOUND_PAGE,
    };
  const clickId = tracker.track(link, {
    ip: visit.ip,
    userAgent: visit.userAgent,
    referer: visit.referer,
  });
  const { base, separator, fragment } = link.splice;
  return {
    status: 302,
    headers: {
      location: `${base}${separator}${CLICK_PARAM}=${clickId}${fragment}`,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer-when-downgrade',
      'set-cookie': `${CLICK_COOKIE}=${clickId}; Max-Age=${maxAgeS}; Path=/; SameSite=Lax${visit.secure ? '; Secure' : ''}`,
    },
    body: '',
  };
}

/**
 * GET /r/:code through Fastify: what `app.inject` reaches, and what a real
 * socket reaches when the fast path declines (odd characters in the code,
 * HEAD requests).
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
      const a = await answerRedirect(
        tracker,
        request.params.code,
        {
          ip: request.ip,
          userAgent: request.headers['user-agent'],
          referer: request.headers.referer,
          secure: request.protocol === 'https',
        },
        maxAge,
      );
      // No body for a 302 (an empty string would make Fastify add a content-type).
      return reply
        .code(a.status)
        .headers(a.headers)
        .send(a.body || undefined);
    },
  );
}

/** Codes the fast path takes as they are: what link codes are made of, nothing to decode. */
const PLAIN_CODE = /^\/r\/([A-Za-z0-9_-]{1,64})(?:\?|$)/;

/**
 * The HTTP server with the redirect answered before Fastify: routing, hooks
 * and reply objects cost about as much as everything else a redirect does
 * (measured in docs/performance.md), and a tracking link is the one URL that
 * is hit per visitor rather than per API call. Only `GET /r/<plain code>` is
 * taken here; everything else, and any code with characters to decode, goes
 * to Fastify, which answers it with the same `answerRedirect`. The client
 * address and protocol follow `trustProxy: true` as Fastify reads them: the
 * left-most `X-Forwarded-For` and the last `X-Forwarded-Proto`.
 */
export function redirectingServer(
  tracker: () => ClickTracker,
  opts: { cookieDays: number },
): (fastify: (req: IncomingMessage, res: ServerResponse) => void) => Server {
  const maxAge = opts.cookieDays * 86_400;
  return (fastify) => {
    const server = createServer((req, res) => {
      // Closing: Fastify answers 503 on connections still open, and no click is taken after
      // the tracker's last flush.
      const m =
        req.method === 'GET' && req.url && server.listening ? PLAIN_CODE.exec(req.url) : null;
      if (!m) return fastify(req, res);
      answerRedirect(tracker(), m[1] as string, visitOf(req), maxAge).then(
        (a) => {
          try {
            res.writeHead(a.status, { ...a.headers, 'content-length': Buffer.byteLength(a.body) });
            res.end(a.body);
          } catch {
            // Nothing to answer with that could be trusted (a header Node refuses).
            res.destroy();
          }
        },
        // A failed link look-up (the database is away): Fastify's route answers it as any error.
        () => fastify(req, res),
      );
    });
    // What Fastify sets on the servers it creates itself.
    server.keepAliveTimeout = 72_000;
    server.requestTimeout = 0;
    return server;
  };
}

function visitOf(req: IncomingMessage): Visit {
  const forwarded = req.headers['x-forwarded-for'];
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
  const proto = req.headers['x-forwarded-proto'];
  const scheme =
    typeof proto === 'string'
      ? proto.split(',').pop()?.trim()
      : (req.socket as { encrypted?: boolean }).encrypted
        ? 'https'
        : 'http';
  return {
    ip: first || req.socket.remoteAddress,
    userAgent: req.headers['user-agent'],
    referer: req.headers.referer,
    secure: scheme === 'https',
  };
}
