import { tierKey } from '../core/derive-customer.js';
import { toNumber } from '../store/values.js';
import { chunks, type Db, type Tx } from './transaction.js';

/**
 * The recorded decisions derivation reads besides events: partner status
 * and partner tier history, each in time order. Without `partnerIds`, every
 * partner's (the tables are small next to events).
 */
export async function loadStatusHistory(
  db: Db | Tx,
  partnerIds?: readonly string[],
): Promise<Map<string, { at: number; status: string }[]>> {
  const out = new Map<string, { at: number; status: string }[]>();
  const parts = partnerIds ? chunks([...partnerIds], 500) : [undefined];
  for (const part of parts) {
    if (part?.length === 0) continue;
    let q = db
      .selectFrom('partner_status_history')
      .select(['partner_id', 'status', 'at'])
      .orderBy('partner_id')
      .orderBy('at')
      .orderBy('id');
    if (part) q = q.where('partner_id', 'in', part);
    for (const r of await q.execute()) {
      const list = out.get(r.partner_id) ?? [];
      list.push({ at: toNumber(r.at), status: r.status });
      out.set(r.partner_id, list);
    }
  }
  return out;
}

/** Tier changes per program and partner (keyed with `tierKey`), of some partners or of one program. */
export async function loadTierHistory(
  db: Db | Tx,
  q: { partnerIds?: readonly string[]; programId?: string },
): Promise<Map<string, { at: number; tier: string | null }[]>> {
  const out = new Map<string, { at: number; tier: string | null }[]>();
  const parts = q.partnerIds ? chunks([...q.partnerIds], 500) : [undefined];
  for (const part of parts) {
    if (part?.length === 0) continue;
    let query = db
      .selectFrom('partner_tier_history')
      .select(['program_id', 'partner_id', 'tier', 'at'])
      .orderBy('at')
      .orderBy('id');
    if (part) query = query.where('partner_id', 'in', part);
    if (q.programId) query = query.where('program_id', '=', q.programId);
    for (const r of await query.execute()) {
      const key = tierKey(r.program_id, r.partner_id);
      const list = out.get(key) ?? [];
      list.push({ at: toNumber(r.at), tier: r.tier });
      out.set(key, list);
    }
  }
  return out;
}
