import { prng } from '../core/prng.js';
import { DAY_MS } from '../core/time.js';
import { redeemCredits } from './credits.js';
import { type Deps, fixedClock } from './deps.js';
import { deriveAll } from './derive-dirty-units.js';
import { ingestEvents } from './ingest-events.js';
import { reviewSubmission, submitEvidence } from './integration-reviews.js';
import { registerIntegration } from './integrations.js';
import { enrollPartner } from './partners.js';
import { createProgram, publishVersion } from './programs.js';
import { releaseAllDue } from './release-holds.js';

/** The demo's technology-partner program: the default path, grants, usage rewards, credits, levels. */
export const demoIntegrationTerms = {
  currency: 'USD',
  hold_days: 14,
  rewards: [],
  integrations: {
    milestones: [
      { id: 'authentication', name: 'Authentication (OAuth app approved)', completed_by: 'event' },
      { id: 'data_mapping', name: 'Data mapping', completed_by: 'either' },
      { id: 'automated_testing', name: 'Automated test suite green', completed_by: 'event' },
      { id: 'certification', name: 'Certification review', completed_by: 'review' },
    ],
    grants: [
      { id: 'build-grant', name: 'Build grant', on: 'authentication', flat: '250.00' },
      {
        id: 'starter-credits',
        name: 'Support credits for the build',
        on: 'data_mapping',
        credits: { asset: 'SUPPORT_CREDIT', amount: 40 },
      },
      { id: 'launch-grant', name: 'Launch grant', on: 'path', flat: '2000.00' },
    ],
    usage: [
      {
        id: 'active-installs',
        name: 'Per active install',
        per: 'active_install',
        flat: '3.00',
        cap_per_month: '1500.00',
      },
      {
        id: 'api-calls',
        name: 'API calls, graduated',
        per: 'unit',
        metric: 'api_calls',
        rates: [
          { up_to: 100000, each: '0.0004' },
          { up_to: 1000000, each: '0.0002' },
          { each: '0.0001' },
        ],
      },
      {
        id: 'paid-plans',
        name: '15% of paid-plan revenue, first year',
        per: 'revenue',
        percent: 15,
        duration: { months: 12, from: 'certification' },
      },
    ],
    certification: {
      levels: [
        {
          id: 'certified',
          name: 'Certified',
          requires: { milestones: ['certification'], uptime_at_least: 99.5 },
          valid_days: 90,
          entitlements: ['listing_standard'],
        },
        {
          id: 'premier',
          name: 'Premier',
          requires: {
            milestones: ['certification'],
            active_installs: 25,
            uptime_at_least: 99.9,
            error_rate_at_most: 0.5,
          },
          valid_days: 90,
          entitlements: ['listing_featured', 'co_marketing'],
        },
      ],
    },
  },
} as const;

/**
 * Adds the integrations side of the demo: program `integrations` and three
 * integrations at different points — SellerTools certified (premier) with
 * three months of usage and credits partly redeemed, ShipFast waiting for
 * review of its automated tests, Ledgerly whose certification has expired.
 */
