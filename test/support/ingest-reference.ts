import { sql } from 'kysely';
import { type Deps, fixedClock } from '../../src/engine/deps.js';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { WAITING_SQL } from '../../src/engine/dirty-units.js';
import { ingestEvents, MAX_BATCH } from '../../src/engine/ingest-events.js';
import { openTandem } from '../../src/engine/open-tandem.js';
import { releaseAllDue } from '../../src/engine/release-holds.js';
import type { Worker } from '../../src/engine/worker.js';
import {
  freshIngestDatabase,
  INGEST_NOW,
  type IngestStream,
  inOccurredOrder,
  setUpIngestWorld,
} from './ingest-world.js';
import { type LedgerFingerprint, ledgerFingerprint } from './ledger-fingerprint.js';

/**
 * The ledger a clean run gives: a fresh Tandem on the backend under test
 * (SQLite in memory, or its own PostgreSQL schema) with the same world,
 * every event ingested once in `occurred_at` order, derivation drained and
 * every due hold released. `drop` leaves events out (to show that the
 * comparison notices).
 */
export async function referenceFingerprint(
  stream: IngestStream,
  opts: { drop?: (e: Record<string, unknown>) => boolean } = {},
): Promise<LedgerFingerprint> {
  const db = process.env.DATABASE_URL
    ? await freshIngestDatabase('', 'reference')
    : { options: { file: ':memory:' }, drop: async () => {} };
  const deps = await openTandem({ ...db.options, clock: fixedClock(INGEST_NOW) }).catch(
    async (e: unknown) => {
      await db.drop();
      throw e;
    },
  );
  try {
    await setUpIngestWorld(deps, stream.clicks);
    const events = inOccurredOrder(stream.events).filter((e) => !opts.drop?.(e));
    for (let i = 0; i < events.length; i += MAX_BATCH) {
      const r = await ingestEvents(deps, events.slice(i, i + MAX_BATCH));
      if (r.accepted !== Math.min(MAX_BATCH, events.length - i))
        throw new Error(
          `reference ingest: ${JSON.stringify(r.results.find((x) => x.status !== 'accepted'))}`,
        );
    }
    await deriveAll(deps);
    await releaseAllDue(deps);
    return await ledgerFingerprint(deps);
  } finally {
    await deps.close();
    await db.drop();
  }
}

/**
 * Waits until the worker has drained everything: no dirty unit left (partner
 * months settle a second after their mark) and no hold due, checked after a
 * full worker pass. Fails after `timeoutMs`.
 */
export async function drainWorker(deps: Deps, worker: Worker, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await worker.idle();
    const left = await sql<{ dirty: unknown; due: unknown }>`
      SELECT ${sql.raw(WAITING_SQL)} AS dirty,
        (SELECT COUNT(*) FROM hold_queue WHERE available_at <= ${deps.clock.now()}) AS due`.execute(
      deps.store.db,
    );
    const row = left.rows[0];
    if (Number(row?.dirty) === 0 && Number(row?.due) === 0) return;
    if (Date.now() > deadline)
      throw new Error(`derivation did not drain in ${timeoutMs} ms: ${JSON.stringify(row)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
