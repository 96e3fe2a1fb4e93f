import { createApiKey } from './api-keys.js';
import type { Deps } from './deps.js';
import { isEmpty } from './open-tandem.js';
import { createUser } from './users.js';

/**
 * Claims the first start of an installation, once across every node sharing
 * the database (the `installed_at` setting is inserted by exactly one of
 * them). Only that node creates the first admin key (when no key exists) and
 * may load the demo (when the database is empty), so three nodes starting
 * together on a fresh PostgreSQL create one key and one demo.
 */
export async function claimFirstStart(
  deps: Deps,
  opts: { ownerEmail?: string } = {},
): Promise<{ first: boolean; adminKey?: string; loadDemo: boolean }> {
  const claimed = await deps.store.db
    .insertInto('settings')
    .values({ key: 'installed_at', value: new Date(deps.clock.now()).toISOString() })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!claimed) return { first: false, loadDemo: false };
  const anyKey = await deps.store.db
    .selectFrom('api_keys')
    .select('id')
    .limit(1)
    .executeTakeFirst();
  const adminKey = anyKey
    ? undefined
    : (await createApiKey(deps, { name: 'admin (created at first start)', scopes: ['admin'] })).key;
  // The first owner of the web console: they sign in with a link mailed to this address.
  const anyUser = await deps.store.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (!anyUser && opts.ownerEmail)
    await createUser(
      deps,
      { email: opts.ownerEmail, name: 'Owner', role: 'owner' },
      { id: 'system', role: null },
    );
  return { first: true, ...(adminKey ? { adminKey } : {}), loadDemo: await isEmpty(deps) };
}
