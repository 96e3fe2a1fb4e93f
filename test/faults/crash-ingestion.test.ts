/**
 * Ingestion survives a power cut at any moment. A child process runs the real
 * server and worker on a durable database (a SQLite file, or a PostgreSQL
 * schema) whose world was created once, up front. The test streams events to
 * it over two keep-alive connections, retrying a batch with the same
 * external ids on a connection error or a 5xx, and SIGKILLs the child 20
 * times after seeded random delays (often with requests in flight),
 * restarting it each time on the same database. After a last clean start the
 * worker drains; then every acknowledged event must be stored exactly once,
 * no event twice, and the ledger must equal that of one clean in-order run
 * of the same events.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prng } from '../../src/core/prng.js';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { openTandem } from '../../src/engine/open-tandem.js';
import { releaseAllDue } from '../../src/engine/release-holds.js';
import { childCommand } from '../support/child-command.js';
import { expectSummariesMatch } from '../support/expect-summaries.js';
import { oneConnection, postEvents } from '../support/ingest-client.js';
import { referenceFingerprint } from '../support/ingest-reference.js';
import {
  freshIngestDatabase,
  ingestClock,
  ingestStream,
  setUpIngestWorld,
} from '../support/ingest-world.js';
import { ledgerFingerprint } from '../support/ledger-fingerprint.js';
import { backend } from '../support/test-tandem.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = join(ROOT, 'test/support/ingest-server-child.ts');
const SEED = 0x1c4a5e;
const EVENTS = 4000;
const KILLS = 20;
const SENDERS = 2;
/** Pause after each acknowledged batch, so the stream outlasts the 20 lives it is cut into. */
const PACE_MS = 120;

interface Life {
  gen: number;
  port: number;
  child: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts a server process and resolves once it prints its port; fails if it dies first. */
function startServer(command: string[], gen: number, env: Record<string, string>): Promise<Life> {
  const child = spawn(process.execPath, command, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server ${gen} not ready in 30 s: ${stderr}`)),
      30_000,
    );
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      lines.push(line);
      const m = /^ready (\d+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ gen, port: Number(m[1]), child, lines, exited });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server ${gen} exited (${code ?? signal}) before it was ready: ${stderr}`));
    });
  });
}

/** Resolves when the process prints `line` (checked from its first line on). */
async function untilLine(life: Life, line: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!life.lines.includes(line)) {
    const failed = life.lines.find((l) => l.startsWith('drain failed'));
    if (failed) throw new Error(failed);
    if (Date.now() > deadline)
      throw new Error(`no "${line}" in ${timeoutMs} ms: ${life.lines.join(' | ')}`);
    await delay(50);
  }
}

