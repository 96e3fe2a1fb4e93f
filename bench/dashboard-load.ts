/**
 * The data of the dashboard benchmark (bench/dashboard.ts): the demo marketplace enlarged
 * to a given number of events, loaded the way a live marketplace would send it — through
 * the engine's own use cases, so the summaries (daily_stats, account_balances) are kept by
 * the writes that maintain them in production, not by a bulk insert that bypasses them.
 */
import { sql } from 'kysely';
import { prng } from '../src/core/prng.js';
import { DAY_MS } from '../src/core/time.js';
import { closeBonusPeriods } from '../src/engine/bonus-periods.js';
import { claimScheduledRun } from '../src/engine/claim-scheduled-run.js';
import type { Deps } from '../src/engine/deps.js';
import { deriveAll, deriveDirtyUnits } from '../src/engine/derive-dirty-units.js';
import { evaluateTiers } from '../src/engine/evaluate-tiers.js';
import { ingestEvents } from '../src/engine/ingest-events.js';
import { type ClickInput, recordClicks } from '../src/engine/record-clicks.js';
import { releaseAllDue, releaseHolds } from '../src/engine/release-holds.js';

/** The demo's partners by contact email, weighted as in seed-demo.ts (how many customers each brings). */
const WEIGHTS: Record<string, number> = {
  'team@northwind.example': 9,
  'hello@crafted.example': 7,
  'partners@sellertools.example': 6,
  'bd@shipfast.example': 4,
  'ops@growthco.example': 5,
  'editor@makerweekly.example': 3,
  'ana@lima.example': 3,
  'apps@ledgerly.example': 2,
  'mods@dealhunters.example': 4,
  'hi@studionine.example': 2,
  'x@suspended.example': 1,
};

const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148',
];
const BOT = 'Googlebot/2.1 (+http://www.google.com/bot.html)';

interface DemoPartner {
  id: string;
  email: string;
  weight: number;
  linkId: string;
  code: string;
  coupon: string;
}

/** The demo's referral partners with their tracking link, referral code and coupon, read back from the database. */
async function demoPartners(deps: Deps): Promise<{ programId: string; partners: DemoPartner[] }> {
  const db = deps.store.db;
  const program = await db
    .selectFrom('programs')
    .select('id')
    .where('key', '=', 'referrals')
    .executeTakeFirstOrThrow();
  const partners = await db.selectFrom('partners').select(['id', 'email']).execute();
  const links = await db
    .selectFrom('links')
    .select(['id', 'partner_id', 'code'])
    .where('program_id', '=', program.id)
    .where('code', 'like', 'demo-%')
    .execute();
  const codes = await db
    .selectFrom('codes')
    .select(['display', 'kind', 'partner_id'])
    .where('program_id', '=', program.id)
    .execute();
  const out: DemoPartner[] = [];
  for (const p of partners) {
    const weight = WEIGHTS[p.email ?? ''] ?? 0;
    const link = links.find((l) => l.partner_id === p.id);
    const code = codes.find((c) => c.partner_id === p.id && c.kind === 'referral_code');
    const coupon = codes.find((c) => c.partner_id === p.id && c.kind === 'coupon');
    if (weight === 0 || !link || !code || !coupon) continue;
    out.push({
      id: p.id,
      email: p.email ?? '',
      weight,
      linkId: link.id,
      code: code.display,
      coupon: coupon.display,
    });
  }
  if (out.length === 0) throw new Error('no demo partners found: was the demo seeded?');
  return { programId: program.id, partners: out };
}

export interface Workload {
  /** Events sorted by occurred_at, as a live feed sends them. */
  events: { at: number; body: Record<string, unknown> }[];
  /** Clicks sorted by occurred_at; each is recorded before the first event that comes after it. */
  clicks: ClickInput[];
  customers: number;
  byType: Record<string, number>;
  evidence: Record<string, number>;
}

/**
 * `count` more events for new customers of the demo's partners over [start, end), shaped
 * like the demo's own: a signup quoting a click of the partner's link (75 %), its referral
 * code or its coupon; an activation for 65 %; a monthly payment with revenue from the day
 * after activation on (sellers' gross 8× their take); a refund of 6 % of payments, half of
 * them partial. Each customer brings `clicksPerCustomer` clicks in all (one is quoted by a
 * click signup, the others convert nothing; 5 % of those are bots). Deterministic per seed.
 */
