import type { ApiRail, RailAnswer, RailTransfer } from '../payout-rail.js';
import { isStripeRailError, type StripeTransfers, stripeTransfers } from './stripe-transfers.js';

/**
 * Stripe Connect transfers as a payout rail. The payout id is both the
 * `Idempotency-Key` and the `transfer_group`, so a retry after a timeout or a
 * lost answer replays the first transfer instead of making a second one, and
 * the transfer can always be found again from the payout.
 *
 * Stripe saves a 500 under its key and replays it, and calls its outcome
 * indeterminate; the rail then looks the transfer up by its group: found, it
 * is the answer; not found, the answer is still unknown (`noTransfer`) —
 * the engine fails the payout only when lookups have found nothing for a
 * while (its money then returns and the next run pays it under a new id).
 */
export function stripeRail(opts: {
  apiKey: string;
  baseUrl?: string;
  timeoutMs?: number;
}): ApiRail {
  const client: StripeTransfers = stripeTransfers(opts);
  const find = async (payoutId: string) => {
    const [t] = await client.listByGroup(payoutId);
    return t ? { reference: t.id, amount: t.amount, currency: t.currency } : undefined;
  };
  return {
    find,
    async send(t: RailTransfer): Promise<RailAnswer> {
      try {
        const made = await client.create({
          amount: t.amount,
          currency: t.currency,
          destination: t.details.account ?? '',
          idempotencyKey: t.payoutId,
          transferGroup: t.payoutId,
          description: t.description.slice(0, 300),
          metadata: { payout_id: t.payoutId, run_id: t.runId, partner_id: t.partnerId },
        });
        // A transfer to a connected account is final once made: settled, not merely sent.
        return {
          kind: 'settled',
          reference: made.id,
          amount: made.amount,
          currency: made.currency,
        };
      } catch (e) {
        if (!isStripeRailError(e)) return { kind: 'unknown', reason: String(e) };
        const f = e.failure;
        if (f.kind === 'declined')
          return { kind: 'declined', reason: `stripe declined: ${f.code}: ${f.message}` };
        if (f.kind === 'server' && f.status === 500) {
          let found: Awaited<ReturnType<typeof find>>;
          try {
            found = await find(t.payoutId);
          } catch (lookup) {
            // Not knowing is not "no transfer": ask again later rather than pay twice.
            return {
              kind: 'unknown',
              reason: `stripe api_error (500), then the lookup failed: ${String(lookup)}`,
            };
          }
          if (found) return { kind: 'settled', ...found };
          // A transfer still being made may not be listed yet: the engine looks
          // again later and gives up only when none has appeared for a while.
          return {
            kind: 'unknown',
            reason: `stripe api_error (500) and no transfer in group ${t.payoutId}`,
            noTransfer: true,
          };
        }
        if (f.kind === 'invalid')
          return {
            kind: 'declined',
            reason: `stripe refused the request: ${f.code}: ${f.message}`,
          };
        // timeout, network, 429, 409 in flight, auth, idempotency: ask again later with the same key.
        return { kind: 'unknown', reason: `stripe ${f.kind}: ${f.message}` };
      }
    },
  };
}
