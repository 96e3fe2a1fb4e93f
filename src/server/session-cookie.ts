import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_TTL_MS } from '../engine/sign-in.js';

/**
 * The web app's session cookie: HttpOnly (scripts cannot read it),
 * SameSite=Lax (not sent on cross-site writes), Secure when the request
 * came over https (directly or through a proxy that says so).
 */
export const SESSION_COOKIE = 'tandem_session';

/** The header a cookie-authenticated write must carry: a cross-site form cannot send it. */
export const CSRF_HEADER = 'x-requested-with';

export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value || undefined;
    }
  }
  return undefined;
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
): void {
  reply.header('set-cookie', cookie(request, token, Math.floor(SESSION_TTL_MS / 1000)));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', cookie(request, '', 0));
}

function cookie(request: FastifyRequest, value: string, maxAge: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}
