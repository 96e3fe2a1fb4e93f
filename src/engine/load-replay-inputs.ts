import type { CustomerEvents, ReplayBatch } from '../core/replay.js';
import { toNumber } from '../store/values.js';
import { loadCustomerInputs } from './load-derivation-inputs.js';
import { loadStatusHistory, loadTierHistory } from './load-histories.js';
import type { Db } from './transaction.js';

/** Customers per batch: a few thousand keeps memory flat and round trips few. */
export const REPLAY_BATCH_CUSTOMERS = 2000;

export interface ReplayInputQuery {
  programId: string;
  /** Customers with at least one event in [from, to) are replayed, with all of their events. */
  from: number;
  to: number;
  batchCustomers?: number;
}

export interface ReplayInputs {
  /** Every partner's status changes, in time order (all partners: the table is small). */
  partnerStatus: Map<string, { at: number; status: string }[]>;
  /** The program's tier history, keyed with `tierKey`, in time order. */
  partnerTiers: Map<string, { at: number; tier: string | null }[]>;
  /** How many customers `batches` yields. */
  customers: number;
  /**
   * The customers in the order of their first event, each with all its events, in batches.
   * Each batch says up to when every customer's first event has been seen
   * (`firstEventsBefore`), so the replay can settle the months that are complete and free
   * their memory instead of holding every month until the end.
   */
  batches(): AsyncGenerator<ReplayBatch>;
}

/**
 * Loads what a replay of one program over a time range reads, in bulk and never per event:
 * partner status and tier history once; the customers with an event in the range, with the
 * time of their first event, in one grouped query; then, batch by batch, their events (one
 * query per 1,000 customers) and the clicks and codes those events quote. Reads only;
 * nothing is locked, so a long replay does not stall ingestion (and sees the rows committed
 * as it goes).
 */
export async function loadReplayInputs(db: Db, q: ReplayInputQuery): Promise<ReplayInputs> {
  const size = q.batchCustomers ?? REPLAY_BATCH_CUSTOMERS;
  const [partnerStatus, partnerTiers, customerRows] = await Promise.all([
    loadStatusHistory(db),
    loadTierHistory(db, { programId: q.programId }),
    db
      .selectFrom('events')
      .select(['customer_id', (eb) => eb.fn.min('occurred_at').as('first_at')])
      .where('customer_id', 'in', (eb) =>
        eb
          .selectFrom('events')
          .select('customer_id')
          .where('occurred_at', '>=', q.from)
          .where('occurred_at', '<', q.to)
          .where('integration_id', 'is', null),
      )
      .where('integration_id', 'is', null)
      .groupBy('customer_id')
      .execute(),
  ]);
  // First event, then id: deterministic, and the order in which months become complete.
  const order = customerRows
    .map((r) => ({ id: r.customer_id, first: toNumber(r.first_at) }))
    .sort((a, b) => a.first - b.first || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  async function* batches(): AsyncGenerator<ReplayBatch> {
    for (let i = 0; i < order.length; i += size) {
      const ids = order.slice(i, i + size).map((c) => c.id);
      const next = order[i + size];
      yield {
        ...(await loadBatch(db, q.programId, ids)),
        firstEventsBefore: next ? next.first : Number.POSITIVE_INFINITY,
      };
    }
  }

  return { partnerStatus, partnerTiers, customers: order.length, batches };
}

async function loadBatch(db: Db, programId: string, ids: string[]): Promise<ReplayBatch> {
  const { events, clicks, codes, campaigns } = await loadCustomerInputs(db, ids, {
    programId,
    chunk: 1000,
  });
  const customers: CustomerEvents[] = ids.map((customerId) => ({
    customerId,
    events: events.get(customerId) ?? [],
  }));
  return { customers, clicks, codes, campaigns };
}
