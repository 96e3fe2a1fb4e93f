import { TandemError } from '../core/errors.js';
import { prng } from '../core/prng.js';
import { DAY_MS } from '../core/time.js';
import { closeBonusPeriods } from './bonus-periods.js';
import { type Deps, fixedClock } from './deps.js';
import { deriveAll } from './derive-dirty-units.js';
import { evaluateTiers } from './evaluate-tiers.js';
import { ingestEvents } from './ingest-events.js';
import { changePartnerStatus, createPartner, type PartnerKind } from './partners.js';
import { createProgram, publishVersion } from './programs.js';
import { type ClickInput, recordClicks } from './record-clicks.js';
import { releaseAllDue } from './release-holds.js';
import { seedDemoCampaigns } from './seed-demo-campaigns.js';
import { seedDemoIntegrations } from './seed-demo-integrations.js';
import { seedDemoKnowledgeBase } from './seed-demo-knowledge-base.js';
import { seedDemoPayouts } from './seed-demo-payouts.js';
import { createCode, createLink } from './tracking.js';
import { createUser } from './users.js';

/** A small deterministic PRNG (mulberry32), so the demo is the same on every machine. */

export const demoTerms = {
  currency: 'USD',
  attribution: {
    model: 'last_touch',
    window_days: 90,
    priority: ['coupon', 'referral_code', 'click'],
  },
  hold_days: 30,
  // Partners' links may point only at the marketplace (no redirects to elsewhere).
  links: { destinations: ['marketplace.example', '*.marketplace.example'] },
  rewards: [
    {
      id: 'qualified-signup',
      name: 'Bounty per qualified seller signup',
      event: 'signup',
      flat: '2.00',
      when: { field: 'customer.side', op: 'eq', value: 'seller' },
    },
    {
      id: 'seller-activation',
      name: 'Seller activation bounty',
      event: 'activation',
      flat: '10.00',
      when: { field: 'customer.side', op: 'eq', value: 'seller' },
    },
    {
      id: 'first-year-revenue',
      name: '20% of first-year take',
      event: 'payment',
      percent: 20,
      of: 'revenue',
      duration: { months: 12, from: 'first_payment' },
      cap_per_customer: '500.00',
    },
    {
      id: 'buyer-gmv',
      name: '1% of buyer GMV, lifetime',
      event: 'payment',
      percent: 1,
      of: 'gross',
      when: { field: 'customer.side', op: 'eq', value: 'buyer' },
    },
  ],
  caps: { per_partner_per_month: '5000.00' },
} as const;

/**
 * The demo's second version, effective 30 days before `now`: the referral
 * core plus tiers with benefits, accelerators, a monthly bonus, a budget and
 * a margin guard, announced with 14 days' notice.
 */
