import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../src/engine/api-keys.js';
import type { PayoutRails } from '../../src/engine/payout-rail.js';
import { buildServer } from '../../src/server/build-server.js';
import { type TestTandem, testTandem } from './test-tandem.js';

/**
 * A Tandem API in-process (exercise it with `app.inject()`), on the backend
 * under test, with an admin key. No worker runs: call `deriveAll(t)` to drain
 * derivation deterministically.
 */
export async function testServer(opts: { now?: string; rails?: PayoutRails } = {}): Promise<{
  t: TestTandem;
  app: FastifyInstance;
  adminKey: string;
  auth: { authorization: string };
  close(): Promise<void>;
}> {
  const t = await testTandem(opts);
  const { key } = await createApiKey(t, { name: 'test admin', scopes: ['admin'] });
  const app = await buildServer(t, { tracker: undefined });
  return {
    t,
    app,
    adminKey: key,
    auth: { authorization: `Bearer ${key}` },
    close: async () => {
      await app.close();
      await t.close();
    },
  };
}

/**
 * Calls the in-process API with a key: the server's admin key by default,
 * another key, or none (`null`); `headers` adds others (an Idempotency-Key).
 */
export const apiClient =
  (s: { app: FastifyInstance; adminKey: string }, key: string | null = s.adminKey) =>
  (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    s.app.inject({
      method,
      url,
      headers: { ...headers, ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
      ...(body === undefined ? {} : { payload: body as object }),
    });
