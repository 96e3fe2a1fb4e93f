import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openTandem } from '../../src/engine/open-tandem.js';
import { backend } from '../support/test-tandem.js';

// The real server process: every redirect that was answered before SIGTERM
// must be in the database after the process exits (the click tracker's
// group-commit buffer is flushed on shutdown), and the exit is clean (0).

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLICKS = 200;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** On PostgreSQL: a fresh database (a server process cannot be pointed at a schema). */
async function freshDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tandem_shutdown_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const own = new URL(url);
  own.pathname = `/${name}`;
  return {
    url: own.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

async function waitForHealth(base: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output()}`);
    try {
      const r = await fetch(`${base}/health`);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not start in time:\n${output()}`);
}

describe(`graceful shutdown of the real server (${backend})`, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it(`keeps all ${CLICKS} answered clicks when SIGTERM follows the last redirect`, {
    timeout: 180_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-shutdown-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let databaseUrl: string | undefined;
    if (process.env.DATABASE_URL) {
      const db = await freshDatabase(process.env.DATABASE_URL);
      cleanups.push(db.drop);
      databaseUrl = db.url;
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TANDEM_DATA_DIR: dir,
      TANDEM_DEMO: '0',
      LOG_LEVEL: 'warn',
    };
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    else delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => {
      output += d;
    });
    child.stderr?.on('data', (d) => {
      output += d;
    });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });

    await waitForHealth(base, child, () => output);
    const keyFile = join(dir, 'admin-api-key');
    expect(existsSync(keyFile)).toBe(true);
    const key = readFileSync(keyFile, 'utf8').trim();
    const call = async (path: string, body: unknown) => {
      const r = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await r.json()) as Record<string, string>;
      expect(r.status, JSON.stringify(json)).toBe(201);
      return json;
    };
    await call('/v1/programs', { key: 'ref', name: 'Referrals' });
    const partner = await call('/v1/partners', { name: 'Sig Term', status: 'approved' });
    const link = await call(`/v1/partners/${partner.id}/links`, {
      program: 'ref',
      destination: 'https://market.test/',
    });

    // 200 redirects, 25 at a time, as fast as the server answers them.
    const clickIds: string[] = [];
    for (let i = 0; i < CLICKS; i += 25) {
      const answers = await Promise.all(
        Array.from({ length: 25 }, () =>
          fetch(`${base}/r/${link.code}`, {
            redirect: 'manual',
            headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/127.0' },
          }),
        ),
      );
      for (const a of answers) {
        expect(a.status).toBe(302);
        clickIds.push(
          new URL(a.headers.get('location') as string).searchParams.get('tdm_click') as string,
        );
      }
    }
    child.kill('SIGTERM');
    const code = await exitOf(child);
    expect(code, output).toBe(0);
    expect(output).not.toContain('unhandled error');
    expect(new Set(clickIds).size).toBe(CLICKS);

    const deps = await openTandem(
      databaseUrl ? { url: databaseUrl } : { file: join(dir, 'tandem.db') },
    );
    try {
      const rows = await deps.store.db
        .selectFrom('clicks')
        .select(['id', 'partner_id', 'bot'])
        .execute();
      expect(rows).toHaveLength(CLICKS);
      expect(new Set(rows.map((r) => r.id))).toEqual(new Set(clickIds));
      expect(rows.every((r) => r.partner_id === partner.id && Number(r.bot) === 0)).toBe(true);
    } finally {
      await deps.close();
    }
  });
});