export function demoGrowthTerms(now: number) {
  const day = (offset: number) => new Date(now + offset * DAY_MS).toISOString().slice(0, 10);
  return {
    ...demoTerms,
    notice_days: 14,
    benefits: [
      { id: 'priority-support', name: 'Priority support' },
      { id: 'early-access', name: 'Early feature access' },
      {
        id: 'co-marketing-slot',
        name: 'Co-marketing slot',
        allowance: { count: 2, per: 'quarter' },
      },
      { id: 'listing-placement', name: 'Featured partner listing' },
      {
        id: 'support-credit',
        name: 'Support credit',
        allowance: { amount: '500.00', per: 'year' },
      },
    ],
    tiers: {
      grace_days: 14,
      levels: [
        {
          id: 'silver',
          name: 'Silver',
          requires: [{ metric: 'referred_revenue', window_days: 90, at_least: '2000.00' }],
          multiplier: 1.1,
          benefits: ['priority-support'],
        },
        {
          id: 'gold',
          name: 'Gold',
          requires: [
            { metric: 'referred_revenue', window_days: 90, at_least: '8000.00' },
            { metric: 'active_customers', window_days: 90, at_least: 25 },
          ],
          multiplier: 1.25,
          benefits: ['priority-support', 'early-access', 'co-marketing-slot', 'support-credit'],
        },
        {
          id: 'platinum',
          name: 'Platinum',
          requires: [
            { metric: 'referred_revenue', window_days: 90, at_least: '25000.00' },
            { metric: 'active_customers', window_days: 90, at_least: 80 },
          ],
          multiplier: 1.5,
          benefits: [
            'priority-support',
            'early-access',
            'co-marketing-slot',
            'listing-placement',
            'support-credit',
          ],
        },
      ],
    },
    accelerators: [
      {
        id: 'enterprise-sellers',
        name: '+50% on enterprise sellers',
        from: day(-30),
        to: day(30),
        multiplier: 1.5,
        when: {
          all: [
            { field: 'customer.segment', op: 'eq', value: 'enterprise' },
            { field: 'customer.side', op: 'eq', value: 'seller' },
          ],
        },
      },
      {
        id: 'emerging-markets',
        name: 'Double activation bounty in Brazil and India',
        from: day(-14),
        to: day(60),
        multiplier: 2,
        rules: ['seller-activation'],
        when: { field: 'customer.country', op: 'in', value: ['BR', 'IN'] },
      },
    ],
    stacking: {
      mode: 'multiply',
      order: ['tier', 'enterprise-sellers', 'emerging-markets'],
      ceiling: 2.5,
    },
    bonuses: [
      {
        id: 'monthly-activations',
        name: 'Activation target',
        metric: 'activations',
        period: 'month',
        steps: [
          { at_least: 10, pays: '100.00' },
          { at_least: 20, pays: '250.00' },
        ],
      },
    ],
    budget: { monthly: '15000.00', when_exhausted: 'alert', alerts_at: [50, 80, 100] },
    margin_guard: { max_percent: 30, alerts_at: [80, 100] },
    payouts: {
      minimum: '50.00',
      schedule: { day_of_month: 5 },
      require_tax_info: true,
      approval: 'four_eyes',
    },
  };
}

const PARTNERS: {
  name: string;
  email: string;
  kinds: PartnerKind[];
  weight: number;
  status?: 'applied' | 'suspended';
}[] = [
  { name: 'Northwind Reviews', email: 'team@northwind.example', kinds: ['referral'], weight: 9 },
  { name: 'Crafted Commerce Blog', email: 'hello@crafted.example', kinds: ['referral'], weight: 7 },
  {
    name: 'SellerTools Inc.',
    email: 'partners@sellertools.example',
    kinds: ['integration', 'referral'],
    weight: 6,
  },
  {
    name: 'ShipFast Integrations',
    email: 'bd@shipfast.example',
    kinds: ['integration'],
    weight: 4,
  },
  {
    name: 'Growth Collective Agency',
    email: 'ops@growthco.example',
    kinds: ['referral', 'co_marketing'],
    weight: 5,
  },
  {
    name: 'Maker Weekly Newsletter',
    email: 'editor@makerweekly.example',
    kinds: ['co_marketing'],
    weight: 3,
  },
  { name: 'Ana Lima (creator)', email: 'ana@lima.example', kinds: ['referral'], weight: 3 },
  {
    name: 'Ledgerly Accounting App',
    email: 'apps@ledgerly.example',
    kinds: ['integration'],
    weight: 2,
  },
  { name: 'Deal Hunters Forum', email: 'mods@dealhunters.example', kinds: ['referral'], weight: 4 },
  {
    name: 'Studio Nine Podcast',
    email: 'hi@studionine.example',
    kinds: ['co_marketing', 'referral'],
    weight: 2,
  },
  {
    name: 'Pending Applicant LLC',
    email: 'apply@pending.example',
    kinds: ['referral'],
    weight: 0,
    status: 'applied',
  },
  {
    name: 'Suspended Coupons Ltd',
    email: 'x@suspended.example',
    kinds: ['referral'],
    weight: 1,
    status: 'suspended',
  },
];

/**
 * Loads a demo marketplace into an empty database: one referral program (a
 * second version adds tiers, accelerators, a bonus, a budget and payout
 * terms), a dozen partners of every kind, links and codes, payout profiles
 * and last month's payout run, a technology-partner program with three
 * integrations (certified, under review, expired), and `days` of synthetic
 * clicks, signups, activations, payments and refunds ending at `now`, then
 * derives the ledger and releases what is due. Deterministic for a given `now`.
 */