export async function seedDemoIntegrations(
  deps: Deps,
  partners: { id: string; name: string }[],
  start: number,
): Promise<{ integrations: number; events: number }> {
  const now = deps.clock.now();
  const at = (t: number) => ({ ...deps, clock: fixedClock(t) });
  const iso = (t: number) => new Date(t).toISOString();
  const rand = prng(7);
  await createProgram(
    at(start - DAY_MS),
    { key: 'integrations', name: 'Technology partners' },
    'demo',
  );
  await publishVersion(
    at(start - DAY_MS),
    { program: 'integrations', effectiveFrom: start, terms: demoIntegrationTerms },
    'demo',
  );
  const byName = (prefix: string) => partners.find((p) => p.name.startsWith(prefix))?.id;
  const plan = [
    {
      partner: byName('SellerTools'),
      name: 'SellerTools Inventory Sync',
      category: 'inventory',
      stage: 'premier',
    },
    { partner: byName('ShipFast'), name: 'ShipFast Labels', category: 'shipping', stage: 'review' },
    {
      partner: byName('Ledgerly'),
      name: 'Ledgerly Books Connector',
      category: 'accounting',
      stage: 'expired',
    },
  ] as const;
  const events: Record<string, unknown>[] = [];
  let n = 0;
  for (const p of plan) {
    if (!p.partner) continue;
    await enrollPartner(at(start), p.partner, 'integrations');
    const born = start + (p.stage === 'expired' ? 2 : 10) * DAY_MS;
    const it = await registerIntegration(
      at(born),
      {
        partnerId: p.partner,
        program: 'integrations',
        name: p.name,
        category: p.category,
        listingUrl: `https://apps.marketplace.example/${p.category}`,
      },
      'demo',
    );
    const milestone = (milestone: string, t: number) =>
      ingestEvents(
        at(Math.max(t, now)),
        [
          {
            id: `demo-${it.id}-${milestone}`,
            type: 'integration.milestone',
            occurred_at: iso(t),
            integration_id: it.id,
            milestone,
            attributes: { ci_run: `run-${++n}` },
          },
        ],
        { source: 'demo' },
      );
    await milestone('authentication', born + 2 * DAY_MS);
    await milestone('data_mapping', born + 6 * DAY_MS);
    if (p.stage === 'review') {
      await milestone('automated_testing', now - 5 * DAY_MS);
      await submitEvidence(
        at(now - 2 * DAY_MS),
        {
          integrationId: it.id,
          milestone: 'certification',
          evidence: {
            links: ['https://shipfast.example/docs/marketplace-app'],
            notes: 'Label purchase, tracking sync and returns flows; screencast in the doc.',
          },
        },
        'demo',
      );
      continue;
    }
    await milestone('automated_testing', born + 12 * DAY_MS);
    const certifyAt = p.stage === 'expired' ? born + 15 * DAY_MS : now - 40 * DAY_MS;
    const sub = await submitEvidence(
      at(certifyAt - DAY_MS),
      {
        integrationId: it.id,
        milestone: 'certification',
        evidence: { test_run_id: `cert-${it.id}` },
      },
      'demo',
    );
    await reviewSubmission(
      at(certifyAt),
      { submissionId: sub.id, decision: 'approve', comment: 'Meets the listing checklist.' },
      'demo',
    );
    events.push({
      id: `demo-${it.id}-quality`,
      type: 'integration.quality',
      occurred_at: iso(certifyAt),
      integration_id: it.id,
      quality:
        p.stage === 'premier'
          ? { uptime: 99.97, error_rate: 0.2 }
          : { uptime: 99.6, error_rate: 0.9 },
    });
    // Daily usage by installs since certification.
    const installs = p.stage === 'premier' ? 40 : 8;
    for (let t = certifyAt + DAY_MS; t < now; t += DAY_MS) {
      for (let c = 0; c < installs; c++) {
        if (rand() < 0.3) continue;
        events.push({
          id: `demo-${it.id}-use-${t}-${c}`,
          type: 'usage',
          occurred_at: iso(t + c * 60_000),
          integration_id: it.id,
          customer: { id: `cus_app_${p.category}_${c}` },
          metric: 'api_calls',
          quantity: 500 + Math.floor(rand() * 4000),
          ...(c % 4 === 0 && new Date(t).getUTCDate() === 1
            ? { currency: 'USD', revenue: '29.00' }
            : {}),
        });
      }
    }
  }
  for (let k = 0; k < events.length; k += 1000)
    await ingestEvents(deps, events.slice(k, k + 1000), { source: 'demo' });
  await deriveAll(deps);
  await releaseAllDue(deps);
  const sellerTools = byName('SellerTools');
  if (sellerTools)
    await redeemCredits(
      deps,
      {
        partnerId: sellerTools,
        asset: 'SUPPORT_CREDIT',
        amount: 15n,
        reference: 'SUP-1042',
        memo: 'Onboarding workshop',
      },
      'demo',
    );
  return { integrations: plan.length, events: events.length };
}
