import { isHeldOut } from '../core/lift.js';
import { quarterOf } from '../core/mdf.js';
import { prng } from '../core/prng.js';
import { DAY_MS } from '../core/time.js';
import { publishCampaignReport } from './campaign-reports.js';
import {
  type CampaignView,
  campaignView,
  changeCampaignStatus,
  createCampaign,
  findCampaign,
} from './campaigns.js';
import { createMdfPool } from './create-mdf-pool.js';
import { createMdfRequest } from './create-mdf-request.js';
import { approveMdfRequest } from './decide-mdf-request.js';
import { type Deps, fixedClock } from './deps.js';
import { deriveAll } from './derive-dirty-units.js';
import { ingestEvents } from './ingest-events.js';
import { approveMdfClaim, submitMdfClaim } from './mdf-claims.js';
import { enrollPartner } from './partners.js';
import { createProgram, publishVersion } from './programs.js';
import { createCode } from './tracking.js';

/** The demo's co-marketing program: credit shared by Shapley value between every partner who touched a customer. */
export const demoCoMarketingTerms = {
  currency: 'USD',
  hold_days: 14,
  attribution: { window_days: 45, credit: { split: 'shapley' } },
  rewards: [
    { id: 'activation', name: 'Seller activation', event: 'activation', flat: '25.00' },
    {
      id: 'first-months',
      name: '10% of take, first six months',
      event: 'payment',
      percent: 10,
      duration: { months: 6, from: 'attribution' },
    },
  ],
} as const;

export interface DemoCampaigns {
  programId: string;
  /** The completed campaign (with holdout, bonuses, MDF, report), the live one, the proposal. */
  spring: CampaignView;
  holiday: CampaignView;
  fair: CampaignView;
  events: number;
}

/**
 * Adds the co-marketing side of the demo: program `co-marketing` and three
 * campaigns — a completed spring webinar series with a 20% holdout whose
 * exposed sellers activate more than the held-out ones (lift, target and
 * incremental bonuses), a live holiday gift guide, and a booth proposed by a
 * partner that conflicts with it on the calendar. Some customers the
 * webinar reached also used a newsletter's coupon: their credit is shared.
 */
