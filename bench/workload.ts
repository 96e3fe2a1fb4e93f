/**
 * The ingestion benchmark's workload: a deterministic generator of customers, the clicks their
 * signups quote, and their events (signups, activations, monthly payments, some refunds),
 * sorted by occurred_at like a live feed and pre-serialized into POST /v1/events batches.
 */
import { prng } from '../src/core/prng.js';
import type { IngestPlan } from './serve.js';

const DAY = 86_400_000;

interface Generated {
  plan: IngestPlan;
  batches: string[];
  events: number;
  customers: number;
  byType: Record<string, number>;
  evidence: Record<string, number>;
}

export function generate(opts: {
  events: number;
  batch: number;
  partners: number;
  seed: number;
  now: number;
  terms?: IngestPlan['terms'];
}): Generated {
  const rand = prng(opts.seed);
  const now = opts.now;
  const start = Math.floor((now - 330 * DAY) / DAY) * DAY;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  // A long tail: a few partners bring most customers (so monthly caps bind for some).
  const weights = Array.from({ length: opts.partners }, (_, i) => 1 / (i + 1) ** 0.8);
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  const partnerOf = () => {
    let r = rand() * totalWeight;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number;
      if (r <= 0) return i;
    }
    return 0;
  };
  const iso = (t: number) => new Date(t).toISOString();
  const money = (units: number) => `${units}.${String(Math.floor(rand() * 100)).padStart(2, '0')}`;
  const clicks: IngestPlan['clicks'] = [];
  const events: { at: number; body: Record<string, unknown> }[] = [];
  const byType: Record<string, number> = {};
  const evidence: Record<string, number> = {
    click: 0,
    bot_click: 0,
    referral_code: 0,
    coupon: 0,
    none: 0,
  };
  let n = 0;
  while (events.length < opts.events) {
    n++;
    const customer = {
      id: `cus_b_${n}`,
      side: rand() < 0.6 ? 'seller' : 'buyer',
      country: pick(['US', 'GB', 'DE', 'BR', 'IN', 'AU']),
      segment: pick(['smb', 'mid', 'enterprise']),
    };
    const partner = partnerOf();
    const signupAt = start + DAY + Math.floor(rand() * (now - start - DAY - 3_600_000));
    const own: { at: number; body: Record<string, unknown> }[] = [];
    const push = (at: number, body: Record<string, unknown>) => {
      own.push({ at, body: { ...body, occurred_at: iso(at), customer } });
      byType[body.type as string] = (byType[body.type as string] ?? 0) + 1;
    };
    const r = rand();
    let quoted: Record<string, string> = {};
    if (r < 0.7) {
      const bot = rand() < 0.03 ? 1 : 0;
      const clickAt = Math.max(start, signupAt - Math.floor(rand() * 3 * DAY));
      const id = `clk_b_${clicks.length}`;
      clicks.push([id, partner, clickAt, bot]);
      quoted = { click_id: id };
      evidence[bot ? 'bot_click' : 'click'] = (evidence[bot ? 'bot_click' : 'click'] ?? 0) + 1;
    } else if (r < 0.8) {
      quoted = { referral_code: `BR${partner}` };
      evidence.referral_code = (evidence.referral_code ?? 0) + 1;
    } else if (r < 0.88) {
      quoted = { coupon: `br${partner}off` };
      evidence.coupon = (evidence.coupon ?? 0) + 1;
    } else evidence.none = (evidence.none ?? 0) + 1;
    push(signupAt, { id: `s-${n}`, type: 'signup', ...quoted });
    if (rand() < 0.7) {
      const activatedAt = signupAt + Math.floor(rand() * 5 * DAY);
      if (activatedAt < now) {
        push(activatedAt, { id: `a-${n}`, type: 'activation' });
        const revenue = 20 + Math.floor(rand() * 180);
        const payments = 1 + Math.floor(rand() * 8);
        for (let m = 0, at = activatedAt + DAY; m < payments && at < now; m++, at += 30 * DAY) {
          const gross = revenue * (customer.side === 'seller' ? 8 : 1) + Math.floor(rand() * 40);
          push(at, {
            id: `p-${n}-${m}`,
            type: 'payment',
            currency: 'USD',
            revenue: money(revenue),
            gross: `${gross}.00`,
          });
          const refundAt = at + Math.floor(rand() * 10 * DAY);
          if (rand() < 0.05 && refundAt < now)
            push(refundAt, {
              id: `r-${n}-${m}`,
              type: 'refund',
              payment_id: `p-${n}-${m}`,
              ...(rand() < 0.5
                ? { currency: 'USD', revenue: `${Math.floor(revenue / 2)}.00` }
                : {}),
            });
        }
      }
    }
    events.push(...own);
  }
  // Trim to the exact count (dropping the last customer's tail keeps every event valid).
  for (const e of events.splice(opts.events)) {
    const type = e.body.type as string;
    byType[type] = (byType[type] ?? 0) - 1;
  }
  events.sort((a, b) => a.at - b.at);
  const batches: string[] = [];
  for (let i = 0; i < events.length; i += opts.batch)
    batches.push(JSON.stringify({ events: events.slice(i, i + opts.batch).map((e) => e.body) }));
  return {
    plan: { start, partners: opts.partners, terms: opts.terms ?? 'demo', clicks },
    batches,
    events: events.length,
    customers: n,
    byType,
    evidence,
  };
}
