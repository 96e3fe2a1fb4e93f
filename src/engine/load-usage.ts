import type { UsageRecord } from '../core/derive-integration.js';
import { jsonOut, toBigInt, toNumber } from '../store/values.js';
import type { Db, Tx } from './transaction.js';

/** The usage events of one integration in [start, end). */
export async function loadUsage(
  tx: Db | Tx,
  integrationId: string,
  start: number,
  end: number,
): Promise<UsageRecord[]> {
  const rows = await tx
    .selectFrom('events')
    .select(['id', 'external_id', 'customer_id', 'occurred_at', 'body', 'revenue', 'currency'])
    .where('integration_id', '=', integrationId)
    .where('type', '=', 'usage')
    .where('occurred_at', '>=', start)
    .where('occurred_at', '<', end)
    .execute();
  return rows.map((r) => {
    const body = jsonOut<{ metric?: string; quantity?: string }>(r.body);
    return {
      id: r.id,
      externalId: r.external_id,
      customerId: r.customer_id,
      occurredAt: toNumber(r.occurred_at),
      metric: body.metric ?? 'usage',
      quantity: BigInt(body.quantity ?? '1'),
      ...(r.revenue !== null ? { revenue: toBigInt(r.revenue) } : {}),
      ...(r.currency ? { currency: r.currency } : {}),
    };
  });
}

/** When an integration's first usage ever happened (durations counted `from: first_usage`). */
export async function firstUsage(db: Db | Tx, integrationId: string): Promise<number | undefined> {
  const r = await db
    .selectFrom('events')
    .select((eb) => eb.fn.min('occurred_at').as('first'))
    .where('integration_id', '=', integrationId)
    .where('type', '=', 'usage')
    .executeTakeFirst();
  return r?.first === null || r?.first === undefined ? undefined : toNumber(r.first);
}
