import type { TandemEvent } from '../core/event.js';
import type { ClickRecord, CodeRecord } from '../core/touch.js';
import { eventFromRow } from '../store/event-rows.js';
import { toBool, toNumber, toOptionalNumber } from '../store/values.js';
import { chunks, type Db, type Tx } from './transaction.js';

/**
 * What deriving customers reads besides programs, in bulk: their events and
 * the clicks and codes those events quote. The live engine and the backtest
 * load through here, so they read the same records the same way.
 */
export interface CustomerInputs {
  events: Map<string, TandemEvent[]>;
  clicks: Map<string, ClickRecord>;
  /** By normalized code. */
  codes: Map<string, CodeRecord>;
}

/**
 * Every event of these customers (also later ones: a later event can quote a
 * click older than the customer's first events), and the clicks and codes
 * they quote — of one program only when `programId` is given (touches of other
 * programs never attribute in it).
 */
export async function loadCustomerInputs(
  db: Db | Tx,
  customerIds: readonly string[],
  opts: { programId?: string; chunk?: number } = {},
): Promise<CustomerInputs> {
  const size = opts.chunk ?? 500;
  const events = new Map<string, TandemEvent[]>();
  const clickIds = new Set<string>();
  const codeIds = new Set<string>();
  for (const part of chunks([...customerIds], size)) {
    const rows = await db
      .selectFrom('events')
      .selectAll()
      .where('customer_id', 'in', part)
      // Usage by an install names it as customer; it is the integration's, not the customer's.
      .where('integration_id', 'is', null)
      .execute();
    for (const r of rows) {
      const e = eventFromRow(r);
      const list = events.get(e.customerId);
      if (list) list.push(e);
      else events.set(e.customerId, [e]);
      if (r.click_id) clickIds.add(r.click_id);
      if (r.referral_code) codeIds.add(r.referral_code);
      if (r.coupon) codeIds.add(r.coupon);
    }
  }
  const clicks = new Map<string, ClickRecord>();
  for (const part of chunks([...clickIds], size)) {
    let q = db
      .selectFrom('clicks')
      .select(['id', 'link_id', 'program_id', 'partner_id', 'occurred_at', 'bot'])
      .where('id', 'in', part);
    if (opts.programId) q = q.where('program_id', '=', opts.programId);
    for (const c of await q.execute())
      clicks.set(c.id, {
        id: c.id,
        linkId: c.link_id,
        programId: c.program_id,
        partnerId: c.partner_id,
        occurredAt: toNumber(c.occurred_at),
        bot: toBool(c.bot),
      });
  }
  const codes = new Map<string, CodeRecord>();
  for (const part of chunks([...codeIds], size)) {
    let q = db.selectFrom('codes').selectAll().where('code', 'in', part);
    if (opts.programId) q = q.where('program_id', '=', opts.programId);
    for (const c of await q.execute())
      codes.set(c.code, {
        code: c.display,
        kind: c.kind as CodeRecord['kind'],
        programId: c.program_id,
        partnerId: c.partner_id,
        createdAt: toNumber(c.created_at),
        disabledAt: toOptionalNumber(c.disabled_at),
      });
  }
  return { events, clicks, codes };
}
