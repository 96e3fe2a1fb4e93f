/**
 * One Tandem server process of the ingestion crash test
 * (test/faults/crash-ingestion.test.ts): the real server and worker on a
 * durable database whose world already exists, listening on 127.0.0.1 at a
 * free port, which it prints as `ready <port>` once it accepts requests. The
 * test SIGKILLs it at random and starts it again on the same database.
 *
 *   INGEST_DB=/tmp/x.db | DATABASE_URL=postgres://… INGEST_SCHEMA=s
 *   INGEST_CLOCK_SINCE=<epoch ms shared by every process of one test>
 *   node --import tsx test/support/ingest-server-child.ts
 *
 * A `drain` line on stdin waits until the worker has derived everything and
 * answers `drained`; SIGTERM closes the server, the worker and the database
 * and exits 0.
 */
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { openTandem } from '../../src/engine/open-tandem.js';
import { startWorker } from '../../src/engine/worker.js';
import { buildServer } from '../../src/server/build-server.js';
import { drainWorker } from './ingest-reference.js';
import { ingestClock } from './ingest-world.js';

async function main(): Promise<void> {
  const env = process.env;
  const since = Number(env.INGEST_CLOCK_SINCE);
  if (!Number.isFinite(since)) throw new Error('set INGEST_CLOCK_SINCE');
  const where = env.INGEST_DB
    ? { file: env.INGEST_DB }
    : env.DATABASE_URL && env.INGEST_SCHEMA
      ? { url: env.DATABASE_URL, schema: env.INGEST_SCHEMA, poolSize: 4 }
      : undefined;
  if (!where) throw new Error('set INGEST_DB, or DATABASE_URL and INGEST_SCHEMA');
  const deps = await openTandem({ ...where, clock: ingestClock(since) });
  const worker = startWorker(deps, { intervalMs: 100 });
  const app = await buildServer(deps, { worker });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  process.stdout.write(`ready ${address.port}\n`);

  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'drain') return;
    drainWorker(deps, worker).then(
      () => process.stdout.write('drained\n'),
      (e: unknown) => process.stdout.write(`drain failed: ${String(e)}\n`),
    );
  });
  process.on('SIGTERM', () => {
    void (async () => {
      await app.close();
      await worker.stop();
      await deps.close();
      process.exit(0);
    })();
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    process.stderr.write(
      `ingest child failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exit(1);
  });
}