describe(`ingestion crash (${backend})`, () => {
  it('20 SIGKILLs during a stream of 4,000 events: every acknowledged event stored once, ledger as a clean run', async () => {
    const started = Date.now();
    const stream = ingestStream(SEED, EVENTS);
    const rand = prng(SEED ^ 0x2545f491);
    const batches: (typeof stream.events)[] = [];
    for (let i = 0; i < stream.events.length; ) {
      const size = 5 + Math.floor(rand() * 21);
      batches.push(stream.events.slice(i, i + size));
      i += size;
    }

    const dir = mkdtempSync(join(tmpdir(), 'tandem-crash-ingest-'));
    const db = await freshIngestDatabase(dir, 'crash');
    const command = await childCommand(CHILD, dir);
    const since = Date.now();
    const env = { ...db.env, INGEST_CLOCK_SINCE: String(since) };
    const lives: Life[] = [];
    let finished = false;
    try {
      // The world exists before the first server starts, like an operator's setup.
      const setup = await openTandem({ ...db.options, clock: ingestClock(since) });
      const world = await setUpIngestWorld(setup, stream.clicks).finally(() => setup.close());

      // The server accepting requests now (none while one is being killed or started).
      let current: Life | undefined;
      let waiters: (() => void)[] = [];
      const serverAfter = async (gen: number): Promise<Life> => {
        while (!current || current.gen <= gen) await new Promise<void>((r) => waiters.push(r));
        return current;
      };
      let inFlight = 0;
      let killedMidRequest = 0;
      let kills = 0;
      let cut = 0;
      let serverErrors = 0;
      let retried = 0;
      let committedUnacknowledged = 0;
      const acknowledged: number[] = [];

      const supervise = async () => {
        for (let gen = 0; gen <= KILLS; gen++) {
          if (finished) throw new Error('the test ended early');
          const life = await startServer(command, gen, env);
          lives.push(life);
          current = life;
          const w = waiters;
          waiters = [];
          for (const r of w) r();
          if (gen === KILLS) return life;
          await delay(150 + Math.floor(rand() * 1300));
          // Every other kill waits (up to half a second) for a request in flight: on a fast
          // machine random instants mostly fall between requests, and the cut ones matter most.
          if (gen % 2 === 1) for (let i = 0; i < 100 && inFlight === 0; i++) await delay(5);
          current = undefined;
          if (inFlight > 0) killedMidRequest++;
          life.child.kill('SIGKILL');
          const end = await life.exited;
          expect(end.signal, `server ${gen} ended by itself`).toBe('SIGKILL');
          kills++;
        }
        throw new Error('unreachable');
      };

      // The next batch to send, shared by the senders.
      const sent = { next: 0 };
      const send = async () => {
        const agent = oneConnection();
        try {
          for (let b = sent.next++; b < batches.length; b = sent.next++) {
            const batch = batches[b] as (typeof batches)[number];
            let life = await serverAfter(-1);
            for (let attempt = 1; ; attempt++) {
              inFlight++;
              const answer = await postEvents(agent, life.port, world.adminKey, batch, 20_000)
                .catch(() => undefined)
                .finally(() => inFlight--);
              if (answer && answer.status >= 200 && answer.status < 300) {
                // Acknowledged: every item stored now or before (a retry of a batch that was
                // committed just before a kill answers `duplicate`), none refused.
                expect(answer.body.rejected).toBe(0);
                expect((answer.body.accepted ?? 0) + (answer.body.duplicates ?? 0)).toBe(
                  batch.length,
                );
                acknowledged.push(b);
                if (attempt > 1) retried++;
                if (attempt > 1 && (answer.body.duplicates ?? 0) > 0) committedUnacknowledged++;
                break;
              }
              if (answer && answer.status < 500)
                throw new Error(
                  `batch ${b} refused: ${answer.status} ${JSON.stringify(answer.body)}`,
                );
              if (answer) serverErrors++;
              else cut++;
              if (attempt >= 40) throw new Error(`batch ${b} failed ${attempt} times`);
              // The next server, or this one again shortly if it is still up (a 5xx).
              const gen = life.gen;
              life = await Promise.race([
                serverAfter(gen),
                delay(250).then(() => serverAfter(current && current.gen === gen ? gen - 1 : gen)),
              ]);
            }
            await delay(PACE_MS);
          }
        } finally {
          agent.destroy();
        }
      };
      const [last] = await Promise.all([
        supervise(),
        ...Array.from({ length: SENDERS }, () => send()),
      ]);
      expect(kills).toBe(KILLS);
      expect(acknowledged).toHaveLength(batches.length);

      // A clean end: the last server drains derivation and shuts down.
      last.child.stdin?.write('drain\n');
      await untilLine(last, 'drained', 90_000);
      last.child.kill('SIGTERM');
      expect(await last.exited).toEqual({ code: 0, signal: null });

      const deps = await openTandem({ ...db.options, clock: ingestClock(since) });
      let stored: Awaited<ReturnType<typeof ledgerFingerprint>>;
      try {
        // Nothing was left for anyone else to derive or release.
        expect(await deriveAll(deps)).toEqual({ units: 0, lines: 0 });
        expect(await releaseAllDue(deps)).toBe(0);
        stored = await ledgerFingerprint(deps);
        // The summaries the portal reads survived the kills too.
        await expectSummariesMatch(deps);
      } finally {
        await deps.close();
      }
      const storedIds = new Map<string, number>();
      for (const e of stored.events) {
        const id = e.split(' ')[0] as string;
        storedIds.set(id, (storedIds.get(id) ?? 0) + 1);
      }
      const lost = acknowledged
        .flatMap((b) => (batches[b] ?? []).map((e) => `api/${e.id}`))
        .filter((id) => storedIds.get(id) !== 1);
      expect(lost, 'acknowledged events not stored exactly once').toEqual([]);
      expect(stored.duplicated).toEqual([]);
      expect(stored.events).toHaveLength(EVENTS);

      const reference = await referenceFingerprint(stream);
      expect(reference.accruals.length).toBeGreaterThan(1000);
      expect(stored.balances).toEqual(reference.balances);
      expect(stored.accruals).toEqual(reference.accruals);
      expect(stored.events).toEqual(reference.events);
      // The kills really cut the stream: some landed mid-request and some batches were retried.
      expect(killedMidRequest).toBeGreaterThan(0);
      expect(retried).toBeGreaterThan(0);
      console.log(
        `crash-ingestion (${backend}): ${kills} kills (${killedMidRequest} with requests in flight, ${cut} requests cut, ${serverErrors} 5xx), ${EVENTS} events, ${acknowledged.length} acknowledged batches, ${retried} retried (${committedUnacknowledged} had been stored before the kill), ledger identical (${reference.accruals.length} accrual keys, ${reference.balances.length} accounts) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    } finally {
      finished = true;
      for (const life of lives)
        if (life.child.exitCode === null && life.child.signalCode === null)
          life.child.kill('SIGKILL');
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
