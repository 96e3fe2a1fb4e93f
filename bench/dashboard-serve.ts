/**
 * The Tandem server of the dashboard benchmark, run as a child process so that the
 * benchmark's HTTP client and the browser driver never share its event loop: opens an
 * existing database (the enlarged demo), starts the worker and the HTTP server with the
 * built web app on 127.0.0.1, as `npm start` does, waits until the worker has gone idle
 * once (anything it found due is done before the clock starts), and prints
 * `READY {"port":…,"worker_idle_ms":…}`. SIGTERM stops it like `npm start`.
 *
 *   --file <path> | --url <postgres://…>   --web-dist <dir>   [--port 0]
 */
import pino from 'pino';
import { openTandem } from '../src/engine/open-tandem.js';
import { startWorker } from '../src/engine/worker.js';
import { buildServer } from '../src/server/build-server.js';
import { args } from './lib.js';

const IDLE_LIMIT_MS = 600_000;

async function main() {
  const opts = args();
  const log = pino({ level: 'warn', base: null }, pino.destination(2));
  const url = opts.get('url');
  const deps = await openTandem(url ? { url, log } : { file: opts.get('file') as string, log });
  const worker = startWorker(deps);
  const t0 = performance.now();
  const idle = await Promise.race([
    worker.idle().then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), IDLE_LIMIT_MS).unref()),
  ]);
  const workerIdleMs = Math.round(performance.now() - t0);
  const webDist = opts.get('web-dist');
  const app = await buildServer(deps, { worker, logger: log, ...(webDist ? { webDist } : {}) });
  await app.listen({ port: Number(opts.get('port') ?? 0), host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(
    `READY ${JSON.stringify({ pid: process.pid, port, worker_idle_ms: workerIdleMs, worker_idle: idle })}\n`,
  );

  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      let code = 0;
      try {
        await app.close();
        await worker.stop();
        await deps.close();
      } catch (e) {
        process.stderr.write(`bench/dashboard-serve.ts: shutdown failed: ${String(e)}\n`);
        code = 1;
      }
      process.exit(code);
    })();
  });
}

main().catch((e) => {
  process.stderr.write(
    `bench/dashboard-serve.ts failed: ${e instanceof Error ? e.stack : String(e)}\n`,
  );
  process.exit(1);
});
