import { TandemError } from '../core/errors.js';
import { toIso } from '../core/time.js';
import { jsonOut, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { getPartner } from './partners.js';

export interface AttributionView {
  customer_id: string;
  program_id: string;
  partner_id: string;
  event_id: string;
  version_id: string;
  attributed_at: string;
  reason: unknown;
}

function view(r: {
  customer_id: string;
  program_id: string;
  partner_id: string;
  event_id: string;
  version_id: string;
  attributed_at: unknown;
  reason: unknown;
}): AttributionView {
  return {
    customer_id: r.customer_id,
    program_id: r.program_id,
    partner_id: r.partner_id,
    event_id: r.event_id,
    version_id: r.version_id,
    attributed_at: toIso(toNumber(r.attributed_at)),
    reason: jsonOut(r.reason),
  };
}

/** Customers attributed to a partner, most recent first. */
export async function listAttributedCustomers(
  deps: Deps,
  partnerId: string,
  limit: number,
): Promise<AttributionView[]> {
  await getPartner(deps, partnerId);
  const rows = await deps.store.db
    .selectFrom('attributions')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .orderBy('attributed_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(view);
}

/** A customer's attributions (one per program) with their reasons. Errors: `customer_not_found`. */
export async function getCustomer(
  deps: Deps,
  customerId: string,
): Promise<{ id: string; events: number; attributions: AttributionView[] }> {
  const [attributions, count] = await Promise.all([
    deps.store.db
      .selectFrom('attributions')
      .selectAll()
      .where('customer_id', '=', customerId)
      .execute(),
    deps.store.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
      .where('customer_id', '=', customerId)
      .executeTakeFirst(),
  ]);
  const events = toNumber(count?.n ?? 0);
  if (events === 0)
    throw new TandemError('customer_not_found', `no events for customer ${customerId}`);
  return { id: customerId, events, attributions: attributions.map(view) };
}
