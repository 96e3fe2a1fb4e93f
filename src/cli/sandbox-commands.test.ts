import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { createApiKey } from '../engine/api-keys.js';
import { buildServer } from '../server/build-server.js';
import { captureIo } from './capture-io.js';
import { run } from './main.js';

describe(`tandem keys create --test, tandem sandbox reset (${backend})`, () => {
  let t: TestTandem;
  let app: FastifyInstance;
  let url: string;
  let admin: string;

  beforeAll(async () => {
    t = await testTandem();
    admin = (await createApiKey(t, { name: 'cli admin', scopes: ['admin'] })).key;
    app = await buildServer(t);
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  async function tandem(key: string, ...argv: string[]) {
    const io = captureIo({ env: { TANDEM_URL: url, TANDEM_API_KEY: key } });
    const code = await run(argv, io);
    return { code, out: io.out(), err: io.err() };
  }

  it('creates a test key, which resets the sandbox; a live key cannot', async () => {
    const created = await tandem(
      admin,
      'keys',
      'create',
      '--name',
      'staging',
      '--scopes',
      'admin',
      '--test',
    );
    expect(created.code, created.err).toBe(0);
    expect(created.out).toMatch(
      /^created test key key_\S+ "staging" \(scopes: admin\)\ntdm_test_a_/,
    );
    const key = created.out.split('\n')[1] as string;

    const reset = await tandem(key, 'sandbox', 'reset');
    expect(reset.code, reset.err).toBe(0);
    expect(reset.out).toMatch(
      /^sandbox reset at \S+: 0 programs and 0 partners mirrored from live\n$/,
    );

    const refused = await tandem(admin, 'sandbox', 'reset');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('test_mode_only');
  });
});
