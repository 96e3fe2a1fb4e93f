import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/engine/api-keys.js';
import { fixedClock } from '../src/engine/deps.js';
import { createPartner } from '../src/engine/partners.js';
import { createProgram } from '../src/engine/programs.js';
import { demoIntegrationTerms } from '../src/engine/seed-demo-integrations.js';
import { startWorker, type Worker } from '../src/engine/worker.js';
import { buildServer } from '../src/server/build-server.js';
import { backend, type TestTandem, testTandem } from './support/test-tandem.js';

const GUIDE = new URL('../docs/integrator-guide.md', import.meta.url);

/** The guide's shell blocks, in order: what a reader copies. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
}

/**
 * Runs docs/integrator-guide.md against a live server on 127.0.0.1 with its
 * worker and the sandbox's worker: every `sh` block, in order, in one bash
 * (so variables carry over), as a reader would paste them. `curl -f` makes a
 * refused request fail the block; the test then checks what the guide
 * promises happened, through the API, in test mode only.
 */
describe(`the integrator guide runs as written (${backend})`, () => {
  let t: TestTandem;
  let app: FastifyInstance;
  let worker: Worker;
  let url: string;
  let partnerKey: string;
  let partnerId: string;
  let adminKey: string;

  beforeAll(async () => {
    // The guide uses `date`: the server runs on the real clock.
    const now = Date.now();
    t = await testTandem({ clock: { ...fixedClock(now), now: () => Date.now() } });
    const past = { ...t, clock: fixedClock(now - 400 * 86_400_000) };
    await createProgram(past, {
      key: 'integrations',
      name: 'Technology partners',
      firstVersion: { effectiveFrom: now - 400 * 86_400_000, terms: demoIntegrationTerms },
    });
    const partner = await createPartner(past, {
      name: 'Acme Apps',
      kinds: ['integration'],
      status: 'approved',
      programs: ['integrations'],
    });
    partnerId = partner.id;
    partnerKey = (await createApiKey(t, { name: 'acme', scopes: ['read'], partnerId })).key;
    adminKey = (await createApiKey(t, { name: 'ops', scopes: ['admin'] })).key;
    worker = startWorker(t, { intervalMs: 100 });
    app = await buildServer(t, {
      worker,
      sandboxWorker: (d) => startWorker(d, { intervalMs: 100, payouts: false, tiers: false }),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await worker?.stop();
    await t?.close();
  });

  it('every command succeeds, and the sandbox holds what the guide says', async () => {
    const blocks = shellBlocks(readFileSync(GUIDE, 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const script = [
      'set -euo pipefail',
      ...blocks,
      'echo "SANDBOX_KEY=$SANDBOX_KEY"',
      'echo "INTEGRATION_ID=$INTEGRATION_ID"',
    ].join('\n');
    // spawnSync would block the server's event loop: run bash asynchronously.
    const { spawn } = await import('node:child_process');
    const result = await new Promise<{ code: number | null; out: string; err: string }>(
      (resolve) => {
        const child = spawn('bash', ['-c', script], {
          env: { ...process.env, TANDEM_URL: url, TANDEM_KEY: partnerKey, PARTNER_ID: partnerId },
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => {
          out += d;
        });
        child.stderr.on('data', (d) => {
          err += d;
        });
        child.on('close', (code) => resolve({ code, out, err }));
      },
    );
    expect(result.err, result.out).toBe('');
    expect(result.code, result.out).toBe(0);
    const sandboxKey = /SANDBOX_KEY=(\S+)/.exec(result.out)?.[1] as string;
    const integrationId = /INTEGRATION_ID=(\S+)/.exec(result.out)?.[1] as string;
    expect(sandboxKey).toMatch(/^tdm_test_p_/);
    expect(integrationId).toMatch(/^int_/);
    // What the guide printed: the mode, the milestone event, the usage batch, last month's rewards.
    expect(result.out).toContain('"mode": "test"');
    expect(result.out).toContain('"status": "accepted"');
    expect(result.out).toMatch(/"accepted": 3,\s*"duplicates": 0,\s*"rejected": 0/);
    expect(result.out).toContain(
      '"rewards":[{"rule_id":"active-installs","amount":"9.00","currency":"USD"},{"rule_id":"api-calls","amount":"1.40","currency":"USD"}]',
    );

    // biome-ignore lint/suspicious/noExplicitAny: JSON answers, asserted field by field below
    const get = async (path: string, key: string): Promise<any> =>
      (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } })).json();
    const detail = await get(`/v1/integrations/${integrationId}`, sandboxKey);
    expect(detail.milestones.slice(0, 2).map((m: { status: string }) => m.status)).toEqual([
      'completed',
      'available',
    ]);
    expect(detail.pending_submissions).toBe(1);
    const accruals = await get(`/v1/partners/${partnerId}/accruals`, sandboxKey);
    expect(accruals.data.map((a: { rule_id: string }) => a.rule_id).sort()).toEqual([
      'active-installs',
      'api-calls',
      'build-grant',
    ]);
    // None of it is live.
    expect((await get(`/v1/integrations/${integrationId}`, partnerKey)).code).toBe(
      'integration_not_found',
    );
    expect((await get(`/v1/partners/${partnerId}/accruals`, adminKey)).data).toEqual([]);
    expect((await get('/v1/integrations', adminKey)).data).toEqual([]);
  });

  it('finds the shell blocks a reader copies', () => {
    expect(
      shellBlocks('a\n```sh\necho 1\n```\ntext\n```json\n{}\n```\n```sh\necho 2\n```\n'),
    ).toEqual(['echo 1\n', 'echo 2\n']);
    expect(spawnSync('bash', ['-c', 'command -v curl && command -v jq']).status).toBe(0);
  });
});
