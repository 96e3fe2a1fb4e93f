import { fromUUIDBytes } from 'typeid-js';

/**
 * Which PostgreSQL tables are partitioned by time, and the bounds of their
 * monthly partitions. Pure: the SQL that creates them is in
 * src/engine/ensure-partitions.ts and migration 0012.
 *
 * Events and clicks are partitioned on their id. Ids are typeids over UUIDv7,
 * whose leading 48 bits are the millisecond Tandem recorded the row, so their
 * text order (byte order, which the usual collations follow for lowercase
 * letters and digits) is their time order: a month's partition is the
 * id range from the smallest id of its first millisecond. Keying on the id
 * keeps the primary key a plain `id` (a unique index must contain the
 * partition key) and lets a look-up by id, the most frequent one, touch one
 * partition. Ledger entries have a serial id and are partitioned on
 * `created_at`, which is when they were posted.
 *
 * Rows older than the partitioning (from before migration 0012) live in a
 * `_history` partition; rows whose key fits no month (ids that are not
 * time-ordered, such as imported click ids, or times outside the created
 * months) land in `_default`, so an insert never fails for want of a partition.
 */
export interface PartitionedTable {
  table: 'events' | 'clicks' | 'ledger_entries';
  column: 'id' | 'created_at';
  /** `id`: a typeid with this prefix; `time`: epoch milliseconds. */
  key: { kind: 'id'; prefix: string } | { kind: 'time' };
}

export const PARTITIONED_TABLES: readonly PartitionedTable[] = [
  { table: 'events', column: 'id', key: { kind: 'id', prefix: 'evt' } },
  { table: 'clicks', column: 'id', key: { kind: 'id', prefix: 'clk' } },
  { table: 'ledger_entries', column: 'created_at', key: { kind: 'time' } },
];

/** How many months ahead of the current one partitions exist. */
export const MONTHS_AHEAD = 3;

export interface MonthPartition {
  table: PartitionedTable['table'];
  /** `events_p2026_12` */
  name: string;
  /** SQL literals for `FOR VALUES FROM (…) TO (…)`. */
  from: string;
  to: string;
}

/** 00:00 UTC on the first day of `at`'s month, `offset` months later. */
export function monthStart(at: number, offset = 0): number {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
}

/**
 * The smallest typeid with this prefix recorded at or after `ms`: the
 * timestamp's 48 bits followed by zeros. Every id made at `ms` or later sorts
 * at or above it, every id made before sorts below.
 */
export function idAt(prefix: string, ms: number): string {
  const bytes = new Uint8Array(16);
  let t = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  return fromUUIDBytes(prefix, bytes).toString();
}

/** The literal bounding a partition of `t` at instant `ms`. */
export function boundAt(t: PartitionedTable, ms: number): string {
  return t.key.kind === 'id' ? `'${idAt(t.key.prefix, ms)}'` : String(ms);
}

/** The month partitions that should exist at `now`: this month and MONTHS_AHEAD more. */
export function monthPartitions(
  t: PartitionedTable,
  now: number,
  ahead = MONTHS_AHEAD,
): MonthPartition[] {
  const out: MonthPartition[] = [];
  for (let m = 0; m <= ahead; m++) {
    const from = monthStart(now, m);
    const d = new Date(from);
    const name = `${t.table}_p${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    out.push({
      table: t.table,
      name,
      from: boundAt(t, from),
      to: boundAt(t, monthStart(now, m + 1)),
    });
  }
  return out;
}