const DEMO_OPERATORS = [
  ['admin@tandem.local', 'Avery Admin', 'admin'],
  ['finance@tandem.local', 'Farah Finance', 'finance'],
  ['manager@tandem.local', 'Mateo Partner Manager', 'partner_manager'],
  ['analyst@tandem.local', 'Ana Analyst', 'analyst'],
] as const;

export async function seedDemo(
  deps: Deps,
  opts: { days?: number; seed?: number } = {},
): Promise<{ partners: number; events: number; clicks: number }> {
  const now = deps.clock.now();
  const days = opts.days ?? 120;
  const start = Math.floor((now - days * DAY_MS) / DAY_MS) * DAY_MS;
  const rand = prng(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  // Terms take effect before the history starts, so set the clock back while publishing them.
  const past = { ...deps, clock: fixedClock(start - DAY_MS) };
  await createProgram(past, { key: 'referrals', name: 'Marketplace referral program' }, 'demo');
  await publishVersion(
    past,
    { program: 'referrals', effectiveFrom: start, terms: demoTerms },
    'demo',
  );
  await publishVersion(
    { ...deps, clock: fixedClock(now - 45 * DAY_MS) },
    { program: 'referrals', effectiveFrom: now - 30 * DAY_MS, terms: demoGrowthTerms(now) },
    'demo',
  );

  const partners: {
    id: string;
    name: string;
    weight: number;
    linkId: string;
    code: string;
    coupon: string;
    email: string;
  }[] = [];
  let i = 0;
  for (const p of PARTNERS) {
    i++;
    const partner = await createPartner(
      past,
      {
        name: p.name,
        email: p.email,
        kinds: p.kinds,
        programs: ['referrals'],
        status: p.status === 'applied' ? 'applied' : 'approved',
      },
      'demo',
    );
    if (p.status === 'applied') continue;
    const slug = p.name.split(/\W+/)[0]?.toUpperCase().slice(0, 8) ?? `P${i}`;
    const link = await createLink(
      past,
      {
        partnerId: partner.id,
        program: 'referrals',
        destination: 'https://marketplace.example/sell',
        code: `demo-${i}`,
        utm: { source: 'partner', medium: 'referral', campaign: slug.toLowerCase() },
      },
      'demo',
    );
    const code = await createCode(
      past,
      { partnerId: partner.id, program: 'referrals', kind: 'referral_code', code: `${slug}${i}` },
      'demo',
    );
    const coupon = await createCode(
      past,
      { partnerId: partner.id, program: 'referrals', kind: 'coupon', code: `${slug}${i}OFF` },
      'demo',
    );
    partners.push({
      id: partner.id,
      name: p.name,
      weight: p.weight,
      linkId: link.id,
      code: code.code,
      coupon: coupon.code,
      email: p.email,
    });
    if (p.status === 'suspended')
      await changePartnerStatus(
        // Suspended a month ago: it earned before, earns nothing since.
        { ...deps, clock: fixedClock(now - 30 * DAY_MS) },
        { partnerId: partner.id, status: 'suspended', reason: 'coupon leaked to a deal site' },
        'demo',
      );
  }

  const { data: programs } = {
    data: await deps.store.db.selectFrom('programs').select('id').execute(),
  };
  const programId = programs[0]?.id as string;
  const totalWeight = partners.reduce((s, p) => s + p.weight, 0);
  const weighted = () => {
    let r = rand() * totalWeight;
    for (const p of partners) {
      r -= p.weight;
      if (r <= 0) return p;
    }
    return partners[0] as (typeof partners)[number];
  };
  const agents = [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148',
  ];
  const clicks: ClickInput[] = [];
  const events: Record<string, unknown>[] = [];
  const iso = (t: number) => new Date(t).toISOString();
  let customerNo = 0;
  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY_MS;
    const perDay = 20 + Math.floor(rand() * 25);
    for (let c = 0; c < perDay; c++) {
      const partner = weighted();
      const clickAt = dayStart + Math.floor(rand() * DAY_MS);
      const bot = rand() < 0.05;
      const clickId = `clk_demo_${clicks.length}`;
      clicks.push({
        id: clickId,
        linkId: partner.linkId,
        partnerId: partner.id,
        programId,
        occurredAt: clickAt,
        ip: `198.51.100.${Math.floor(rand() * 250)}`,
        userAgent: bot ? 'Googlebot/2.1 (+http://www.google.com/bot.html)' : pick(agents),
        referer: 'https://blog.example/post',
      });
      if (bot || rand() > 0.14) continue;
      customerNo++;
      const customer = {
        id: `cus_demo_${customerNo}`,
        side: rand() < 0.6 ? 'seller' : 'buyer',
        country: pick(['US', 'GB', 'DE', 'BR', 'IN', 'AU']),
        segment: pick(['smb', 'mid', 'enterprise']),
      };
      const signupAt = clickAt + Math.floor(rand() * 3 * DAY_MS);
      if (signupAt >= now) continue;
      const evidence =
        rand() < 0.75
          ? { click_id: clickId }
          : rand() < 0.5
            ? { referral_code: partner.code }
            : { coupon: partner.coupon };
      events.push({
        id: `demo-signup-${customerNo}`,
        type: 'signup',
        occurred_at: iso(signupAt),
        customer,
        ...evidence,
      });
      if (rand() < 0.35) continue;
      const activatedAt = signupAt + Math.floor(rand() * 5 * DAY_MS);
      if (activatedAt >= now) continue;
      events.push({
        id: `demo-activation-${customerNo}`,
        type: 'activation',
        occurred_at: iso(activatedAt),
        customer,
      });
      const revenue = 20 + Math.floor(rand() * 180);
      for (let m = 0, payAt = activatedAt + DAY_MS; payAt < now; m++, payAt += 30 * DAY_MS) {
        const gross = revenue * (customer.side === 'seller' ? 8 : 1) + Math.floor(rand() * 40);
        const payId = `demo-payment-${customerNo}-${m}`;
        events.push({
          id: payId,
          type: 'payment',
          occurred_at: iso(payAt),
          customer,
          currency: 'USD',
          revenue: `${revenue}.${String(Math.floor(rand() * 100)).padStart(2, '0')}`,
          gross: `${gross}.00`,
        });
        const refundAt = payAt + Math.floor(rand() * 10 * DAY_MS);
        if (rand() < 0.06 && refundAt < now) {
          events.push({
            id: `demo-refund-${customerNo}-${m}`,
            type: 'refund',
            occurred_at: iso(refundAt),
            customer,
            payment_id: payId,
            ...(rand() < 0.5 ? { currency: 'USD', revenue: `${Math.floor(revenue / 2)}.00` } : {}),
          });
        }
      }
    }
  }
  for (let k = 0; k < clicks.length; k += 1000) await recordClicks(deps, clicks.slice(k, k + 1000));
  for (let k = 0; k < events.length; k += 1000)
    await ingestEvents(deps, events.slice(k, k + 1000), { source: 'demo' });
  await deriveAll(deps);
  // Tiers as a weekly schedule would have decided them over the last month,
  // then the bonus periods that have ended.
  for (let t = now - 28 * DAY_MS; t <= now; t += 7 * DAY_MS)
    await evaluateTiers({ ...deps, clock: fixedClock(t) }, { actor: 'demo' });
  await closeBonusPeriods(deps);
  await deriveAll(deps);
  await releaseAllDue(deps);
  await seedDemoPayouts(
    deps,
    partners.map((p) => ({ id: p.id, email: p.email })),
  );
  const integrations = await seedDemoIntegrations(deps, partners, start);
  const campaigns = await seedDemoCampaigns(deps, partners);
  // One person per operator role, to see what each may do; partners sign in
  // with their contact emails (their person is made on the first ask).
  for (const [email, name, role] of DEMO_OPERATORS)
    await createUser(deps, { email, name, role }, { id: 'demo', role: null }).catch((e) => {
      if (!(e instanceof TandemError && e.code === 'user_exists')) throw e;
    });
  await seedDemoKnowledgeBase(deps);
  return {
    partners: PARTNERS.length,
    events: events.length + integrations.events + campaigns.events,
    clicks: clicks.length,
  };
}
