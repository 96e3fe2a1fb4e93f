import { randomBytes } from 'node:crypto';
import { type OpenStoreOptions, openStore } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import {
  type Clock,
  type Deps,
  type Ids,
  type Logger,
  silentLogger,
  systemClock,
  typeidIds,
} from './deps.js';
import type { Faults } from './faults.js';
import type { Mailer } from './mail.js';
import type { PayoutRails } from './payout-rail.js';

export interface OpenTandemOptions extends OpenStoreOptions {
  clock?: Clock;
  ids?: Ids;
  log?: Logger;
  rails?: PayoutRails;
  faults?: Faults;
  mailer?: Mailer;
}

/**
 * Opens the database (SQLite file or memory, or PostgreSQL by URL), brings
 * the schema up to date and loads the installation secret, creating it on
 * first start. The composition roots (server, CLI, tests) start here.
 */
export async function openTandem(
  opts: OpenTandemOptions,
): Promise<Deps & { close(): Promise<void> }> {
  const store = await openStore(opts);
  try {
    await migrate(store);
    await store.db
      .insertInto('settings')
      .values({ key: 'secret', value: randomBytes(32).toString('base64url') })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await store.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', 'secret')
      .executeTakeFirstOrThrow();
    const deps: Deps = Object.freeze({
      store,
      clock: opts.clock ?? systemClock,
      ids: opts.ids ?? typeidIds,
      log: opts.log ?? silentLogger,
      secret: row.value,
      ...(opts.rails ? { rails: opts.rails } : {}),
      ...(opts.faults ? { faults: opts.faults } : {}),
      ...(opts.mailer ? { mailer: opts.mailer } : {}),
    });
    return Object.assign(Object.create(null), deps, { close: () => store.close() });
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** True when the database holds no program and no partner yet (a fresh install). */
export async function isEmpty(deps: Deps): Promise<boolean> {
  const p = await deps.store.db.selectFrom('programs').select('id').limit(1).executeTakeFirst();
  const q = await deps.store.db.selectFrom('partners').select('id').limit(1).executeTakeFirst();
  return !p && !q;
}
