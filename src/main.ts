import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { readConfig } from './config.js';
import { createApiKey } from './engine/api-keys.js';
import { isEmpty, openTandem } from './engine/open-tandem.js';
import { seedDemo } from './engine/seed-demo.js';
import { startWorker } from './engine/worker.js';
import { buildServer } from './server/build-server.js';

/**
 * The composition root: reads the environment, opens the database (SQLite in
 * TANDEM_DATA_DIR, or PostgreSQL at DATABASE_URL), loads the demo into an
 * empty database, and runs the HTTP server and the worker in one process
 * until SIGTERM/SIGINT, which flush buffered clicks before exiting.
 */
async function main() {
  const config = readConfig();
  const log = pino({
    level: config.logLevel,
    ...(process.stdout.isTTY
      ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } }
      : {}),
  });
  mkdirSync(config.dataDir, { recursive: true });
  const deps = await openTandem(
    config.databaseUrl
      ? { url: config.databaseUrl, log }
      : { file: join(config.dataDir, 'tandem.db'), log },
  );
  const database = config.databaseUrl
    ? 'PostgreSQL'
    : `SQLite (${join(config.dataDir, 'tandem.db')})`;

  const keyFile = join(config.dataDir, 'admin-api-key');
  let adminKey: string | undefined = existsSync(keyFile)
    ? readFileSync(keyFile, 'utf8').trim()
    : undefined;
  const fresh = await isEmpty(deps);
  if (fresh || !adminKey) {
    const anyKey = await deps.store.db
      .selectFrom('api_keys')
      .select('id')
      .limit(1)
      .executeTakeFirst();
    if (!anyKey || !adminKey) {
      adminKey = (
        await createApiKey(deps, { name: 'admin (created at first start)', scopes: ['admin'] })
      ).key;
      writeFileSync(keyFile, `${adminKey}\n`, { mode: 0o600 });
    }
  }
  if (fresh && config.demo) {
    log.info('empty database: loading the demo marketplace (takes a few seconds)');
    const r = await seedDemo(deps);
    log.info(r, 'demo marketplace loaded');
  }

  const worker = startWorker(deps, { intervalMs: config.workerIntervalMs });
  const app = await buildServer(deps, { worker, logger: log });
  await app.listen({ port: config.port, host: config.host });
  const url = `http://localhost:${config.port}`;
  process.stdout.write(
    [
      '',
      `  Tandem is running at ${url}`,
      `  database:  ${database}`,
      `  API docs:  ${url}/docs  (OpenAPI: ${url}/openapi.json)`,
      `  admin key: ${adminKey}  (also in ${keyFile})`,
      `  try:       curl -H "Authorization: Bearer ${adminKey}" ${url}/v1/partners`,
      '',
    ].join('\n') + '\n',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: flushing clicks, stopping the worker');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await app.close();
      await worker.stop();
      await deps.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(
    `tandem failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(1);
});
