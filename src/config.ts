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
  /** Where people reach this installation; the links in its mail point here. */
  publicUrl: string;
  /** SMTP for sign-in links; without it mail is kept on the local `/outbox` page. */
  smtp: { url: string; from: string } | undefined;
  /** Who may open `/outbox` when there is no SMTP: `local` (this machine), `on` (anyone), `off`. */
  outbox: 'off' | 'local' | 'on';
  /** The first owner, created at first start; they sign in with a link to this address. */
  ownerEmail: string;
  /**
   * What this process runs (`TANDEM_ROLE`): `all` the HTTP server and the worker, `api` the HTTP
   * server only, `worker` the worker only. Split roles need PostgreSQL: a SQLite file has one owner.
   */
  role: Role;
}

export type Role = 'all' | 'api' | 'worker';

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
    publicUrl: (env.TANDEM_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    smtp: env.TANDEM_SMTP_URL
      ? { url: env.TANDEM_SMTP_URL, from: env.TANDEM_MAIL_FROM || 'Tandem <tandem@localhost>' }
      : undefined,
    outbox: outboxAccess(env.TANDEM_MAIL_OUTBOX),
    ownerEmail: env.TANDEM_OWNER_EMAIL || 'owner@tandem.local',
    role: roleOf(env.TANDEM_ROLE, env.DATABASE_URL || undefined),
  };
}

function roleOf(value: string | undefined, databaseUrl: string | undefined): Role {
  const role = value === undefined || value === '' ? 'all' : value;
  if (role !== 'all' && role !== 'api' && role !== 'worker')
    throw new Error(`TANDEM_ROLE must be all, api or worker; got ${value}`);
  // Two processes on one SQLite file would fight over its lock, and an api alone never derives.
  if (role !== 'all' && !databaseUrl)
    throw new Error(`TANDEM_ROLE=${role} needs DATABASE_URL (PostgreSQL); with SQLite run all`);
  return role;
}

function outboxAccess(value: string | undefined): 'off' | 'local' | 'on' {
  if (value === undefined || value === '') return 'local';
  if (value === 'off' || value === 'local' || value === 'on') return value;
  throw new Error(`TANDEM_MAIL_OUTBOX must be off, local or on; got ${value}`);
}
