import type { MetricConversion } from '../core/metrics.js';
import { toBigInt, toNumber } from '../store/values.js';
import type { Db, Tx } from './transaction.js';

/**
 * A program's conversions in [from, to) per partner (optionally one), as the
 * metrics of tiers and bonuses read them: from the conversions read model,
 * what the published terms attributed.
 */
export async function loadConversions(
  db: Db | Tx,
  q: { programId: string; partnerId?: string | undefined; from: number; to: number },
): Promise<Map<string, MetricConversion[]>> {
  let query = db
    .selectFrom('conversions')
    .select(['partner_id', 'customer_id', 'type', 'occurred_at', 'currency', 'revenue'])
    .where('program_id', '=', q.programId)
    .where('occurred_at', '>=', q.from)
    .where('occurred_at', '<', q.to);
  if (q.partnerId) query = query.where('partner_id', '=', q.partnerId);
  const out = new Map<string, MetricConversion[]>();
  for (const r of await query.execute()) {
    const list = out.get(r.partner_id) ?? [];
    list.push({
      customerId: r.customer_id,
      type: r.type,
      occurredAt: toNumber(r.occurred_at),
      currency: r.currency,
      revenue: toBigInt(r.revenue),
    });
    out.set(r.partner_id, list);
  }
  return out;
}
