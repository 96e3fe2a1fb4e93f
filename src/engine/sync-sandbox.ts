import { type Kysely, sql } from 'kysely';
import { jsonIn } from '../store/values.js';
import type { Deps } from './deps.js';
import { inTransaction } from './transaction.js';

/**
 * The configuration the sandbox mirrors from live, parents before children:
 * what derivation reads besides events (programs and their versions, partners
 * and their status history, enrollments, tier state) and the FX table payout
 * previews read. Activity — events, clicks, links, codes, customers,
 * integrations, accruals, the ledger, payouts, payout profiles — is never
 * copied, in either direction.
 *
 * `mark` is the column that moves when a row is written, so a sync reads only
 * what changed; `upsert` tables can change after they are written (their
 * rows are overwritten), the others are append-only (a row is copied once).
 */
export const mirroredTables = [
  { table: 'programs', mark: 'created_at', keys: ['id'], upsert: true },
  { table: 'program_versions', mark: 'published_at', keys: ['id'], upsert: false },
  { table: 'partners', mark: 'updated_at', keys: ['id'], upsert: true },
  { table: 'partner_status_history', mark: 'at', keys: ['id'], upsert: false },
  { table: 'enrollments', mark: 'created_at', keys: ['program_id', 'partner_id'], upsert: false },
  {
    table: 'partner_tiers',
    mark: 'evaluated_at',
    keys: ['program_id', 'partner_id'],
    upsert: true,
  },
  { table: 'partner_tier_history', mark: 'at', keys: ['id'], upsert: false },
  { table: 'fx_rates', mark: 'created_at', keys: ['id'], upsert: false },
] as const;

export type MirroredTable = (typeof mirroredTables)[number]['table'];

/** Per table, the highest `mark` copied so far (absent: copy the whole table). */
export type Watermarks = Partial<Record<MirroredTable, bigint>>;

/**
 * Rows written up to this long before the last one seen are read again: a
 * transaction that commits late, or another node's clock a little behind,
 * is still caught. Copying a row twice is harmless (upserts by id).
 */
const OVERLAP_MS = 5n * 60_000n;
const PAGE = 1000;

type Row = Record<string, unknown>;
type Loose = Kysely<Record<string, Row>>;

/**
 * Copies the configuration that changed in live since `marks` into the
 * sandbox and returns the new watermarks with the number of rows copied per
 * table. Idempotent: rows are upserted by key, append-only rows inserted once.
 * A table whose live row count exceeds the sandbox's (a row written with a
 * timestamp behind the watermark) is copied whole. All changes are read
 * before any is written, children first, so every child read has its parent
 * in what is read after it (foreign keys hold in the sandbox).
 */
export async function syncSandbox(
  live: Deps,
  sandbox: Deps,
  marks: Watermarks = {},
): Promise<{ marks: Watermarks; copied: Partial<Record<MirroredTable, number>> }> {
  const from = live.store.db as unknown as Loose;
  const to = sandbox.store.db as unknown as Loose;
  const read = new Map<MirroredTable, Row[]>();
  const next: Watermarks = { ...marks };
  for (const spec of [...mirroredTables].reverse()) {
    let since = marks[spec.table];
    if (since !== undefined && (await count(from, spec.table)) > (await count(to, spec.table)))
      since = undefined;
    const rows = await readSince(from, spec, since === undefined ? undefined : since - OVERLAP_MS);
    read.set(spec.table, rows);
    for (const r of rows) {
      const m = BigInt(r[spec.mark] as bigint | number);
      if (next[spec.table] === undefined || m > (next[spec.table] as bigint)) next[spec.table] = m;
    }
  }
  const copied: Partial<Record<MirroredTable, number>> = {};
  for (const spec of mirroredTables) {
    const rows = read.get(spec.table) ?? [];
    if (rows.length === 0) continue;
    await inTransaction(sandbox, async (tx) => {
      const db = tx as unknown as Loose;
      for (let i = 0; i < rows.length; i += 200) {
        const part = rows.slice(i, i + 200).map(storable);
        const first = part[0] as Row;
        const others = Object.keys(first).filter(
          (c) => !(spec.keys as readonly string[]).includes(c),
        );
        await db
          .insertInto(spec.table)
          .values(part)
          .onConflict((oc) =>
            spec.upsert
              ? oc
                  .columns([...spec.keys])
                  .doUpdateSet(
                    Object.fromEntries(others.map((c) => [c, sql.ref(`excluded.${c}`)])) as Row,
                  )
                  // Never older over newer (two nodes syncing from snapshots of different ages).
                  .where(
                    sql<boolean>`${sql.ref(`${spec.table}.${spec.mark}`)} <= ${sql.ref(`excluded.${spec.mark}`)}`,
                  )
              : oc.doNothing(),
          )
          .execute();
      }
    });
    copied[spec.table] = rows.length;
  }
  return { marks: next, copied };
}

async function count(db: Loose, table: string): Promise<bigint> {
  const r = await db
    .selectFrom(table)
    .select(sql<bigint | number | string>`COUNT(*)`.as('n'))
    .executeTakeFirst();
  return BigInt(r?.n ?? 0);
}

/** Every row with `mark >= since` (all rows without it), paged by (mark, key). */
async function readSince(
  db: Loose,
  spec: (typeof mirroredTables)[number],
  since: bigint | undefined,
): Promise<Row[]> {
  const order = [spec.mark, ...spec.keys];
  const out: Row[] = [];
  let after: Row | undefined;
  for (;;) {
    let q = db.selectFrom(spec.table).selectAll();
    if (since !== undefined) q = q.where(spec.mark, '>=', since);
    if (after) {
      const last = after;
      q = q.where(
        sql<boolean>`(${sql.join(order.map((c) => sql.ref(c)))}) > (${sql.join(order.map((c) => last[c]))})`,
      );
    }
    for (const c of order) q = q.orderBy(c);
    const page = await q.limit(PAGE).execute();
    out.push(...page);
    if (page.length < PAGE) return out;
    after = page[page.length - 1];
  }
}

/** PostgreSQL hands JSON columns back parsed: they go back in as text, like every write. */
function storable(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row))
    out[k] = v !== null && typeof v === 'object' && !Buffer.isBuffer(v) ? jsonIn(v) : v;
  return out;
}
