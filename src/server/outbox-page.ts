import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../core/render-statement.js';
import type { Deps } from '../engine/deps.js';
import { readOutbox } from '../engine/mail.js';
import { noRouteProblem } from './api-versions.js';
import { sendProblem } from './problem.js';
import { securityHeaders } from './web-app.js';

export type OutboxAccess = 'off' | 'local' | 'on';

const linkify = (text: string) =>
  escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);

/**
 * `/outbox`: the mail Tandem kept because no SMTP server is configured
 * (sign-in links above all), so an installation without mail still works.
 * `local` (the default then) answers only requests from this machine,
 * judged by the socket, not a forwarded-for header; `on` answers anyone
 * (a container reached from its host); `off` (and any SMTP setup) hides it.
 */
export function outboxPage(app: FastifyInstance, deps: Deps, access: OutboxAccess) {
  app.get('/outbox', { schema: { hide: true } as object }, async (request, reply) => {
    const remote = request.raw.socket.remoteAddress ?? '';
    const local = remote === '127.0.0.1' || remote === '::1' || remote === '::ffff:127.0.0.1';
    if (access === 'off' || (access === 'local' && !local))
      return sendProblem(reply, noRouteProblem(request.method, request.url));
    const mails = await readOutbox(deps);
    const items = mails
      .map(
        (m) =>
          `<article><h2>${escapeHtml(m.subject)}</h2><p class="meta">To <strong>${escapeHtml(m.to)}</strong> · ${escapeHtml(m.created_at)}</p><pre>${linkify(m.text)}</pre></article>`,
      )
      .join('\n');
    securityHeaders(reply).header('cache-control', 'no-store').type('text/html; charset=utf-8');
    return reply.send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Outbox · Tandem</title>
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1a1d21}
article{border:1px solid #d5d9e0;border-radius:8px;padding:1rem;margin:1rem 0;background:#fff}
h2{font-size:1.1rem;margin:0}.meta{color:#555;margin:.25rem 0 .75rem}pre{white-space:pre-wrap;word-break:break-all;font:inherit}
a{color:#1d4ed8}a:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}</style></head>
<body><main><h1>Outbox</h1>
<p>No mail server is configured, so Tandem keeps its mail here (newest first) and in its log. Set <code>TANDEM_SMTP_URL</code> to send it instead.</p>
${items || '<p>No mail yet. Ask for a sign-in link on the <a href="/sign-in">sign-in page</a>.</p>'}
</main></body></html>`);
  });
}