export async function seedDemoCampaigns(
  deps: Deps,
  partners: { id: string; name: string }[],
): Promise<DemoCampaigns> {
  const now = deps.clock.now();
  const at = (t: number) => ({ ...deps, clock: fixedClock(t) });
  const iso = (t: number) => new Date(t).toISOString();
  const rand = prng(11);
  const start = now - 120 * DAY_MS;
  const program = await createProgram(
    at(start - DAY_MS),
    { key: 'co-marketing', name: 'Co-marketing' },
    'demo',
  );
  await publishVersion(
    at(start - DAY_MS),
    { program: 'co-marketing', effectiveFrom: start, terms: demoCoMarketingTerms },
    'demo',
  );
  const byName = (prefix: string) => {
    const p = partners.find((x) => x.name.startsWith(prefix));
    if (!p) throw new Error(`demo partner ${prefix} missing`);
    return p.id;
  };
  const growth = byName('Growth Collective');
  const maker = byName('Maker Weekly');
  const studio = byName('Studio Nine');
  for (const id of [growth, maker, studio]) await enrollPartner(at(start), id, 'co-marketing');
  await createCode(
    at(start),
    { partnerId: maker, program: 'co-marketing', kind: 'coupon', code: 'MAKERWEEKLY' },
    'demo',
  );

  const springStart = now - 75 * DAY_MS;
  const springEnd = now - 47 * DAY_MS;
  let spring = await createCampaign(
    at(springStart - 20 * DAY_MS),
    {
      program: 'co-marketing',
      code: 'SPRING-WEBINAR',
      name: 'Spring seller webinar series',
      goal: 'Activate new sellers with a four-week webinar series on listing and pricing',
      channels: ['webinar', 'email', 'social'],
      audience: 'Sellers who signed up in the last 90 days without a first sale',
      segment: 'new-sellers',
      startsAt: springStart,
      endsAt: springEnd,
      assets: [{ label: 'Landing page', url: 'https://marketplace.example/webinars/spring' }],
      expectedLiftBps: 500,
      targets: { leads: 600, activations: 100, revenue: '5000.00' },
      holdoutBps: 2000,
      bonuses: [
        {
          id: 'activation-target',
          name: 'Activation target',
          metric: 'activations',
          scope: 'campaign',
          steps: [
            { at_least: 50, pays: '300.00' },
            { at_least: 100, pays: '800.00' },
          ],
          require_significant: false,
        },
        {
          id: 'incremental',
          name: 'Per incremental activation',
          metric: 'incremental_activations',
          scope: 'campaign',
          per: '10.00',
          cap: '1000.00',
          require_significant: true,
        },
      ],
      cost: '1200.00',
      partnerIds: [growth, studio],
    },
    'demo',
  );
  await changeCampaignStatus(at(springStart - 15 * DAY_MS), spring.id, 'approved', 'demo');
  await changeCampaignStatus(at(springStart), spring.id, 'live', 'system', 'its window opened');
  spring = await changeCampaignStatus(
    at(springEnd),
    spring.id,
    'completed',
    'system',
    'its window closed',
  );

  const holidayStart = now - 10 * DAY_MS;
  let holiday = await createCampaign(
    at(holidayStart - 14 * DAY_MS),
    {
      program: 'co-marketing',
      code: 'HOLIDAY-GUIDE',
      name: 'Holiday gift guide',
      goal: 'Feature handmade gift sellers in the newsletter and on social',
      channels: ['email', 'social'],
      segment: 'gift-sellers',
      startsAt: holidayStart,
      endsAt: now + 20 * DAY_MS,
      holdoutBps: 1000,
      expectedLiftBps: 300,
      targets: { leads: 400, activations: 30 },
      cost: '600.00',
      partnerIds: [maker],
    },
    'demo',
  );
  await changeCampaignStatus(at(holidayStart - 7 * DAY_MS), holiday.id, 'approved', 'demo');
  holiday = await changeCampaignStatus(at(holidayStart), holiday.id, 'live', 'system');
  // A partner's proposal for the same segment in the same weeks: the calendar flags it.
  const fair = await createCampaign(
    at(now - DAY_MS),
    {
      program: 'co-marketing',
      code: 'MAKER-FAIR',
      name: 'Maker fair booth and live episode',
      channels: ['event', 'social'],
      segment: 'gift-sellers',
      startsAt: now + 5 * DAY_MS,
      endsAt: now + 12 * DAY_MS,
      partnerIds: [studio],
    },
    studio,
  );

  // The spring audience: 800 sellers touched by the webinar emails and
  // social posts; 20% held out. Exposed sellers sign up at 28% and held-out
  // ones at 10%, six in ten of them activate (a true lift of 10.8 points);
  // some also use the newsletter's coupon.
  const events: Record<string, unknown>[] = [];
  const channels = ['email', 'webinar', 'social'] as const;
  for (let i = 0; i < 800; i++) {
    const customer = { id: `demo-co-${i}`, side: 'seller', segment: 'new-sellers' };
    const touchAt = springStart + Math.floor(rand() * 20 * DAY_MS);
    events.push({
      id: `demo-co-touch-${i}`,
      type: 'campaign.touch',
      occurred_at: iso(touchAt),
      customer,
      campaign: 'SPRING-WEBINAR',
      channel: channels[i % 3],
      ...(i % 3 === 1 ? { partner_id: studio } : i % 3 === 0 ? { partner_id: growth } : {}),
    });
    const held = isHeldOut(spring.id, customer.id, 2000);
    if (rand() >= (held ? 0.1 : 0.28)) continue;
    const signupAt = touchAt + Math.floor(rand() * 3 * DAY_MS);
    events.push({
      id: `demo-co-signup-${i}`,
      type: 'signup',
      occurred_at: iso(signupAt),
      customer,
    });
    // Six in ten who sign up activate within the window.
    if (rand() >= 0.6) continue;
    const activatedAt = Math.min(signupAt + Math.floor(rand() * 4 * DAY_MS), springEnd - 1);
    const coupon = rand() < 0.25 ? { coupon: 'MAKERWEEKLY' } : {};
    events.push(
      {
        id: `demo-co-activation-${i}`,
        type: 'activation',
        occurred_at: iso(activatedAt),
        customer,
        ...coupon,
      },
      {
        id: `demo-co-payment-${i}`,
        type: 'payment',
        occurred_at: iso(activatedAt + 2 * DAY_MS),
        customer,
        currency: 'USD',
        revenue: `${30 + Math.floor(rand() * 60)}.00`,
        gross: `${300 + Math.floor(rand() * 600)}.00`,
      },
    );
  }
  // The holiday guide's first ten days.
  for (let i = 0; i < 200; i++) {
    const customer = { id: `demo-gift-${i}`, side: 'seller', segment: 'gift-sellers' };
    const touchAt = holidayStart + Math.floor(rand() * 9 * DAY_MS);
    events.push({
      id: `demo-gift-touch-${i}`,
      type: 'campaign.touch',
      occurred_at: iso(touchAt),
      customer,
      utm: { campaign: 'holiday-guide', medium: i % 2 ? 'newsletter' : 'social', source: 'maker' },
    });
    if (isHeldOut(holiday.id, customer.id, 1000) || rand() >= 0.12) continue;
    const activatedAt = Math.min(touchAt + Math.floor(rand() * 3 * DAY_MS), now - 1);
    events.push({
      id: `demo-gift-activation-${i}`,
      type: 'activation',
      occurred_at: iso(activatedAt),
      customer,
    });
  }
  for (let k = 0; k < events.length; k += 1000)
    await ingestEvents(deps, events.slice(k, k + 1000), { source: 'demo' });
  await deriveAll(deps);
  await seedFunds(deps, { spring, holiday, growth, maker });
  // The spring series' results, published to every partner as a case study.
  await publishCampaignReport(
    at(springEnd + 10 * DAY_MS),
    spring.id,
    {
      title: 'Spring webinars: what moved new sellers',
      body: [
        '## What we did',
        'Four live sessions on listing photos, pricing and shipping, promoted by email and social.',
        '',
        '## What worked',
        '- Sellers who attended activated at more than twice the rate of the held-out group.',
        '- The pricing session drove most activations; recordings kept converting after the live dates.',
        '',
        '## What we would change',
        'Start promotion a week earlier and keep the holdout: it is what makes the lift credible.',
      ].join('\n'),
    },
    'demo',
  );
  spring = await findCampaign(deps.store.db, spring.id).then(campaignView);
  return { programId: program.id, spring, holiday, fair, events: events.length };
}

