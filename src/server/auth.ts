import type { FastifyRequest } from 'fastify';
import { TandemError } from '../core/errors.js';
import { authenticate, type KeyMode, type Principal, type Scope } from '../engine/api-keys.js';
import type { Deps } from '../engine/deps.js';
import type { SandboxLease } from '../engine/sandbox.js';
import { authenticateSession } from '../engine/sign-in.js';
import type { UserView } from '../engine/users.js';
import type { Worker } from '../engine/worker.js';
import { CSRF_HEADER, sessionToken } from './session-cookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
    /** The signed-in person, when the web app's session cookie authenticated the request. */
    user: UserView | undefined;
    /**
     * The deps of the key's mode: live's, or the sandbox's for a test key. Set
     * by the /v1 auth hook; route handlers use this, never deps captured at
     * registration, so a test key can never touch live data.
     */
    deps: Deps;
    /** The worker of the key's mode (none in tests, or before the sandbox has one). */
    worker: Worker | undefined;
    mode: KeyMode;
    /** A test-mode request's hold on the sandbox store, released when it is answered. */
    sandboxLease: SandboxLease | undefined;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Reads `Authorization: Bearer <key>` (or `X-Api-Key`), else the web app's
 * session cookie; a cookie-authenticated write must also carry
 * `X-Requested-With` (which a cross-site form cannot send).
 * Errors: `unauthorized`, `csrf_header_missing`.
 */
export async function principalOf(deps: Deps, request: FastifyRequest): Promise<Principal> {
  const header = request.headers.authorization;
  const token = header?.startsWith('Bearer ')
    ? header.slice(7).trim()
    : (request.headers['x-api-key'] as string | undefined);
  if (!token) {
    const cookie = sessionToken(request);
    if (!cookie)
      throw new TandemError(
        'unauthorized',
        'send an API key: Authorization: Bearer <key>, or sign in',
      );
    const session = await authenticateSession(deps, cookie);
    if (!session) throw new TandemError('unauthorized', 'your session has ended; sign in again');
    if (!SAFE_METHODS.has(request.method) && !request.headers[CSRF_HEADER])
      throw new TandemError(
        'csrf_header_missing',
        'a signed-in write needs the X-Requested-With header (the web app sends it)',
      );
    request.user = session.user;
    return session.principal;
  }
  const p = await authenticate(deps, token);
  if (!p) throw new TandemError('unauthorized', 'unknown or revoked API key');
  return p;
}

/**
 * Operator access: the key must be an operator key (no partner id) holding
 * `admin` or the scope. Errors: `forbidden`.
 */
export function requireScope(p: Principal, scope: Scope): void {
  if (p.partnerId !== null) throw new TandemError('forbidden', 'a partner key cannot do this');
  if (!p.scopes.includes('admin') && !p.scopes.includes(scope)) {
    throw new TandemError('forbidden', `this key lacks the ${scope} scope`);
  }
}

/**
 * Access to one partner's data: operators with `scope`, or that partner's
 * own key. Another partner's id answers 404, not 403, so ids cannot be probed.
 */
export function requirePartnerAccess(p: Principal, partnerId: string, scope: Scope = 'read'): void {
  if (p.partnerId !== null) {
    if (p.partnerId !== partnerId)
      throw new TandemError('partner_not_found', `no partner ${partnerId}`);
    return;
  }
  requireScope(p, scope);
}

/**
 * Configuration is written with live keys only: the sandbox mirrors it.
 * Errors: `live_mode_only`.
 */
export function requireLiveMode(p: Principal): void {
  if (p.mode !== 'live') {
    throw new TandemError(
      'live_mode_only',
      'this is done with a live key; the sandbox mirrors live configuration',
    );
  }
}

/** Sandbox management needs a test key. Errors: `test_mode_only`. */
export function requireTestMode(p: Principal): void {
  if (p.mode !== 'test')
    throw new TandemError('test_mode_only', 'this is done with a test key (tdm_test_…)');
}
