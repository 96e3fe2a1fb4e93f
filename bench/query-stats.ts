/**
 * Opt-in SQL timing for the benchmark server (bench/serve.ts --query-stats <file>): wraps
 * better-sqlite3's statement methods and pg's Client#query from the outside, without touching
 * src/, and sums the time and calls per statement shape (bind lists collapsed). On SQLite the
 * time is the statement's own synchronous execution; on PostgreSQL it is the round trip.
 */
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';

interface Stat {
  calls: number;
  ms: number;
  rows: number;
}
const stats = new Map<string, Stat>();

export function shapeOf(sql: string): string {
  return sql
    .replace(/\$\d+/g, '?')
    .replace(/\?(?:, \?)+/g, '?…')
    .replace(/(\(\?…?\))(?:, \(\?…?\))+/g, '$1, …')
    .replace(/\s+/g, ' ')
    .trim();
}

function add(sql: string, ms: number, rows: number) {
  const k = shapeOf(sql);
  const s = stats.get(k);
  if (s) {
    s.calls++;
    s.ms += ms;
    s.rows += rows;
  } else stats.set(k, { calls: 1, ms, rows });
}

export function installQueryStats(): void {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<
    string,
    (...a: unknown[]) => unknown
  >;
  probe.close();
  for (const method of ['all', 'get', 'run'] as const) {
    const original = proto[method] as (...a: unknown[]) => unknown;
    proto[method] = function (this: { source: string }, ...a: unknown[]) {
      const t = performance.now();
      const r = original.apply(this, a);
      const rows = Array.isArray(r)
        ? r.length
        : method === 'run'
          ? Number((r as { changes: number }).changes)
          : 1;
      add(this.source, performance.now() - t, rows);
      return r;
    };
  }
  const clientProto = pg.Client.prototype as unknown as {
    query: (...a: unknown[]) => unknown;
  };
  const query = clientProto.query;
  clientProto.query = function (this: unknown, ...a: unknown[]) {
    const text = typeof a[0] === 'string' ? a[0] : (a[0] as { text?: string })?.text;
    const r = query.apply(this, a);
    if (text && r && typeof (r as Promise<unknown>).then === 'function') {
      const t = performance.now();
      (r as Promise<{ rowCount?: number | null; rows?: unknown[] }>).then(
        (res) => add(text, performance.now() - t, res?.rows?.length || res?.rowCount || 0),
        () => add(text, performance.now() - t, 0),
      );
    }
    return r;
  };
}

/** Forgets what setup ran, so the figures cover the measured phase only. */
export function resetQueryStats(): void {
  stats.clear();
}

export function writeQueryStats(file: string): void {
  const rows = [...stats.entries()]
    .map(([sql, s]) => ({ sql, calls: s.calls, ms: Math.round(s.ms), rows: s.rows }))
    .sort((a, b) => b.ms - a.ms);
  writeFileSync(file, `${JSON.stringify(rows, null, 1)}\n`);
}