/**
 * Market development funds: a program pool for each quarter the campaigns
 * ran in; the webinar's request approved in part, claimed with proof and
 * reimbursed; the gift guide's approved and awaiting its claim.
 */
async function seedFunds(
  deps: Deps,
  c: { spring: CampaignView; holiday: CampaignView; growth: string; maker: string },
): Promise<void> {
  const at = (t: number) => ({ ...deps, clock: fixedClock(t) });
  const springStart = Date.parse(c.spring.starts_at);
  const holidayStart = Date.parse(c.holiday.starts_at);
  const pools = new Map<string, string>();
  for (const t of [springStart, holidayStart]) {
    const quarter = quarterOf(t);
    if (pools.has(quarter)) continue;
    const pool = await createMdfPool(
      at(t - 30 * DAY_MS),
      { program: 'co-marketing', quarter, scope: 'program', amount: '10000.00' },
      'demo',
    );
    pools.set(quarter, pool.id);
  }
  const spring = await createMdfRequest(
    at(springStart - 10 * DAY_MS),
    {
      poolId: pools.get(quarterOf(springStart)) as string,
      campaignId: c.spring.id,
      partnerId: c.growth,
      amount: '1500.00',
      description: 'Webinar platform, speaker fees and promoted posts for four sessions',
    },
    c.growth,
    { asPartner: true },
  );
  await approveMdfRequest(
    at(springStart - 8 * DAY_MS),
    spring.id,
    { amount: '1200.00', note: 'Promoted posts capped at 300.00' },
    'demo',
  );
  const springEnd = Date.parse(c.spring.ends_at);
  await submitMdfClaim(
    at(springEnd + 3 * DAY_MS),
    spring.id,
    {
      amount: '1180.00',
      proof: {
        links: ['https://growthco.example/webinars/spring-recap'],
        invoices: [
          'INV-2041 webinar platform 480.00',
          'INV-2042 speakers 400.00',
          'Ads receipt 300.00',
        ],
        results: '4 sessions, 412 attendees, recordings on the landing page',
      },
    },
    c.growth,
  );
  await approveMdfClaim(at(springEnd + 6 * DAY_MS), spring.id, { note: 'Invoices match' }, 'demo');
  const holiday = await createMdfRequest(
    at(holidayStart - 5 * DAY_MS),
    {
      poolId: pools.get(quarterOf(holidayStart)) as string,
      campaignId: c.holiday.id,
      partnerId: c.maker,
      amount: '800.00',
      description: 'Sponsored issue and social ads for the gift guide',
    },
    c.maker,
    { asPartner: true },
  );
  await approveMdfRequest(at(holidayStart - 4 * DAY_MS), holiday.id, {}, 'demo');
}