function generate(
  partners: DemoPartner[],
  programId: string,
  o: { count: number; start: number; end: number; seed: number; clicksPerCustomer: number },
): Workload {
  const rand = prng(o.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const totalWeight = partners.reduce((s, p) => s + p.weight, 0);
  const weighted = () => {
    let r = rand() * totalWeight;
    for (const p of partners) {
      r -= p.weight;
      if (r <= 0) return p;
    }
    return partners[0] as DemoPartner;
  };
  const iso = (t: number) => new Date(t).toISOString();
  const events: Workload['events'] = [];
  const clicks: ClickInput[] = [];
  const byType: Record<string, number> = {};
  const evidence: Record<string, number> = {};
  const click = (p: DemoPartner, at: number, bot: boolean): string => {
    const id = `clk_bench_${clicks.length}`;
    clicks.push({
      id,
      linkId: p.linkId,
      partnerId: p.id,
      programId,
      occurredAt: at,
      ip: `198.51.100.${Math.floor(rand() * 250)}`,
      userAgent: bot ? BOT : pick(AGENTS),
      referer: 'https://blog.example/post',
    });
    return id;
  };
  const span = o.end - o.start;
  let customers = 0;
  const push = (at: number, body: Record<string, unknown>) => {
    if (events.length >= o.count || at >= o.end) return false;
    events.push({ at, body });
    const type = body.type as string;
    byType[type] = (byType[type] ?? 0) + 1;
    return true;
  };
  while (events.length < o.count) {
    const n = ++customers;
    const partner = weighted();
    const customer = {
      id: `cus_bench_${n}`,
      side: rand() < 0.6 ? 'seller' : 'buyer',
      country: pick(['US', 'GB', 'DE', 'BR', 'IN', 'AU']),
      segment: pick(['smb', 'mid', 'enterprise']),
    };
    // Signups leave room for the click that may precede them by up to three days.
    const signupAt = o.start + 3 * DAY_MS + Math.floor(rand() * (span - 3 * DAY_MS));
    const r = rand();
    const kind = r < 0.75 ? 'click_id' : r < 0.875 ? 'referral_code' : 'coupon';
    evidence[kind] = (evidence[kind] ?? 0) + 1;
    const proof =
      kind === 'click_id'
        ? { click_id: click(partner, signupAt - Math.floor(rand() * 3 * DAY_MS), false) }
        : kind === 'referral_code'
          ? { referral_code: partner.code }
          : { coupon: partner.coupon };
    const idle = Math.max(0, o.clicksPerCustomer - (kind === 'click_id' ? 1 : 0));
    for (let k = 0; k < idle; k++)
      if (rand() < idle - k) click(partner, o.start + Math.floor(rand() * span), rand() < 0.05);
    if (
      !push(signupAt, {
        id: `bench-signup-${n}`,
        type: 'signup',
        occurred_at: iso(signupAt),
        customer,
        ...proof,
      })
    )
      continue;
    if (rand() < 0.35) continue;
    const activatedAt = signupAt + Math.floor(rand() * 5 * DAY_MS);
    if (
      !push(activatedAt, {
        id: `bench-activation-${n}`,
        type: 'activation',
        occurred_at: iso(activatedAt),
        customer,
      })
    )
      continue;
    const revenue = 20 + Math.floor(rand() * 180);
    for (let m = 0, payAt = activatedAt + DAY_MS; payAt < o.end; m++, payAt += 30 * DAY_MS) {
      const gross = revenue * (customer.side === 'seller' ? 8 : 1) + Math.floor(rand() * 40);
      const payId = `bench-payment-${n}-${m}`;
      const paid = push(payAt, {
        id: payId,
        type: 'payment',
        occurred_at: iso(payAt),
        customer,
        currency: 'USD',
        revenue: `${revenue}.${String(Math.floor(rand() * 100)).padStart(2, '0')}`,
        gross: `${gross}.00`,
      });
      if (!paid) break;
      const refundAt = payAt + Math.floor(rand() * 10 * DAY_MS);
      if (rand() < 0.06)
        push(refundAt, {
          id: `bench-refund-${n}-${m}`,
          type: 'refund',
          occurred_at: iso(refundAt),
          customer,
          payment_id: payId,
          ...(rand() < 0.5 ? { currency: 'USD', revenue: `${Math.floor(revenue / 2)}.00` } : {}),
        });
    }
  }
  events.sort((a, b) => a.at - b.at);
  clicks.sort((a, b) => a.occurredAt - b.occurredAt);
  return { events, clicks, customers, byType, evidence };
}

export interface LoadReport {
  demo_events: number;
  target_events: number;
  generated: {
    events: number;
    customers: number;
    clicks: number;
    by_type: Record<string, number>;
    signup_evidence: Record<string, number>;
  };
  complete: boolean;
  stopped_by_time_limit: boolean;
  events_ingested: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  first_rejections: string[];
  clicks_recorded: number;
  accrual_lines_posted: number;
  dirty_units_left: number;
  seconds: { generate: number; ingest_and_derive: number; drain: number; scheduled_jobs: number };
  events_per_s: number;
  /** [seconds since the start of ingestion, events ingested, dirty units] every ~10 s. */
  timeline: [number, number, number][];
}

/** Units waiting for derivation now; units parked until later (a running usage month, an open campaign) are not. */
const countDirty = async (deps: Deps) =>
  Number(
    (
      await sql<{ n: unknown }>`SELECT
        (SELECT COUNT(*) FROM dirty_units WHERE marked_at <= ${deps.clock.now()})
        + (SELECT COUNT(*) FROM dirty_marks) AS n`.execute(deps.store.db)
    ).rows[0]?.n,
  );

/**
 * Enlarges a freshly seeded demo to `target` events in all: generates the extra events
 * (see `generate`) over the demo's days, then sends them in occurred_at order in batches of
 * `batch` through `ingestEvents`, recording each batch's clicks first with `recordClicks`,
 * and after every batch does what the worker does between two requests: derives every
 * dirty unit that is ready and releases the holds that are due. Partner-months (monthly
 * caps, budgets, bonuses) are settled from all of their month's candidates once their first
 * mark is `settleMs` old; the worker waits 1 s, which at this density (tens of thousands of
 * candidates per partner-month) makes a month cost more the fuller it is, so the benchmark
 * waits longer by default (bench/dashboard.ts `--settle-ms`): the same derivation, less often. Stops sending after `timeLimitS`;
 * then drains the derivation queue (at most `drainLimitS`) and, as the demo seed and the
 * worker's schedule do, closes ended bonus periods, evaluates tiers and releases what is due.
 */
export async function enlargeDemo(
  deps: Deps,
  o: {
    target: number;
    start: number;
    end: number;
    seed: number;
    batch: number;
    clicksPerCustomer: number;
    settleMs: number;
    timeLimitS: number;
    drainLimitS: number;
    log: (line: string) => void;
  },
): Promise<LoadReport> {
  const demoEvents = Number(
    (
      await deps.store.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const t0 = performance.now();
  const { programId, partners } = await demoPartners(deps);
  const work = generate(partners, programId, {
    count: Math.max(0, o.target - demoEvents),
    start: o.start,
    end: o.end,
    seed: o.seed,
    clicksPerCustomer: o.clicksPerCustomer,
  });
  const generateS = (performance.now() - t0) / 1000;
  o.log(
    `generated ${work.events.length} events of ${work.customers} customers and ${work.clicks.length} clicks in ${generateS.toFixed(1)} s ${JSON.stringify(work.byType)}`,
  );

  const t1 = performance.now();
  const elapsed = () => (performance.now() - t1) / 1000;
  let sent = 0;
  let clicksSent = 0;
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  let lines = 0;
  const firstRejections: string[] = [];
  const timeline: [number, number, number][] = [];
  let lastReport = 0;
  let stopped = false;
  const report = async (force = false) => {
    if (!force && elapsed() - lastReport < 10) return;
    lastReport = elapsed();
    const dirty = await countDirty(deps);
    timeline.push([Math.round(elapsed()), sent, dirty]);
    const rate = sent / Math.max(elapsed(), 0.001);
    const left = (work.events.length - sent) / Math.max(rate, 1);
    o.log(
      `  ${Math.round(elapsed())} s: ${sent}/${work.events.length} events (${Math.round(rate)}/s), ${clicksSent} clicks, ${lines} lines, ${dirty} dirty units${sent < work.events.length ? `, ~${Math.round(left)} s to go` : ''}`,
    );
  };
  while (sent < work.events.length) {
    if (elapsed() >= o.timeLimitS) {
      stopped = true;
      o.log(`time limit of ${o.timeLimitS} s reached: stopping after ${sent} events`);
      break;
    }
    const part = work.events.slice(sent, sent + o.batch);
    const until = (part[part.length - 1] as { at: number }).at;
    // The clicks a batch's signups may quote came in (through the redirect) before it.
    let upTo = clicksSent;
    while (upTo < work.clicks.length && (work.clicks[upTo] as ClickInput).occurredAt <= until)
      upTo++;
    for (let k = clicksSent; k < upTo; k += 1000)
      await recordClicks(deps, work.clicks.slice(k, Math.min(k + 1000, upTo)));
    clicksSent = upTo;
    const r = await ingestEvents(
      deps,
      part.map((e) => e.body),
      { source: 'demo' },
    );
    accepted += r.accepted;
    duplicates += r.duplicates;
    rejected += r.rejected;
    for (const item of r.results)
      if (item.status === 'rejected' && firstRejections.length < 5)
        firstRejections.push(`${item.id}: ${item.error.code} ${item.error.message}`);
    sent += part.length;
    for (;;) {
      const d = await deriveDirtyUnits(deps, { limit: 500, settleMs: o.settleMs });
      lines += d.lines;
      if (d.units === 0) break;
    }
    while ((await releaseHolds(deps)).released > 0) {}
    await report();
    // better-sqlite3 answers synchronously, so without this turn of the event loop a
    // Ctrl-C (and any timer) would wait for the whole load.
    await new Promise((r) => setImmediate(r));
  }
  await report(true);
  const ingestS = elapsed();

  // Whatever is still dirty (partner-months waiting out their settle time, or everything
  // left when the time limit stopped the sending) is derived now, within the drain limit.
  const t2 = performance.now();
  for (;;) {
    if ((performance.now() - t2) / 1000 >= o.drainLimitS) {
      o.log(`drain limit of ${o.drainLimitS} s reached`);
      break;
    }
    const d = await deriveDirtyUnits(deps, { limit: 500, settleMs: 0 });
    lines += d.lines;
    if (d.units === 0) break;
    await new Promise((r) => setImmediate(r));
  }
  await releaseAllDue(deps);
  const drainS = (performance.now() - t2) / 1000;
  let dirtyLeft = await countDirty(deps);
  o.log(`drained in ${drainS.toFixed(1)} s, ${dirtyLeft} dirty units left`);

  // What the worker's schedule would have done meanwhile: close ended bonus periods and
  // evaluate tiers (claimed, so the server's worker does not run it again within the hour).
  const t3 = performance.now();
  if (dirtyLeft === 0) {
    await closeBonusPeriods(deps);
    if (await claimScheduledRun(deps, 'evaluate_tiers', 3_600_000)) await evaluateTiers(deps);
    lines += (await deriveAll(deps)).lines;
    await releaseAllDue(deps);
    dirtyLeft = await countDirty(deps);
  }
  const settleS = (performance.now() - t3) / 1000;
  o.log(`bonus periods closed, tiers evaluated, holds released in ${settleS.toFixed(1)} s`);

  return {
    demo_events: demoEvents,
    target_events: o.target,
    generated: {
      events: work.events.length,
      customers: work.customers,
      clicks: work.clicks.length,
      by_type: work.byType,
      signup_evidence: work.evidence,
    },
    complete: !stopped && dirtyLeft === 0,
    stopped_by_time_limit: stopped,
    events_ingested: sent,
    accepted,
    duplicates,
    rejected,
    first_rejections: firstRejections,
    clicks_recorded: clicksSent,
    accrual_lines_posted: lines,
    dirty_units_left: dirtyLeft,
    seconds: {
      generate: round1(generateS),
      ingest_and_derive: round1(ingestS),
      drain: round1(drainS),
      scheduled_jobs: round1(settleS),
    },
    events_per_s: Math.round(sent / (ingestS + drainS)),
    timeline,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
