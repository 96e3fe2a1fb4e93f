/**
 * Duplicates and reordering over real HTTP: a Tandem server and worker listen
 * on 127.0.0.1 (on the backend under test, SQLite in a file), 10,000 events
 * are each delivered one to three times, shuffled, in batches that mix
 * duplicates, over eight concurrent keep-alive connections. Once the worker
 * has drained, the ledger must equal that of a fresh Tandem that received
 * each event once, in the order they happened: the same balance on every
 * account, the same net per accrual, and every event stored exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prng } from '../../src/core/prng.js';
import { openTandem } from '../../src/engine/open-tandem.js';
import { startWorker } from '../../src/engine/worker.js';
import { buildServer } from '../../src/server/build-server.js';
import { expectSummariesMatch } from '../support/expect-summaries.js';
import { oneConnection, postEvents } from '../support/ingest-client.js';
import { drainWorker, referenceFingerprint } from '../support/ingest-reference.js';
import {
  freshIngestDatabase,
  ingestClock,
  ingestStream,
  setUpIngestWorld,
} from '../support/ingest-world.js';
import { ledgerFingerprint } from '../support/ledger-fingerprint.js';
import { backend } from '../support/test-tandem.js';

const SEED = 0x7a4d3e;
const EVENTS = 10_000;
const CONNECTIONS = 8;

describe(`ingestion over HTTP (${backend})`, () => {
  it('10,000 events delivered 1–3 times, shuffled, over 8 connections give the ledger of one in-order delivery', async () => {
    const started = Date.now();
    const stream = ingestStream(SEED, EVENTS);
    const rand = prng(SEED ^ 0x5bd1e995);
    const deliveries = stream.events.flatMap((e) =>
      Array.from({ length: 1 + Math.floor(rand() * 3) }, () => e),
    );
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]] as [
        (typeof deliveries)[number],
        (typeof deliveries)[number],
      ];
    }
    const batches: (typeof deliveries)[] = [];
    for (let i = 0; i < deliveries.length; ) {
      const size = 1 + Math.floor(rand() * 200);
      batches.push(deliveries.slice(i, i + size));
      i += size;
    }
    // Some batches really do hold the same event twice.
    expect(batches.some((b) => new Set(b.map((e) => e.id)).size < b.length)).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'tandem-http-dup-'));
    const db = await freshIngestDatabase(dir, 'served');
    const opened = openTandem({ ...db.options, clock: ingestClock(Date.now()) });
    const deps = await opened.catch(async (e: unknown) => {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    });
    const worker = startWorker(deps, { intervalMs: 100 });
    let app: Awaited<ReturnType<typeof buildServer>> | undefined;
    const agents = Array.from({ length: CONNECTIONS }, oneConnection);
    try {
      const world = await setUpIngestWorld(deps, stream.clicks);
      app = await buildServer(deps, { worker });
      let connections = 0;
      app.server.on('connection', () => connections++);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const port = (app.server.address() as AddressInfo).port;

      const total = { accepted: 0, duplicates: 0, rejected: 0 };
      let next = 0;
      await Promise.all(
        agents.map(async (agent) => {
          for (let b = next++; b < batches.length; b = next++) {
            const batch = batches[b] as (typeof batches)[number];
            const answer = await postEvents(agent, port, world.adminKey, batch);
            expect(answer.status, JSON.stringify(answer.body).slice(0, 500)).toBe(200);
            total.accepted += answer.body.accepted ?? 0;
            total.duplicates += answer.body.duplicates ?? 0;
            total.rejected += answer.body.rejected ?? 0;
          }
        }),
      );
      // Each event was accepted exactly once, however many copies raced each other.
      expect(total).toEqual({
        accepted: EVENTS,
        duplicates: deliveries.length - EVENTS,
        rejected: 0,
      });
      await drainWorker(deps, worker);
      const served = await ledgerFingerprint(deps);
      await expectSummariesMatch(deps);
      await app.close();
      app = undefined;

      const reference = await referenceFingerprint(stream);
      expect(served.duplicated).toEqual([]);
      expect(served.events).toHaveLength(EVENTS);
      // The world earns something worth comparing: every partner has money, and many accruals.
      expect(reference.accruals.length).toBeGreaterThan(3000);
      for (const p of world.partners)
        expect(reference.balances.some((b) => b.includes(`:${p.name}:available`))).toBe(true);
      expect(served.balances).toEqual(reference.balances);
      expect(served.accruals).toEqual(reference.accruals);
      expect(served.events).toEqual(reference.events);
      expect(connections).toBe(CONNECTIONS);
      console.log(
        `http-duplicates (${backend}): ${EVENTS} events, ${deliveries.length} deliveries in ${batches.length} batches over ${connections} connections, ledger identical (${reference.accruals.length} accrual keys, ${reference.balances.length} accounts) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    } finally {
      for (const a of agents) a.destroy();
      await app?.close();
      await worker.stop();
      await deps.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
