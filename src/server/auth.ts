import type { FastifyRequest } from 'fastify';
import { TandemError } from '../core/errors.js';
import { authenticate, type Principal, type Scope } from '../engine/api-keys.js';
import type { Deps } from '../engine/deps.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

/** Reads `Authorization: Bearer <key>` (or `X-Api-Key`). Errors: `unauthorized`. */
export async function principalOf(deps: Deps, request: FastifyRequest): Promise<Principal> {
  const header = request.headers.authorization;
  const token = header?.startsWith('Bearer ')
    ? header.slice(7).trim()
    : (request.headers['x-api-key'] as string | undefined);
  if (!token) throw new TandemError('unauthorized', 'send an API key: Authorization: Bearer <key>');
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
