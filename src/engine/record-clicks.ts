import { createHash } from 'node:crypto';
import { isbot } from 'isbot';
import { sql } from 'kysely';
import { toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { markCustomersIn } from './dirty-units.js';
import { addDailyStats } from './summaries.js';
import { chunks, inTransaction } from './transaction.js';

export interface ClickInput {
  id: string;
  linkId: string;
  partnerId: string;
  programId: string;
  occurredAt: number;
  ip: string | undefined;
  userAgent: string | undefined;
  referer: string | undefined;
}

/** Visitors' IPs are never stored: only a keyed hash, enough to spot repeats. */
export function hashIp(secret: string, ip: string | undefined): string | null {
  if (!ip) return null;
  return createHash('sha256')
    .update(secret)
    .update('\u0000')
    .update(ip)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * Stores clicks with one multi-row statement per few hundred (idempotent on
 * the click id). Bot clicks (by user agent via isbot, or no user agent at all)
 * are stored and flagged;
 * they never earn credit. If an event already quoted one of these click ids
 * (clicks can arrive late from a buffer or an import), its customer is marked
 * for re-derivation.
 */
export async function recordClicks(deps: Deps, clicks: readonly ClickInput[]): Promise<void> {
  if (clicks.length === 0) return;
  await inTransaction(deps, async (tx) => {
    for (const part of chunks(clicks, 300)) {
      // Only clicks stored now count: a click id seen before is not a new click.
      const stored = await tx
        .insertInto('clicks')
        .values(
          part.map((c) => ({
            id: c.id,
            link_id: c.linkId,
            partner_id: c.partnerId,
            program_id: c.programId,
            occurred_at: c.occurredAt,
            ip_hash: hashIp(deps.secret, c.ip),
            user_agent: c.userAgent?.slice(0, 500) ?? null,
            referer: c.referer?.slice(0, 1000) ?? null,
            bot: !c.userAgent || isbot(c.userAgent) ? 1 : 0,
          })),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .returning(['partner_id', 'occurred_at', 'bot'])
        .execute();
      await addDailyStats(
        tx,
        stored.map((c) => ({
          at: toNumber(c.occurred_at),
          partnerId: c.partner_id,
          metric: toNumber(c.bot) === 1 ? 'bot_clicks' : 'clicks',
          currency: '',
          value: 1n,
        })),
      );
      const now = deps.clock.now();
      const ids = part.map((c) => c.id);
      await markCustomersIn(
        tx,
        sql`SELECT customer_id FROM events WHERE click_id IN (${sql.join(ids)})`,
        now,
      );
    }
  });
}
