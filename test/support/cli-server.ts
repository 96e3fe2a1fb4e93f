import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { captureIo } from '../../src/cli/capture-io.js';
import { run } from '../../src/cli/main.js';
import { createApiKey, type Scope } from '../../src/engine/api-keys.js';
import { buildServer } from '../../src/server/build-server.js';
import type { TestTandem } from './test-tandem.js';

/**
 * A real Tandem server on a loopback port for CLI tests, and `tandem(...argv)`
 * that runs the CLI in-process against it with a key of the given scopes.
 */
export async function cliServer(t: TestTandem, scopes: Scope[] = ['admin']) {
  const { key } = await createApiKey(t, { name: 'cli test', scopes });
  const app: FastifyInstance = await buildServer(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const env = { TANDEM_URL: `http://127.0.0.1:${port}`, TANDEM_API_KEY: key };
  return {
    app,
    env,
    async tandem(...argv: string[]) {
      const io = { ...captureIo({ env }), retryDelaysMs: [] };
      const code = await run(argv, io);
      return { code, out: io.out(), err: io.err() };
    },
    close: () => app.close(),
  };
}
