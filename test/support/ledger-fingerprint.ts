import { sql } from 'kysely';
import type { Deps } from '../../src/engine/deps.js';

/**
 * What two Tandems that received the same events must agree on, written
 * without any id they made up themselves (typeids are random per database):
 *
 * - `balances`: every ledger account's sum per currency, the account address
 *   with partner, program and version ids replaced by their names
 *   (`program:referrals:partner:Partner 3:available USD 123456`);
 * - `accruals`: the net of every accrual identity (key, partner, currency),
 *   the key's event id replaced by the event's source and external id;
 * - `events`: every stored event as source, external id and content hash.
 *
 * Zero nets are left out: a shuffled delivery may post an accrual and reverse
 * it, which nets to what an in-order delivery never posted. `duplicated`
 * lists any (source, external id) stored more than once; it must be empty.
 */
export interface LedgerFingerprint {
  balances: string[];
  accruals: string[];
  events: string[];
  duplicated: string[];
}

/** A typeid: prefix, underscore, 26 base32 characters. */
const TYPEID = /\b[a-z]{2,12}_[0-9a-z]{26}\b/g;

export async function ledgerFingerprint(deps: Deps): Promise<LedgerFingerprint> {
  const db = deps.store.db;
  const names = new Map<string, string>();
  for (const p of await db.selectFrom('programs').select(['id', 'key']).execute())
    names.set(p.id, p.key);
  for (const v of await db
    .selectFrom('program_versions')
    .innerJoin('programs', 'programs.id', 'program_versions.program_id')
    .select(['program_versions.id', 'programs.key', 'program_versions.number'])
    .execute())
    names.set(v.id, `${v.key}#v${Number(v.number)}`);
  for (const p of await db.selectFrom('partners').select(['id', 'name']).execute())
    names.set(p.id, p.name);
  const events = await db
    .selectFrom('events')
    .select(['id', 'source', 'external_id', 'content_hash'])
    .execute();
  for (const e of events) names.set(e.id, `${e.source}/${e.external_id}`);
  const stable = (text: string) =>
    text.replace(TYPEID, (id) => {
      const name = names.get(id);
      if (name === undefined)
        throw new Error(`ledger fingerprint: no stable name for ${id} in ${text}`);
      return name;
    });

  const balances = await sql<{ account: string; currency: string; total: unknown }>`
    SELECT account, currency, SUM(amount) AS total FROM ledger_entries
    GROUP BY account, currency`.execute(db);
  const accruals = await sql<{ key: string; partner_id: string; currency: string; net: unknown }>`
    SELECT key, partner_id, currency, SUM(amount) AS net FROM accrual_lines
    GROUP BY key, partner_id, currency`.execute(db);
  const counts = new Map<string, number>();
  for (const e of events) {
    const k = `${e.source}/${e.external_id}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const nonZero = (v: unknown) => BigInt(v as string | bigint) !== 0n;
  return {
    balances: balances.rows
      .filter((r) => nonZero(r.total))
      .map((r) => `${stable(r.account)} ${r.currency} ${BigInt(r.total as string)}`)
      .sort(),
    accruals: accruals.rows
      .filter((r) => nonZero(r.net))
      .map(
        (r) => `${stable(r.key)} ${stable(r.partner_id)} ${r.currency} ${BigInt(r.net as string)}`,
      )
      .sort(),
    events: events.map((e) => `${e.source}/${e.external_id} ${e.content_hash}`).sort(),
    duplicated: [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`),
  };
}
