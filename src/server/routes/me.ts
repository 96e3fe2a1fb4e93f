import type { FastifyRequest } from 'fastify';
import { getPartner } from '../../engine/partners.js';
import { principal } from './request-schemas.js';

/**
 * Who is calling: the key or the signed-in person (`user`, null for an API
 * key), its mode and scopes, and for a partner its partner's fields.
 */
export async function meOf(request: FastifyRequest) {
  const p = principal(request);
  const key = { key_id: p.keyId, mode: p.mode, scopes: p.scopes, partner_id: p.partnerId };
  const user = request.user ?? null;
  if (!p.partnerId)
    return {
      ...key,
      name: p.name,
      operator: true,
      user,
      key: { id: p.keyId, name: p.name, scopes: p.scopes },
    };
  // A partner answers its partner (name is the partner's), plus the key.
  return { ...(await getPartner(request.deps, p.partnerId)), ...key, key_name: p.name, user };
}
