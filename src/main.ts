import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { readConfig } from './config.js';
import { faultsFromEnv } from './engine/faults.js';
import { claimFirstStart } from './engine/first-start.js';
import { openTandem } from './engine/open-tandem.js';
import { stripeRail } from './engine/rails/stripe-rail.js';
import { seedDemo } from './engine/seed-demo.js';
import { smtpMailer } from './engine/smtp-mailer.js';
import { startWorker } from './engine/worker.js';
import { buildServer } from './server/build-server.js';

/**
 * The composition root: reads the environment, opens the database (SQLite in
 * TANDEM_DATA_DIR, or PostgreSQL at DATABASE_URL), loads the demo into an
 * empty database, and runs the HTTP server and the worker until
 * SIGTERM/SIGINT, which flush buffered clicks before exiting. TANDEM_ROLE
 * splits them: `api` runs the HTTP server alone (accepted events wait for a
 * worker process's next tick), `worker` the worker alone; `all` (default) both.
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
  const rails = config.stripe
    ? {
        stripe: stripeRail({
          apiKey: config.stripe.apiKey,
          ...(config.stripe.baseUrl ? { baseUrl: config.stripe.baseUrl } : {}),
        }),
      }
    : undefined;
  const faults = faultsFromEnv(config.crashAt, () => process.kill(process.pid, 'SIGKILL'));
  const deps = await openTandem({
    ...(config.databaseUrl
      ? { url: config.databaseUrl }
      : { file: join(config.dataDir, 'tandem.db') }),
    log,
    ...(rails ? { rails } : {}),
    ...(faults ? { faults } : {}),
    ...(config.smtp ? { mailer: smtpMailer(config.smtp.url, config.smtp.from) } : {}),
  });
  const database = config.databaseUrl
    ? 'PostgreSQL'
    : `SQLite (${join(config.dataDir, 'tandem.db')})`;

  const serves = config.role !== 'worker';
  const works = config.role !== 'api';
  const keyFile = join(config.dataDir, 'admin-api-key');
  // The first start (admin key, owner, demo) belongs to a node that serves HTTP: it prints the
  // key and its console is where the owner signs in. A worker started first claims nothing, so
  // the first api node still loads the demo. Migrations ran in openTandem on every role (locked).
  if (serves) {
    const start = await claimFirstStart(deps, { ownerEmail: config.ownerEmail });
    if (start.adminKey) writeFileSync(keyFile, `${start.adminKey}\n`, { mode: 0o600 });
    if (start.loadDemo && config.demo) {
      log.info('empty database: loading the demo marketplace (takes a few seconds)');
      const r = await seedDemo(deps);
      log.info(r, 'demo marketplace loaded');
    }
  }
  const adminKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined;

  const worker = works
    ? startWorker(deps, {
        intervalMs: config.workerIntervalMs,
        tierIntervalMs: config.tierIntervalMs,
      })
    : undefined;
  if (!serves) {
    process.stdout.write(
      `\n  Tandem worker is running (role worker, no HTTP)\n  database:  ${database}\n\n`,
    );
    onStop(log, async () => {
      await worker?.stop();
      await deps.close();
    });
    return;
  }
  const app = await buildServer(deps, {
    worker,
    // Test mode's worker: derivation, holds and bonuses, never payouts; tiers are mirrored.
    // It stays with the HTTP server in every role: the sandbox is opened by test-key requests.
    sandboxWorker: (sandbox) =>
      startWorker(sandbox, {
        intervalMs: config.workerIntervalMs,
        payouts: false,
        tiers: false,
      }),
    logger: log,
    publicUrl: config.publicUrl,
    outbox: config.smtp ? 'off' : config.outbox,
  });
  await app.listen({ port: config.port, host: config.host });
  const url = config.publicUrl;
  process.stdout.write(
    [
      '',
      `  Tandem is running at ${url}${works ? '' : '  (role api: the worker runs in other processes)'}`,
      `  database:  ${database}`,
      `  console:   ${url}/  (sign in as ${config.ownerEmail}${config.smtp ? '' : `; the link appears at ${url}/outbox`})`,
      `  API docs:  ${url}/docs  (OpenAPI: ${url}/openapi.json)`,
      adminKey
        ? `  admin key: ${adminKey}  (also in ${keyFile})`
        : '  admin key: created by the node that first started on this database (its admin-api-key file); more via POST /v1/api-keys',
      `  try:       curl -H "Authorization: Bearer ${adminKey ?? '<key>'}" ${url}/v1/partners`,
      '',
    ].join('\n') + '\n',
  );

  onStop(log, async () => {
    await app.close();
    await worker?.stop();
    await deps.close();
  });
}

/**
 * On SIGTERM/SIGINT: runs `close` once (stop taking requests and flush clicks, stop the worker
 * after its current transaction, close the database) and exits; after 15 s it exits regardless.
 */
function onStop(log: pino.Logger, close: () => Promise<void>) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: flushing clicks, stopping the worker');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await close();
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
