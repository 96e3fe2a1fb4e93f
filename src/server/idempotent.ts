import type { FastifyReply, FastifyRequest } from 'fastify';
import { isTandemError, TandemError } from '../core/errors.js';
import type { Deps } from '../engine/deps.js';
import { type StoredResponse, withIdempotency } from '../engine/idempotency.js';
import { problem } from './problem.js';

/**
 * Runs a write under the request's `Idempotency-Key` header when it has one:
 * a retry with the same key and body gets the first answer (marked with
 * `Idempotent-Replayed: true`) and does nothing again. A refusal with a code
 * (a 4xx) is an answer too and is replayed as such; only unexpected failures
 * release the key for a retry. With `required` (writes that spend), a
 * request without a key is refused: `validation_failed`.
 */
export async function idempotent(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<StoredResponse>,
  opts: { required?: boolean } = {},
): Promise<unknown> {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key.length === 0) {
    if (opts.required)
      throw new TandemError('validation_failed', 'send an Idempotency-Key header', {
        issues: [{ path: 'headers.idempotency-key', message: 'required' }],
      });
    const r = await run();
    return reply.code(r.status).send(r.body);
  }
  const scope = `${request.principal?.keyId ?? 'anonymous'} ${request.method} ${request.routeOptions.url}`;
  const r = await withIdempotency(
    deps,
    scope,
    key.slice(0, 200),
    { params: request.params, body: request.body },
    // A thrown TandemError would leave the key reserved and unanswered ("still
    // in progress" forever); store it as the problem answer it is instead.
    async () => {
      try {
        return await run();
      } catch (e) {
        if (!isTandemError(e)) throw e;
        const p = problem(e.code, e.message, e.details ?? {});
        return { status: p.status, body: p };
      }
    },
  );
  if (r.replayed) reply.header('idempotent-replayed', 'true');
  if (r.status >= 400) reply.type('application/problem+json');
  return reply.code(r.status).send(r.body);
}
