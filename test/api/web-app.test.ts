import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/build-server.js';
import { expectProblem } from '../support/expect-problem.js';
import { type TestTandem, testTandem } from '../support/test-tandem.js';

let t: TestTandem;
let app: FastifyInstance;
let bare: FastifyInstance;
beforeAll(async () => {
  const dist = mkdtempSync(join(tmpdir(), 'tandem-web-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dist, 'secret.env'), 'TOKEN=1');
  t = await testTandem();
  app = await buildServer(t, { webDist: dist });
  bare = await buildServer(t, { webDist: join(dist, 'missing') });
});
afterAll(async () => {
  await app.close();
  await bare.close();
  await t.close();
});

describe('the web app at /', () => {
  it.each([
    '/',
    '/sign-in',
    '/sign-in/verify?token=x',
    '/portal',
    '/portal/earnings',
    '/console/partners/prt_1',
  ])('%s is the app page, never cached, with a strict content security policy', async (url) => {
    const r = await app.inject({ method: 'GET', url });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('<div id="root">');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('serves hashed assets for a year and nothing outside assets/', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['cache-control']).toContain('immutable');
    for (const url of [
      '/assets/../secret.env',
      '/assets/%2e%2e/secret.env',
      '/assets/..%2fsecret.env',
      '/assets/missing.js',
      '/assets/',
    ]) {
      expectProblem(await app.inject({ method: 'GET', url }), 404, 'not_found');
    }
  });

  it('keeps answering problems outside the app', async () => {
    expectProblem(await app.inject({ method: 'GET', url: '/nowhere' }), 404, 'not_found');
  });

  it('says how to build the app when it is not built', async () => {
    const r = await bare.inject({ method: 'GET', url: '/portal' });
    expect(r.statusCode).toBe(503);
    expect(r.body).toContain('npm run build:web');
  });
});
