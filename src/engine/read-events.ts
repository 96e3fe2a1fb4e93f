import type { Currency } from '../core/currency.js';
import { formatAmount } from '../core/money.js';
import { toIso } from '../core/time.js';
import { jsonOut, toBigInt, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { decodeCursor, encodeCursor } from './read-accruals.js';

export interface EventView {
  id: string;
  type: string;
  occurred_at: string;
  received_at: string;
  customer_id: string;
  source: string;
  /** The event as it was sent. */
  body: unknown;
  /** What derivation made of it: conversions per program and accrual lines. */
  produced: {
    conversions: { program_id: string; partner_id: string; type: string }[];
    accruals: {
      id: string;
      kind: string;
      partner_id: string;
      program_id: string;
      rule_id: string;
      amount: string;
      currency: string;
    }[];
  };
}

/**
 * Stored events, newest first, paged by cursor, narrowed by customer,
 * partner (its attributed customers' events and its integrations'), type
 * and occurrence time, each with what it produced: the explorer of the
 * console. Reads an index per filter and the page's own lines.
 */
export async function listEvents(
  deps: Deps,
  q: {
    customerId?: string | undefined;
    partnerId?: string | undefined;
    type?: string | undefined;
    from?: number | undefined;
    to?: number | undefined;
    before?: string | undefined;
    limit: number;
  },
): Promise<{ data: EventView[]; next_cursor: string | null }> {
  const db = deps.store.db;
  let query = db
    .selectFrom('events')
    .select(['id', 'type', 'occurred_at', 'received_at', 'customer_id', 'source', 'body'])
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.customerId) query = query.where('customer_id', '=', q.customerId);
  if (q.type) query = query.where('type', '=', q.type);
  if (q.from !== undefined) query = query.where('occurred_at', '>=', q.from);
  if (q.to !== undefined) query = query.where('occurred_at', '<', q.to);
  const partnerId = q.partnerId;
  if (partnerId)
    query = query.where((eb) =>
      eb.or([
        eb(
          'customer_id',
          'in',
          eb.selectFrom('attributions').select('customer_id').where('partner_id', '=', partnerId),
        ),
        eb(
          'integration_id',
          'in',
          eb.selectFrom('integrations').select('id').where('partner_id', '=', partnerId),
        ),
      ]),
    );
  if (q.before) {
    const [at, id] = decodeCursor(q.before);
    query = query.where((eb) =>
      eb.or([eb('occurred_at', '<', at), eb.and([eb('occurred_at', '=', at), eb('id', '<', id)])]),
    );
  }
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const ids = page.map((r) => r.id);
  const [lines, conversions] = ids.length
    ? await Promise.all([
        db
          .selectFrom('accrual_lines')
          .select([
            'id',
            'event_id',
            'kind',
            'partner_id',
            'program_id',
            'rule_id',
            'amount',
            'currency',
          ])
          .where('event_id', 'in', ids)
          .orderBy('id')
          .execute(),
        db
          .selectFrom('conversions')
          .select(['event_id', 'program_id', 'partner_id', 'type'])
          .where('event_id', 'in', ids)
          .execute(),
      ])
    : [[], []];
  const last = page[page.length - 1];
  return {
    data: page.map((r) => ({
      id: r.id,
      type: r.type,
      occurred_at: toIso(toNumber(r.occurred_at)),
      received_at: toIso(toNumber(r.received_at)),
      customer_id: r.customer_id,
      source: r.source,
      body: jsonOut(r.body),
      produced: {
        conversions: conversions
          .filter((c) => c.event_id === r.id)
          .map(({ event_id: _e, ...c }) => c),
        accruals: lines
          .filter((l) => l.event_id === r.id)
          .map((l) => ({
            id: l.id,
            kind: l.kind,
            partner_id: l.partner_id,
            program_id: l.program_id,
            rule_id: l.rule_id,
            amount: formatAmount(toBigInt(l.amount), l.currency as Currency),
            currency: l.currency,
          })),
      },
    })),
    next_cursor:
      rows.length > q.limit && last ? encodeCursor(toNumber(last.occurred_at), last.id) : null,
  };
}
