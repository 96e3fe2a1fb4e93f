/**
 * The storage ceiling for ingestion: the workload's event rows inserted with plain multi-row
 * INSERTs into a bare table, through the same driver Tandem uses, with nothing else around
 * them — no HTTP, no validation, no idempotency look-up, no derivation. Tandem's end-to-end
 * events/s divided by this is how much of the storage's speed the engine keeps.
 *
 * The table, `events_ceiling`, has the same columns (names, types, NOT NULL) as `events` and
 * one index: its primary key on `id` (`events` also has UNIQUE (source, external_id) and five
 * secondary indexes, which Tandem needs and the ceiling deliberately does not pay for). It is
 * made in the database the Tandem run used, after that run's server has stopped:
 *  - SQLite: the same file (WAL, `synchronous = FULL`, as `openStore` sets), better-sqlite3,
 *    one statement of `batch` rows per transaction (each commit fsynced);
 *  - PostgreSQL: the same scratch database over 127.0.0.1, one `pg` client, one statement of
 *    `batch` rows per transaction (autocommit), `CREATE TABLE … (LIKE events)`.
 * The rows are the ones Tandem would store: each event of the batch goes through
 * `parseEventInput` and `eventToRow` with an id from the same generator; that conversion is
 * outside the clock, which covers only the INSERT statements (and their commits).
 *
 *   npx tsx bench/storage-ceiling.ts --backend sqlite|postgres [--events 200000] [--batch 500]
 *
 * Standalone, it generates the ingestion workload (bench/workload.ts) and uses a fresh SQLite
 * file or scratch PostgreSQL database (migrated by openTandem so that `events` exists).
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { canonicalEvent, parseEventInput } from '../src/core/event-input.js';
import { typeidIds } from '../src/engine/deps.js';
import { openTandem } from '../src/engine/open-tandem.js';
import { eventToRow } from '../src/store/event-rows.js';
import { args, machine, scratchStore, table, writeResult } from './lib.js';
import { generate } from './workload.js';

export interface CeilingFigures {
  backend: 'sqlite' | 'postgres';
  rows: number;
  batch: number;
  statements: number;
  /** Seconds inside the INSERT statements (and their commits) only. */
  seconds: number;
  events_per_s: number;
  table: string;
  indexes: string;
}

type Value = string | number | bigint | null;

/** The row Tandem would insert for one raw event of the workload. */
function toRow(raw: Record<string, unknown>, now: number): Record<string, Value> {
  const parsed = parseEventInput({ ...raw, source: 'api' }, now);
  if (!parsed.ok) throw new Error(`workload event rejected: ${parsed.message}`);
  const hash = createHash('sha256').update(canonicalEvent(parsed.event)).digest('hex');
  return eventToRow(parsed.event, typeidIds.next('evt'), now, hash) as unknown as Record<
    string,
    Value
  >;
}

const eventsOf = (batch: string) =>
  (JSON.parse(batch) as { events: Record<string, unknown>[] }).events;

/** The columns of an events row, in the order rowBatches yields values. */
const columnsOf = (now: number, first: string) =>
  Object.keys(toRow(eventsOf(first)[0] as Record<string, unknown>, now));

/** The workload's batches as the rows Tandem would insert, one batch at a time. */
function* rowBatches(batches: readonly string[], columns: string[], now: number) {
  for (const text of batches) {
    yield eventsOf(text).map((raw) => {
      const row = toRow(raw, now);
      return columns.map((c) => row[c] ?? null);
    });
  }
}

const placeholders = (rows: number, cols: number, pgStyle: boolean) => {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const p: string[] = [];
    for (let c = 0; c < cols; c++) p.push(pgStyle ? `$${r * cols + c + 1}` : '?');
    out.push(`(${p.join(',')})`);
  }
  return out.join(',');
};

