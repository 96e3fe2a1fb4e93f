import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../engine/deps.js';
import { type StoredResponse, withIdempotency } from '../engine/idempotency.js';

/**
 * Runs a write under the request's `Idempotency-Key` header when it has one:
 * a retry with the same key and body gets the first answer (marked with
 * `Idempotent-Replayed: true`) and does nothing again.
 */
export async function idempotent(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<StoredResponse>,
): Promise<unknown> {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key.length === 0) {
    const r = await run();
    return reply.code(r.status).send(r.body);
  }
  const scope = `${request.principal?.keyId ?? 'anonymous'} ${request.method} ${request.routeOptions.url}`;
  const r = await withIdempotency(
    deps,
    scope,
    key.slice(0, 200),
    { params: request.params, body: request.body },
    run,
  );
  if (r.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(r.status).send(r.body);
}
