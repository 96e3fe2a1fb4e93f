import { type Kysely, type Migration, Migrator } from 'kysely';
import type { Store } from './database.js';
import { initial } from './migrations/0001-initial.js';
import { programGrowth } from './migrations/0002-program-growth.js';
import { payouts } from './migrations/0003-payouts.js';
import { integrations } from './migrations/0004-integrations.js';
import { sandbox } from './migrations/0005-sandbox.js';
import { integrationCategories } from './migrations/0006-integration-categories.js';
import { coMarketing } from './migrations/0007-co-marketing.js';
import { users } from './migrations/0008-users.js';
import { summaries } from './migrations/0009-summaries.js';
import { knowledgeBase } from './migrations/0010-knowledge-base.js';
import { explorerIndexes } from './migrations/0011-explorer-indexes.js';
import { partitions } from './migrations/0012-partitions.js';
import { dailyTotals } from './migrations/0013-daily-totals.js';
import { dirtyMarks } from './migrations/0014-dirty-marks.js';
import { integrationIndex } from './migrations/0015-integration-index.js';

function migrations(store: Store): Record<string, Migration> {
  return {
    '0001-initial': initial(store.dialect),
    '0002-program-growth': programGrowth(store.dialect),
    '0003-payouts': payouts(store.dialect),
    '0004-integrations': integrations(store.dialect),
    '0005-sandbox': sandbox(store.dialect),
    '0006-integration-categories': integrationCategories(store.dialect),
    '0007-co-marketing': coMarketing(store.dialect),
    '0008-users': users(store.dialect),
    '0009-summaries': summaries(store.dialect),
    '0010-knowledge-base': knowledgeBase(store.dialect),
    '0011-explorer-indexes': explorerIndexes(store.dialect),
    '0012-partitions': partitions(store.dialect),
    '0013-daily-totals': dailyTotals(store.dialect),
    '0014-dirty-marks': dirtyMarks(store.dialect),
    '0015-integration-index': integrationIndex(),
  };
}

/**
 * Brings the schema up to date (or to migration `to`, for upgrade tests);
 * safe to call from several nodes at once (Kysely locks).
 */
export async function migrate(
  store: Store,
  opts: { to?: string } = {},
): Promise<{ applied: string[] }> {
  const migrator = new Migrator({
    db: store.db as unknown as Kysely<unknown>,
    provider: { getMigrations: async () => migrations(store) },
    // Kysely looks for its tables in every schema; keep them in ours.
    ...(store.schema ? { migrationTableSchema: store.schema } : {}),
  });
  const run = () => (opts.to ? migrator.migrateTo(opts.to) : migrator.migrateToLatest());
  let { error, results } = await run();
  // Kysely's introspector reads every schema of the database: one dropped
  // meanwhile (another test's, a sandbox being reset) fails that read with
  // invalid_schema_name. Nothing was applied; ask again.
  for (let attempt = 1; error && (error as { code?: string }).code === '3F000'; attempt++) {
    if (attempt > 5) break;
    await new Promise((r) => setTimeout(r, 20 * attempt));
    ({ error, results } = await run());
  }
  if (error) throw error;
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
  };
}
