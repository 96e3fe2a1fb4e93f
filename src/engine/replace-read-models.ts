import type { CustomerDerivation } from '../core/derive-customer.js';
import { canonicalJson } from '../core/event-input.js';
import { jsonIn, jsonOut, toBigInt, toNumber } from '../store/values.js';
import { addDailyStats, conversionDeltas } from './summaries.js';
import { chunks, type Tx } from './transaction.js';

/**
 * Attributions and conversions are read models of derivation. A customer is
 * re-derived each time one of its events arrives, but usually only its newest
 * event adds a row: so rows are compared and only what changed is rewritten
 * (per event for conversions, per customer for attributions), instead of
 * deleting and re-inserting a customer's whole history every time.
 */
export async function replaceReadModels(
  tx: Tx,
  customers: string[],
  derived: Map<string, CustomerDerivation>,
): Promise<ConversionTouch[]> {
  const attributions = [...derived.values()].flatMap((d) => d.attributions);
  const conversions = [...derived.values()].flatMap((d) => d.conversions);

  const wantAttribution = new Map<string, string>();
  for (const a of attributions) {
    const fp = [a.partnerId, a.eventId, a.versionId, a.attributedAt, canonicalJson(a.reason)].join(
      '|',
    );
    wantAttribution.set(`${a.customerId}|${a.programId}`, fp);
  }
  const wantConversion = new Map<string, string>();
  for (const c of conversions) {
    wantConversion.set(
      `${c.eventId}|${c.programId}`,
      [c.partnerId, c.type, c.occurredAt, c.currency ?? '', c.revenue].join('|'),
    );
  }

  const touched: ConversionTouch[] = [];
  const changedCustomers = new Set<string>();
  const changedEvents = new Set<string>();
  const haveAttribution = new Set<string>();
  const haveConversion = new Set<string>();
  const oldConversions: {
    event_id: string;
    partner_id: string;
    type: string;
    occurred_at: unknown;
    currency: string | null;
    revenue: unknown;
  }[] = [];
  for (const part of chunks(customers, 500)) {
    const rows = await tx
      .selectFrom('attributions')
      .selectAll()
      .where('customer_id', 'in', part)
      .execute();
    for (const r of rows) {
      const key = `${r.customer_id}|${r.program_id}`;
      haveAttribution.add(key);
      const fp = [
        r.partner_id,
        r.event_id,
        r.version_id,
        toNumber(r.attributed_at),
        canonicalJson(jsonOut(r.reason)),
      ].join('|');
      if (wantAttribution.get(key) !== fp) changedCustomers.add(r.customer_id);
    }
    const conv = await tx
      .selectFrom('conversions')
      .select([
        'event_id',
        'program_id',
        'partner_id',
        'type',
        'occurred_at',
        'currency',
        'revenue',
      ])
      .where('customer_id', 'in', part)
      .execute();
    for (const r of conv) {
      const key = `${r.event_id}|${r.program_id}`;
      haveConversion.add(key);
      oldConversions.push(r);
      const fp = [
        r.partner_id,
        r.type,
        toNumber(r.occurred_at),
        r.currency ?? '',
        toBigInt(r.revenue),
      ].join('|');
      if (wantConversion.get(key) !== fp) {
        changedEvents.add(r.event_id);
        touched.push({
          programId: r.program_id,
          partnerId: r.partner_id,
          at: toNumber(r.occurred_at),
        });
      }
    }
  }
  for (const a of attributions)
    if (!haveAttribution.has(`${a.customerId}|${a.programId}`)) changedCustomers.add(a.customerId);
  for (const c of conversions)
    if (!haveConversion.has(`${c.eventId}|${c.programId}`)) changedEvents.add(c.eventId);

  for (const part of chunks([...changedCustomers], 500)) {
    await tx.deleteFrom('attributions').where('customer_id', 'in', part).execute();
    await tx.deleteFrom('attribution_shares').where('customer_id', 'in', part).execute();
  }
  for (const part of chunks([...changedEvents], 500))
    await tx.deleteFrom('conversions').where('event_id', 'in', part).execute();
  const newConversions = conversions.filter((c) => changedEvents.has(c.eventId));
  // The daily summary follows: minus what was deleted, plus what is inserted below.
  await addDailyStats(tx, [
    ...oldConversions
      .filter((r) => changedEvents.has(r.event_id))
      .flatMap((r) => conversionDeltas(r, -1n)),
    ...newConversions.flatMap((c) =>
      conversionDeltas(
        {
          partner_id: c.partnerId,
          type: c.type,
          occurred_at: c.occurredAt,
          currency: c.currency ?? null,
          revenue: c.revenue,
        },
        1n,
      ),
    ),
  ]);
  const newAttributions = attributions.filter((a) => changedCustomers.has(a.customerId));
  for (const part of chunks(newAttributions, 300)) {
    await tx
      .insertInto('attributions')
      .values(
        part.map((a) => ({
          program_id: a.programId,
          customer_id: a.customerId,
          partner_id: a.partnerId,
          event_id: a.eventId,
          version_id: a.versionId,
          attributed_at: a.attributedAt,
          reason: jsonIn(a.reason),
        })),
      )
      .execute();
  }
  const shares = newAttributions.flatMap((a) =>
    (a.credit?.shares ?? []).map((x) => ({
      program_id: a.programId,
      customer_id: a.customerId,
      partner_id: x.partnerId,
      percent_bps: Number(x.percentBps),
      why: x.why,
    })),
  );
  for (const part of chunks(shares, 300))
    await tx.insertInto('attribution_shares').values(part).execute();
  for (const c of newConversions)
    touched.push({ programId: c.programId, partnerId: c.partnerId, at: c.occurredAt });
  for (const part of chunks(newConversions, 500)) {
    await tx
      .insertInto('conversions')
      .values(
        part.map((c) => ({
          event_id: c.eventId,
          program_id: c.programId,
          partner_id: c.partnerId,
          customer_id: c.customerId,
          type: c.type,
          occurred_at: c.occurredAt,
          currency: c.currency ?? null,
          revenue: c.revenue,
        })),
      )
      .execute();
  }
  return touched;
}

/** A conversion that appeared, changed or went away: its program, partner and time. */
export interface ConversionTouch {
  programId: string;
  partnerId: string;
  at: number;
}