/** SQLite: the same file, a bare copy of `events`' columns, one multi-row INSERT per commit. */
export function sqliteCeiling(
  file: string,
  batches: readonly string[],
  now: number,
): CeilingFigures {
  const db = new Database(file);
  try {
    db.defaultSafeIntegers(true);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    const info = db.prepare('PRAGMA table_info(events)').all() as {
      name: string;
      type: string;
      notnull: number | bigint;
    }[];
    const cols = columnsOf(now, batches[0] as string);
    const decl = cols.map((c) => {
      const i = info.find((x) => x.name === c);
      if (!i) throw new Error(`events has no column ${c}`);
      return `${c} ${i.type}${c === 'id' ? ' PRIMARY KEY' : Number(i.notnull) ? ' NOT NULL' : ''}`;
    });
    db.exec('DROP TABLE IF EXISTS events_ceiling');
    db.exec(`CREATE TABLE events_ceiling (${decl.join(', ')})`);
    const statements = new Map<number, Database.Statement>();
    const stmt = (n: number) => {
      let s = statements.get(n);
      if (!s) {
        s = db.prepare(
          `INSERT INTO events_ceiling (${cols.join(',')}) VALUES ${placeholders(n, cols.length, false)}`,
        );
        statements.set(n, s);
      }
      return s;
    };
    let rows = 0;
    let ns = 0n;
    let count = 0;
    let batchSize = 0;
    for (const part of rowBatches(batches, cols, now)) {
      const s = stmt(part.length);
      const flat = part.flat();
      const t = process.hrtime.bigint();
      // Autocommit: one transaction (and one fsync of the WAL) per statement.
      s.run(...flat);
      ns += process.hrtime.bigint() - t;
      rows += part.length;
      batchSize = Math.max(batchSize, part.length);
      count++;
    }
    return figures('sqlite', rows, batchSize, count, ns);
  } finally {
    db.close();
  }
}

/** PostgreSQL: the same database, `LIKE events` plus a primary key, one multi-row INSERT per commit. */
export async function postgresCeiling(
  url: string,
  batches: readonly string[],
  now: number,
): Promise<CeilingFigures> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const cols = columnsOf(now, batches[0] as string);
    await c.query('DROP TABLE IF EXISTS events_ceiling');
    // LIKE copies names, types and NOT NULL; no CHECKs, no indexes, no partitioning.
    await c.query('CREATE TABLE events_ceiling (LIKE events INCLUDING DEFAULTS)');
    await c.query('ALTER TABLE events_ceiling ADD PRIMARY KEY (id)');
    let rows = 0;
    let ns = 0n;
    let count = 0;
    let batchSize = 0;
    for (const part of rowBatches(batches, cols, now)) {
      const text = `INSERT INTO events_ceiling (${cols.join(',')}) VALUES ${placeholders(part.length, cols.length, true)}`;
      const values = part.flat().map((v) => (typeof v === 'bigint' ? v.toString() : v));
      const t = process.hrtime.bigint();
      await c.query({ text, values });
      ns += process.hrtime.bigint() - t;
      rows += part.length;
      batchSize = Math.max(batchSize, part.length);
      count++;
    }
    return figures('postgres', rows, batchSize, count, ns);
  } finally {
    await c.end();
  }
}

function figures(
  backend: 'sqlite' | 'postgres',
  rows: number,
  batch: number,
  statements: number,
  ns: bigint,
): CeilingFigures {
  const seconds = Number(ns) / 1e9;
  return {
    backend,
    rows,
    batch,
    statements,
    seconds: Math.round(seconds * 100) / 100,
    events_per_s: Math.round(rows / seconds),
    table: 'events_ceiling: the columns of events (names, types, NOT NULL)',
    indexes: 'PRIMARY KEY (id) only',
  };
}

async function main() {
  const opts = args();
  const backend = opts.get('backend') ?? 'sqlite';
  if (backend !== 'sqlite' && backend !== 'postgres')
    throw new Error('--backend must be sqlite or postgres');
  const events = Number(opts.get('events') ?? 200_000);
  const batch = Number(opts.get('batch') ?? 500);
  const now = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const gen = generate({ events, batch, partners: 50, seed: Number(opts.get('seed') ?? 7), now });
  const store = await scratchStore(backend, 'tandem_bench_ceiling');
  try {
    // Migrated, so that `events` (whose columns the ceiling copies) exists.
    const deps = await openTandem(store.open);
    await deps.close();
    const r =
      'file' in store.open
        ? sqliteCeiling(store.open.file, gen.batches, now)
        : await postgresCeiling(store.open.url, gen.batches, now);
    const result = {
      bench: 'storage-ceiling',
      date: new Date().toISOString(),
      machine: await machine(),
      ...r,
    };
    process.stdout.write(`${JSON.stringify(result)}\n\n`);
    process.stdout.write(
      `${table([
        ['backend', 'rows', 'batch', 'seconds', 'events/s', 'indexes'],
        [r.backend, r.rows, r.batch, r.seconds, r.events_per_s, r.indexes],
      ])}\n`,
    );
    process.stdout.write(`written: ${writeResult(`storage-ceiling-${backend}`, result)}\n`);
  } finally {
    await store.cleanup(opts.has('keep'));
  }
}

if (process.argv[1]?.endsWith('storage-ceiling.ts')) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
