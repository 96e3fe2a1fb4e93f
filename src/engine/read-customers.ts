import { TandemError } from '../core/errors.js';
import { formatBasisPoints } from '../core/factor.js';
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

/**
 * Customers attributed to a partner, most recent first: those it won and
 * those whose credit it shares. A partner sees its own share and why, never
 * who else shares the customer or their touches.
 */
export async function listAttributedCustomers(
  deps: Deps,
  partnerId: string,
  limit: number,
): Promise<AttributionView[]> {
  await getPartner(deps, partnerId);
  const db = deps.store.db;
  const rows = await db
    .selectFrom('attributions')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('partner_id', '=', partnerId),
        eb(
          'customer_id',
          'in',
          eb
            .selectFrom('attribution_shares')
            .select('customer_id')
            .where('partner_id', '=', partnerId),
        ),
      ]),
    )
    .orderBy('attributed_at', 'desc')
    .limit(limit)
    .execute();
  const shares = rows.length
    ? await db
        .selectFrom('attribution_shares')
        .selectAll()
        .where('partner_id', '=', partnerId)
        .where(
          'customer_id',
          'in',
          rows.map((r) => r.customer_id),
        )
        .execute()
    : [];
  const shareOf = new Map(shares.map((x) => [`${x.program_id}|${x.customer_id}`, x]));
  return rows.flatMap((r) => {
    const v = view(r);
    const reason = v.reason as { credit?: { split: string; shares: unknown[] } } & Record<
      string,
      unknown
    >;
    if (!reason.credit) return r.partner_id === partnerId ? [v] : [];
    const own = shareOf.get(`${r.program_id}|${r.customer_id}`);
    if (!own) return [];
    const credit = {
      split: reason.credit.split,
      partners: reason.credit.shares.length,
      your_percent: `${formatBasisPoints(BigInt(own.percent_bps))}%`,
      why: own.why,
    };
    // The winner's touch is kept only for the partner whose touch it was.
    const { credit: _all, touch, ...rest } = reason;
    return [
      {
        ...v,
        partner_id: partnerId,
        reason: { ...rest, ...(r.partner_id === partnerId ? { touch } : {}), credit },
      },
    ];
  });
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
