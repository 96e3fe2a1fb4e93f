import { TandemError } from '../core/errors.js';
import type { Deps } from './deps.js';
import { createKbPage, type KbPageInput } from './knowledge-base.js';

/*
 * The demo's knowledge base. The figures are those of the demo's programs
 * (seed-demo.ts: `demoTerms` and `demoGrowthTerms`, the version in force;
 * seed-demo-integrations.ts: `demoIntegrationTerms`): change them together.
 */

const referrals = `The **Marketplace referral program** pays you for the sellers and buyers you bring to the marketplace. This page explains how a customer becomes yours, what you earn for them and when the money reaches you.

## Three ways to refer

| Tool | How the customer uses it | Where you find it |
|---|---|---|
| Tracking link | Clicks it: the visit is recorded and the customer lands on the marketplace | [Links](/portal/links) |
| Referral code | Enters it when signing up, e.g. \`NORTHWIN1\` | [Links](/portal/links) |
| Coupon | Enters it at checkout, e.g. \`NORTHWIN1OFF\` | [Links](/portal/links) |

You can create as many tracking links as you like, one per post, video or newsletter, to see which one works. Keep coupons for audiences you know: a coupon posted on a deal site can get your account suspended.

## Who gets the credit

1. **The window is 90 days.** A click, code or coupon counts if it happened at most 90 days before the customer's signup, activation or payment.
2. **Coupons come first, then referral codes, then clicks.** If a customer used a coupon and also clicked someone's link, the coupon wins, whatever the dates.
3. **The latest wins** among touches of the same kind (last touch).
4. **Once yours, always yours.** The first signup, activation or payment that finds a qualifying touch attributes the customer to you, and every later payment of that customer earns for you.

## What you earn

| Reward | You earn |
|---|---|
| Qualified seller signup | 2.00 USD per seller who signs up |
| Seller activation | 10.00 USD per seller who activates |
| First-year take | 20% of the marketplace's revenue from the customer for 12 months from their first payment, at most 500.00 USD per customer |
| Buyer GMV | 1% of the gross value of every purchase a buyer you referred makes, for as long as they buy |

- Your earnings are capped at **5,000.00 USD per month**.
- **Tiers** multiply your rewards: Silver ×1.1 (2,000.00 USD of referred revenue over 90 days), Gold ×1.25 (8,000.00 USD and 25 active customers), Platinum ×1.5 (25,000.00 USD and 80 active customers). See [your tier](/portal/tier).
- **Accelerators** raise rewards for a while (enterprise sellers, activations in Brazil and India); their dates are on the [calendar](/portal/campaigns).
- **Monthly bonus:** 100.00 USD for 10 activations in a month, 250.00 USD for 20.

Every reward on the [Earnings](/portal/earnings) page explains how it was calculated.

## Holds

A reward is **pending** for 30 days after the event that earned it, then becomes **available**. If the customer is refunded during the hold, the refunded share is taken back before it becomes available; a refund after the hold is taken from your next payout.

## Payouts

- We pay **monthly**. The payout run for a month is due on the **5th of the following month**.
- The **minimum payout is 50.00 USD**; a smaller balance carries forward to the next month.
- Set your payout method **and your tax details** on the [Payouts](/portal/payouts) page. Without tax details we hold your payout until they are there.
- Two people on our team approve every payout run before it is sent.
- Monthly statements for your records are on the [Payouts](/portal/payouts) page too.

Terms change with at least **14 days' notice**; upcoming terms are on the calendar before they take effect.
`;

const integrationReview = `Technology partners build apps and connectors for the marketplace. Each integration walks a **milestone path**; some milestones are reported by our systems, the others are completed when a person on our team reviews your evidence. This page is about the reviews.

## The milestone path

| Milestone | Completed by | What it pays |
|---|---|---|
| Authentication (OAuth app approved) | our systems | Build grant: 250.00 USD |
| Data mapping | our systems or a review | 40 support credits |
| Automated test suite green | our systems (the test harness) | — |
| Certification review | **a review** | Launch grant: 2,000.00 USD once the whole path is done |

Each milestone needs the one before it. A review request for certification before your automated tests are green is refused as *out of order*: get the tests green first. The [Integrations](/portal/integrations) page shows each milestone as completed, available or locked.

## What evidence to send

At least one of:

- **Links** (up to 20): documentation, a demo video, the listing draft, a test account's screenshots.
- **Notes** (up to 5,000 characters): what the integration does, which data it reads and writes, how errors are handled.
- **A test run id** from the marketplace's test harness.

Submit it with your partner API key (\`POST /v1/integrations/{id}/submissions\`), or email it to your partner manager, who can submit it for you.

## What happens next

1. You can have **one request waiting per milestone**; a second one is refused until the first is decided.
2. A reviewer approves or rejects it. A rejection always comes with a comment saying what to fix; fix it and submit again.
3. **Approval completes the milestone at that moment**, and its grants follow. Money waits out the program's 14-day hold; support credits are usable at once.

## Certification

| Level | Needs | Gives you |
|---|---|---|
| Certified | the certification review, uptime of at least 99.5% | a standard marketplace listing |
| Premier | also 25 active installs last month, uptime of at least 99.9% and an error rate of at most 0.5% | a featured listing and co-marketing |

A level is valid for **90 days** from the certification review. Before it expires, request a new certification review: approval renews the level from that day (no grant is paid twice). An expired integration keeps its history and its rewards, but loses its listing until it is certified again. The [Integrations](/portal/integrations) page shows the level you hold, when it expires and what each level still needs.
`;

