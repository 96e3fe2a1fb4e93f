import { resolve } from 'node:path';

/** Configuration from the environment, with the defaults `npm start` relies on. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  demo: boolean;
  logLevel: string;
  workerIntervalMs: number;
  tierIntervalMs: number;
  /** Stripe Connect transfers: the secret key and, for tests and proxies, another API base. */
  stripe: { apiKey: string; baseUrl: string | undefined } | undefined;
  /** A crash point for reliability tests (`TANDEM_CRASH_AT=point[#n]`); never set in production. */
  crashAt: string | undefined;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number; got ${env.PORT}`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.TANDEM_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    demo: env.TANDEM_DEMO !== '0' && env.TANDEM_DEMO !== 'false',
    logLevel: env.LOG_LEVEL ?? 'info',
    workerIntervalMs: Number(env.TANDEM_WORKER_INTERVAL_MS ?? 1000),
    tierIntervalMs: Number(env.TANDEM_TIER_INTERVAL_MS ?? 3_600_000),
    stripe: env.TANDEM_STRIPE_API_KEY
      ? { apiKey: env.TANDEM_STRIPE_API_KEY, baseUrl: env.TANDEM_STRIPE_API_BASE || undefined }
      : undefined,
    crashAt: env.TANDEM_CRASH_AT || undefined,
  };
}
