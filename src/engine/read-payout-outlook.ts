import { periodOf } from '../core/bonuses.js';
import type { Currency } from '../core/currency.js';
import { formatAmount } from '../core/money.js';
import { profileHolds } from '../core/payout-profile.js';
import { payoutDueAt } from '../core/payout-terms.js';
import { planPayout } from '../core/plan-payout.js';
import { versionInForce } from '../core/program-version.js';
import { toIso } from '../core/time.js';
import type { Deps } from './deps.js';
import { loadRateTable } from './fx-rates.js';
import { loadPrograms } from './load-programs.js';
import { findPartner } from './partners.js';
import { loadPayoutProfile } from './payout-profiles.js';
import { partnerAccountSums } from './read-balances.js';

export interface PayoutOutlook {
  program_id: string;
  program_key: string;
  /** The period the next run pays, and when it is due under the terms in force. */
  next_period: string;
  next_run_due_at: string;
  minimum: string;
  minimum_currency: string;
  payout_currency: string;
  /** What a run claiming now would pay, or null when it would hold the balance. */
  would_pay: { amount: string; currency: string } | null;
  /** Why it would not pay, in the same words a run's holds use. */
  held: { reason: string; detail: string } | null;
}

/**
 * What a partner can expect from its next payout in each of its programs:
 * the next run's period and due date, and what a run claiming now would do
 * with its available balance — pay an amount (converted at today's rates),
 * or hold it and why (no payout method, missing tax details, below the
 * minimum, a debt still being recovered…). The same planning as a real run,
 * without claiming anything. Errors: `partner_not_found`.
 */
export async function readPayoutOutlook(deps: Deps, partnerId: string): Promise<PayoutOutlook[]> {
  const partner = await findPartner(deps.store.db, partnerId);
  const now = deps.clock.now();
  const sums = await partnerAccountSums(deps.store.db, partnerId);
  const profile = await loadPayoutProfile(deps.store.db, partnerId);
  const rateFor = await loadRateTable(deps.store.db, now);
  const out: PayoutOutlook[] = [];
  for (const program of await loadPrograms(deps.store.db)) {
    const balances = [...sums.entries()]
      .filter(([k]) => k.startsWith(`${program.id}|`))
      .map(([k, s]) => ({ currency: k.split('|')[1] as Currency, amount: s.available }));
    const terms = versionInForce(program.versions, now)?.terms.payouts;
    if (!terms || balances.length === 0) continue;
    const payoutCurrency = (profile?.currency ?? terms.currency) as Currency;
    const holds =
      partner.status === 'approved'
        ? profileHolds(profile, terms)
        : [{ reason: 'partner_not_active' as const, detail: `the partner is ${partner.status}` }];
    const plan = planPayout({
      balances,
      payoutCurrency,
      minimum: { amount: terms.minimum, currency: terms.minimumCurrency },
      rateFor,
      holds,
    });
    const current = periodOf(terms.period, now);
    out.push({
      program_id: program.id,
      program_key: program.key,
      next_period: current.key,
      next_run_due_at: toIso(payoutDueAt(terms, current.end)),
      minimum: formatAmount(terms.minimum, terms.minimumCurrency),
      minimum_currency: terms.minimumCurrency,
      payout_currency: payoutCurrency,
      would_pay:
        plan.kind === 'pay'
          ? { amount: formatAmount(plan.amount, plan.currency), currency: plan.currency }
          : null,
      held:
        plan.kind === 'hold'
          ? { reason: plan.reason, detail: plan.detail }
          : plan.kind === 'nothing'
            ? {
                reason: 'nothing_available',
                detail:
                  'no available balance: nothing past its hold that is not already claimed or paid',
              }
            : null,
    });
  }
  return out;
}
