import { DAY_MS } from '../core/time.js';
import { approvePayoutRun } from './approve-payout-run.js';
import { createPayoutRun } from './create-payout-run.js';
import type { Deps } from './deps.js';
import { importFxRates } from './fx-rates.js';
import { putPayoutProfile } from './payout-profiles.js';
import { listPayouts } from './read-payout-runs.js';
import { recordPayoutOutcome } from './record-payout-outcome.js';
import { sendPayoutRun } from './send-payout-run.js';

/** Payout profiles of the demo, by rail, with the tax details a US payer asks for. */
function profileFor(i: number, email: string): Record<string, unknown> | undefined {
  const tax = {
    form: i % 3 === 0 ? 'w8ben' : 'w9',
    tax_id_present: true,
    country: i % 3 === 0 ? 'DE' : 'US',
  };
  switch (i % 6) {
    case 0:
      return {
        rail: 'wise',
        details: { account_holder: `Partner ${i}`, iban: 'DE89370400440532013000' },
        currency: 'EUR',
        tax,
      };
    case 1:
      return { rail: 'paypal', details: { email }, tax };
    case 2:
      return {
        rail: 'csv',
        details: { account_holder: `Partner ${i}`, account_number: `0001234${i}` },
        tax,
      };
    case 3:
      // No tax form yet: the program requires one, so its balance waits.
      return { rail: 'paypal', details: { email } };
    case 4:
      return { rail: 'manual', details: {}, tax };
    default:
      return undefined;
  }
}

/**
 * The demo's payouts: profiles on every rail (one partner without tax
 * details, one without a profile, so the holds show), EUR and GBP rates, and
 * last month's run — created, approved by a second person, sent, and
 * settled except one payout still waiting for its bank and one that bounced.
 */
export async function seedDemoPayouts(
  deps: Deps,
  partners: readonly { id: string; email: string }[],
): Promise<void> {
  const now = deps.clock.now();
  for (const [i, p] of partners.entries()) {
    const profile = profileFor(i, p.email);
    if (profile) await putPayoutProfile(deps, p.id, profile, 'demo');
  }
  await importFxRates(
    deps,
    [
      {
        base: 'EUR',
        quote: 'USD',
        rate: '1.0842',
        as_of: new Date(now - 40 * DAY_MS).toISOString(),
        source: 'demo',
      },
      {
        base: 'EUR',
        quote: 'USD',
        rate: '1.0815',
        as_of: new Date(now - 2 * DAY_MS).toISOString(),
        source: 'demo',
      },
      {
        base: 'GBP',
        quote: 'USD',
        rate: '1.2704',
        as_of: new Date(now - 2 * DAY_MS).toISOString(),
        source: 'demo',
      },
    ],
    'demo',
  );
  const run = await createPayoutRun(deps, { program: 'referrals', actor: 'demo' });
  await approvePayoutRun(deps, run.id, 'demo-finance');
  await sendPayoutRun(deps, run.id, 'demo');
  const payouts = (await listPayouts(deps, { run_id: run.id })).data;
  for (const [i, p] of payouts.entries()) {
    if (i === 0) continue;
    if (i === 1)
      await recordPayoutOutcome(
        deps,
        p.id,
        { status: 'failed', reason: 'account closed (returned by the bank)' },
        'demo',
      );
    else
      await recordPayoutOutcome(
        deps,
        p.id,
        { status: 'settled', reference: `DEMO-${1000 + i}` },
        'demo',
      );
  }
}
