/** Conversions between what the drivers return and domain values, in one place. */
export function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string') return BigInt(v);
  if (v === null || v === undefined) return 0n;
  throw new TypeError(`not an integer: ${String(v)}`);
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return Number(v);
  throw new TypeError(`not a number: ${String(v)}`);
}

export function toOptionalNumber(v: unknown): number | undefined {
  return v === null || v === undefined ? undefined : toNumber(v);
}

export function toBool(v: unknown): boolean {
  return v === true || v === 1 || v === 1n || v === '1' || v === 't';
}

/** JSON goes in as text (SQLite stores it, PostgreSQL casts it to jsonb). */
export function jsonIn(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

/** JSON comes out as text from SQLite and parsed from PostgreSQL. */
export function jsonOut<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
