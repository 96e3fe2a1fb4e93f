import { tierKey } from '../core/derive-customer.js';
import { toNumber } from '../store/values.js';
import { chunks, type Db, type Tx } from './transaction.js';

/** Every tier change of these partners, per program, in time order (for derivation). */
export async function loadTierHistory(
  db: Db | Tx,
  partnerIds: readonly string[],
): Promise<Map<string, { at: number; tier: string | null }[]>> {
  const out = new Map<string, { at: number; tier: string | null }[]>();
  for (const part of chunks([...partnerIds], 500)) {
    const rows = await db
      .selectFrom('partner_tier_history')
      .select(['program_id', 'partner_id', 'tier', 'at'])
      .where('partner_id', 'in', part)
      .orderBy('at')
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const key = tierKey(r.program_id, r.partner_id);
      const list = out.get(key) ?? [];
      list.push({ at: toNumber(r.at), tier: r.tier });
      out.set(key, list);
    }
  }
  return out;
}
