import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { createApiKey } from '../../src/engine/api-keys.js';
import type { FixedClock } from '../../src/engine/deps.js';
import { seedDemo } from '../../src/engine/seed-demo.js';
import { createUser } from '../../src/engine/users.js';
import { startWorker, type Worker } from '../../src/engine/worker.js';
import { buildServer } from '../../src/server/build-server.js';
import { type TestTandem, testTandem } from './test-tandem.js';

/** Debian's chromium (never a downloaded browser); CHROMIUM_PATH overrides. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether browser tests can run here. Without chromium they are skipped with
 * a message, except in CI, where a missing browser is a failure.
 */
export const browserAvailable = existsSync(chromiumPath) || process.env.CI === 'true';
if (!browserAvailable)
  process.stderr.write(
    `browser tests skipped: no chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
  );

const ROOT = new URL('../../', import.meta.url).pathname;
export const SHOTS = join(ROOT, 'test-results', 'browser');

/** The clock of a browser test is the real one: the browser's "today" must be the server's. */
const realClock = (): FixedClock => ({
  now: () => Date.now(),
  set() {
    throw new Error('a browser test runs on the real clock');
  },
  advance() {
    throw new Error('a browser test runs on the real clock');
  },
});

export interface BrowserApp {
  url: string;
  t: TestTandem;
  app: FastifyInstance;
  adminKey: string;
  browser: Browser;
  /** A fresh browser context (its own cookies) at `width` px, with one page. */
  newPage(width?: number): Promise<{ context: BrowserContext; page: Page }>;
  /** Signs in through the sign-in form and the mailed link on /outbox; lands on `next` or home. */
  signIn(page: Page, email: string): Promise<void>;
  /** Saves test-results/browser/<name>.png. */
  shot(page: Page, name: string): Promise<void>;
  /** Calls the API with the admin key. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

/**
 * The real thing for browser tests: the web app built from web/ by Vite, a
 * Tandem server with its worker listening on 127.0.0.1 (a random port) over
 * the demo marketplace on the backend under test, and Debian's chromium.
 */
export async function browserApp(): Promise<BrowserApp> {
  const dist = mkdtempSync(join(tmpdir(), 'tandem-web-build-'));
  // Vitest runs with NODE_ENV=test; build what people get (React's production build).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  await build({
    configFile: join(ROOT, 'web', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: dist, emptyOutDir: true, sourcemap: false },
  }).finally(() => {
    process.env.NODE_ENV = nodeEnv;
  });
  const t = await testTandem({ clock: realClock() });
  await seedDemo(t);
  // The first owner, as the first start of `npm start` creates it.
  await createUser(
    t,
    { email: 'owner@tandem.local', name: 'Owner', role: 'owner' },
    { id: 'test', role: null },
  );
  const { key: adminKey } = await createApiKey(t, { name: 'browser test', scopes: ['admin'] });
  const worker: Worker = startWorker(t, { intervalMs: 200, payouts: false, tiers: false });
  // The links in mail name localhost:3000; signIn follows only their path and query.
  const app = await buildServer(t, { worker, webDist: dist });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  mkdirSync(SHOTS, { recursive: true });
  const contexts: BrowserContext[] = [];

  const api: BrowserApp['api'] = async (method, path, body) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : undefined };
  };

  return {
    url,
    t,
    app,
    adminKey,
    browser,
    api,
    async newPage(width = 1280) {
      const context = await browser.newContext({
        baseURL: url,
        viewport: { width, height: width < 600 ? 800 : 900 },
      });
      contexts.push(context);
      return { context, page: await context.newPage() };
    },
    signIn: (page, email) => signInThroughOutbox(page, url, email),
    async shot(page, name) {
      await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await app.close();
      await worker.stop();
      await t.close();
    },
  };
}

/**
 * Signs `email` in as a person would: the sign-in form, then the link mailed
 * to the local /outbox page (its path and query, on `base`).
 */
export async function signInThroughOutbox(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel(/email/i).first().fill(email);
  await page
    .getByRole('button', { name: /send|email me|sign-in link|magic link/i })
    .first()
    .click();
  await page
    .getByText(/check your (email|inbox)/i)
    .first()
    .waitFor();
  const outbox = await (await fetch(`${base}/outbox`)).text();
  const article = outbox.split('<article>').find((a) => a.includes(`<strong>${email}</strong>`));
  const link = article?.match(/href="([^"]+\/sign-in\/verify\?[^"]+)"/)?.[1];
  if (!link) throw new Error(`no sign-in link for ${email} on /outbox`);
  const target = new URL(link.replaceAll('&#38;', '&').replaceAll('&amp;', '&'));
  await page.goto(`${base}${target.pathname}${target.search}`);
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: 30_000 });
}
