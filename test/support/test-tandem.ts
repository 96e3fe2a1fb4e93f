import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type FixedClock, fixedClock, type Ids } from '../../src/engine/deps.js';
import { openTandem } from '../../src/engine/open-tandem.js';
import type { PayoutRails } from '../../src/engine/payout-rail.js';

/** Which backend this run tests: PostgreSQL when DATABASE_URL is set, else SQLite in memory. */
export const backend = process.env.DATABASE_URL ? 'postgres' : 'sqlite';

/**
 * A fresh Tandem on the backend under test. On PostgreSQL every call gets its
 * own schema (dropped on close), so test files can run in parallel on one
 * database.
 */
export async function testTandem(
  opts: { clock?: FixedClock; now?: string; ids?: Ids; rails?: PayoutRails } = {},
) {
  const clock = opts.clock ?? fixedClock(Date.parse(opts.now ?? '2026-01-01T00:00:00Z'));
  const url = process.env.DATABASE_URL;
  if (!url) {
    const deps = await openTandem({
      file: ':memory:',
      clock,
      ...(opts.ids ? { ids: opts.ids } : {}),
      ...(opts.rails ? { rails: opts.rails } : {}),
    });
    return { ...deps, clock, close: deps.close };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const deps = await openTandem({
    url,
    schema,
    clock,
    poolSize: 4,
    ...(opts.ids ? { ids: opts.ids } : {}),
    ...(opts.rails ? { rails: opts.rails } : {}),
  });
  return {
    ...deps,
    clock,
    close: async () => {
      await deps.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      // The sandbox (test mode) a server on this schema may have opened beside it.
      await c.query(`DROP SCHEMA IF EXISTS ${schema}_sandbox CASCADE`);
      await c.end();
    },
  };
}

export type TestTandem = Awaited<ReturnType<typeof testTandem>>;