const campaigns = `A co-marketing campaign is something you and the marketplace promote together: a co-branded email, a joint webinar, a shared media buy. Here is how to propose one, where it shows up and how market development funds (MDF) pay for it.

## Proposing a campaign

Send your partner manager the plan, or propose it yourself with your partner API key (\`POST /v1/campaigns\`):

- a **name**, the **goal** and the **audience** (the segment you target, e.g. home & garden sellers);
- the **channels**: email, social, search, your site, webinar, event or other;
- the **window**: when it starts and ends (at most a year);
- **assets**: landing pages and creatives;
- **targets**: leads, activations, revenue; and what it costs you.

A campaign goes **proposed → approved → live → completed → reported**. While it is proposed you can change it or cancel it; once it is approved, your partner manager makes the changes. It goes live when its window opens and completes when it closes. After it ends, we publish a report of what it achieved.

Gold and Platinum partners get **two co-marketing slots per quarter** as a tier benefit.

## The calendar

The [Campaigns](/portal/campaigns) page has the calendar you share with us: your campaigns, the accelerator windows, upcoming changes to the terms and the payout dates. When two campaigns for the same segment share a week, both are flagged as a conflict: we will talk to you before approving one. You can subscribe to the calendar from Google Calendar, Outlook or Apple Calendar through a private feed URL.

## How campaigns earn

Campaigns run in the **Co-marketing** program. Each contact a campaign makes (an email, a webinar seat, a visit through the campaign's link) is recorded as a *touch*, and a customer touched in the 45 days before signing up, activating or paying counts for the campaign's partners:

| Reward | You earn |
|---|---|
| Seller activation | 25.00 USD |
| First six months | 10% of the marketplace's revenue from the customer |

When several partners reached the same customer (your webinar and another partner's coupon, say), the reward is **shared fairly**: each partner gets its average added value, and the shares always add up to the whole reward. Rewards wait out a 14-day hold, then are paid with your monthly payout.

Part of a campaign's audience may be held out at random: their touches earn nothing, and they are how we measure what the campaign really added.

## Market development funds

MDF is money we set aside each quarter to fund campaigns.

1. **Request** an amount from the quarter's pool for a campaign you run, with a description of what it pays for.
2. We **approve** all or part of it (or decline, with a note). Approved money is reserved for you.
3. After the campaign has gone live, **claim** what you spent, up to the approved amount, with proof: links and invoices. Claim before the deadline: by default 30 days after the quarter ends. An approval that is never claimed expires.
4. We **reimburse** the claim to your available balance; it is paid with your next monthly payout.

Your requests and where each one stands are on the [Campaigns](/portal/campaigns) page.
`;

const applications = `Internal playbook: how partner managers review applications. Partners never see this page.

## Where applications are

Console → **Partners**, status **Applied**. Aim to decide within **5 business days**; an applicant waiting longer gets a short note from us.

## What to check

1. **Who they are.** Website, newsletter or channel; audience size and where it comes from. A new site with no audience is a *not yet*, not a *no*.
2. **Fit.** Do they reach sellers or buyers we want? Which kinds do they apply for (referral, integration, co-marketing)? Integration partners: is there a real product and a developer behind it?
3. **Red flags.**
   - Coupon and deal sites: a coupon leaked to a deal site is why one partner is suspended today.
   - Paid search on our brand, incentivised or fake traffic, review farms.
   - An email already used by another partner (the API refuses the duplicate).
4. **Terms.** They must accept the program terms in force; nobody gets side deals.

## Deciding

- **Approve**: set the status to *approved*. They can create tracking links at once (we create their referral code and coupon), and their contact signs in to the portal with their email. Remind them to add payout and tax details: the referral program holds payouts without tax information.
- **Reject**: set the status to *rejected* with a reason in plain words; it stays in the partner's status history. A rejected partner can be approved later if things change.
- Only partner managers and admins can change a partner's status.

## After approval

- Send the welcome mail with the link to the portal's Help pages ("How referrals work" first).
- Integration partners: point them to "Requesting an integration review".
- Log anything unusual in the partner's status reason, not in a private inbox.
`;

/** The demo's pages: three for partners and one internal playbook page, all published. */
export const demoKnowledgeBase: KbPageInput[] = [
  {
    slug: 'how-referrals-work',
    title: 'How referrals work',
    body: referrals,
    audience: 'partners',
    position: 1,
    published: true,
  },
  {
    slug: 'requesting-an-integration-review',
    title: 'Requesting an integration review',
    body: integrationReview,
    audience: 'partners',
    position: 2,
    published: true,
  },
  {
    slug: 'joining-a-co-marketing-campaign',
    title: 'Joining a co-marketing campaign',
    body: campaigns,
    audience: 'partners',
    position: 3,
    published: true,
  },
  {
    slug: 'reviewing-partner-applications',
    title: 'Reviewing partner applications',
    body: applications,
    audience: 'operators',
    position: 10,
    published: true,
  },
];

/** Writes the demo's knowledge base pages (those that exist already are left alone). */
export async function seedDemoKnowledgeBase(deps: Deps): Promise<{ pages: number }> {
  let pages = 0;
  for (const page of demoKnowledgeBase) {
    try {
      await createKbPage(deps, { ...page, note: 'demo' }, 'demo');
      pages++;
    } catch (e) {
      if (!(e instanceof TandemError && e.code === 'kb_slug_taken')) throw e;
    }
  }
  return { pages };
}
