/**
 * The world and event stream of the ingestion fault tests
 * (test/faults/*.test.ts): program `referrals` under the demo's terms, six
 * approved partners each with a link, a referral code and a coupon, clicks
 * with fixed ids, and a seeded stream of signups (quoting a click, a code, a
 * coupon or nothing), activations, payments in USD and JPY, full and partial
 * refunds, chargebacks and refunds of payments that never arrive.
 *
 * Every event happens in 2025; the servers' clock starts at `INGEST_NOW`,
 * long after every 30-day hold has passed, and moves with real time (the
 * worker re-caps a partner-month only once its mark is a second old, which a
 * frozen clock would never reach). So the drained ledger holds no pending
 * money and does not depend on when a hold was looked at.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { prng } from '../../src/core/prng.js';
import { DAY_MS } from '../../src/core/time.js';
import { createApiKey } from '../../src/engine/api-keys.js';
import { type Clock, type Deps, fixedClock } from '../../src/engine/deps.js';
import type { OpenTandemOptions } from '../../src/engine/open-tandem.js';
import { createPartner } from '../../src/engine/partners.js';
import { createProgram, publishVersion } from '../../src/engine/programs.js';
import { recordClicks } from '../../src/engine/record-clicks.js';
import { demoTerms } from '../../src/engine/seed-demo.js';
import { createCode, createLink } from '../../src/engine/tracking.js';

export const INGEST_START = Date.parse('2025-01-01T00:00:00Z');
export const INGEST_END = INGEST_START + 330 * DAY_MS;
/** The servers' "now": two months after the last event, so every hold has passed. */
export const INGEST_NOW = INGEST_END + 60 * DAY_MS;
export const INGEST_PARTNERS = 6;

/**
 * A clock at `INGEST_NOW` plus the real time since `since`. Processes given the
 * same `since` share one timeline, so a restarted server never sees time go back.
 */
export function ingestClock(since: number): Clock {
  return { now: () => INGEST_NOW + (Date.now() - since) };
}

export interface IngestClick {
  id: string;
  /** Index of the partner whose link was clicked. */
  partner: number;
  occurredAt: number;
  bot: boolean;
}

export interface IngestStream {
  clicks: IngestClick[];
  /** Exactly `size` API event bodies, each with its own `id`. */
  events: Record<string, unknown>[];
}

/** The seeded stream: the same clicks and events on every machine for a seed. */
export function ingestStream(seed: number, size: number): IngestStream {
  const rand = prng(seed);
  const iso = (t: number) => new Date(t).toISOString();
  const pick = (n: number) => Math.floor(rand() * n);
  const clicks: IngestClick[] = [];
  const events: Record<string, unknown>[] = [];
  for (let c = 0; events.length < size; c++) {
    const partner = pick(INGEST_PARTNERS);
    const t0 = INGEST_START + pick(250 * DAY_MS);
    const customer = {
      id: `cus_${c}`,
      side: rand() < 0.6 ? 'seller' : 'buyer',
      country: rand() < 0.7 ? 'US' : 'JP',
    };
    const clickId = `clk_${seed}_${c}`;
    clicks.push({ id: clickId, partner, occurredAt: t0, bot: rand() < 0.04 });
    const r = rand();
    const evidence =
      r < 0.55
        ? { click_id: clickId }
        : r < 0.7
          ? { referral_code: `ref${partner}` }
          : r < 0.88
            ? { coupon: `SAVE${partner}` }
            : {};
    let t = t0 + pick(10 * DAY_MS);
    events.push({ id: `su_${c}`, type: 'signup', occurred_at: iso(t), customer, ...evidence });
    if (rand() < 0.6) {
      t += pick(5 * DAY_MS);
      events.push({ id: `ac_${c}`, type: 'activation', occurred_at: iso(t), customer });
    }
    const currency = customer.country === 'JP' ? 'JPY' : 'USD';
    const payments = pick(5);
    for (let m = 0; m < payments; m++) {
      t += Math.floor((10 + rand() * 30) * DAY_MS);
      if (t >= INGEST_END - 5 * DAY_MS) break;
      const amount =
        currency === 'JPY'
          ? `${1000 + pick(40000)}`
          : `${10 + pick(900)}.${String(pick(100)).padStart(2, '0')}`;
      const id = `pay_${c}_${m}`;
      const payment = { customer, currency, revenue: amount, gross: amount };
      events.push({ id, type: 'payment', occurred_at: iso(t), ...payment });
      const x = rand();
      const after = (days: number) => iso(t + days * DAY_MS);
      if (x < 0.07) {
        events.push({
          id: `rf_${c}_${m}`,
          type: 'refund',
          occurred_at: after(1),
          customer,
          payment_id: id,
        });
      } else if (x < 0.12) {
        const part = currency === 'JPY' ? '500' : '4.50';
        for (const [n, days] of [
          ['a', 1],
          ['b', 3],
        ] as const)
          events.push({
            id: `rf${n}_${c}_${m}`,
            type: 'refund',
            occurred_at: after(days),
            customer,
            payment_id: id,
            currency,
            revenue: part,
          });
      } else if (x < 0.14) {
        events.push({
          id: `cb_${c}_${m}`,
          type: 'chargeback',
          occurred_at: after(4),
          customer,
          payment_id: id,
        });
      } else if (x < 0.15) {
        events.push({
          id: `orphan_${c}_${m}`,
          type: 'refund',
          occurred_at: iso(t),
          customer,
          payment_id: `never_${c}`,
        });
      }
    }
  }
  return { clicks, events: events.slice(0, size) };
}

export interface IngestWorld {
  programId: string;
  partners: { id: string; name: string }[];
  /** An operator key with `admin` scope (its plain text; the database keeps a hash). */
  adminKey: string;
}

/**
 * Creates the world on an empty database and records the stream's clicks
 * (with their fixed ids, so events can quote them). Configuration is dated
 * before the first event, as an operator would have set it up.
 */
export async function setUpIngestWorld(deps: Deps, clicks: IngestClick[]): Promise<IngestWorld> {
  const past = { ...deps, clock: fixedClock(INGEST_START - DAY_MS) };
  const program = await createProgram(past, { key: 'referrals', name: 'Referrals' });
  await publishVersion(past, {
    program: 'referrals',
    effectiveFrom: INGEST_START,
    terms: demoTerms,
  });
  const partners: (IngestWorld['partners'][number] & { linkId: string })[] = [];
  for (let i = 0; i < INGEST_PARTNERS; i++) {
    const name = `Partner ${i}`;
    const p = await createPartner(past, { name, kinds: ['referral'], status: 'approved' });
    const link = await createLink(past, {
      partnerId: p.id,
      program: 'referrals',
      destination: 'https://marketplace.example/',
      code: `p${i}`,
    });
    for (const [kind, code] of [
      ['referral_code', `REF${i}`],
      ['coupon', `SAVE${i}`],
    ] as const)
      await createCode(past, { partnerId: p.id, program: 'referrals', kind, code });
    partners.push({ id: p.id, name, linkId: link.id });
  }
  await recordClicks(
    past,
    clicks.map((c) => {
      const p = partners[c.partner] as (typeof partners)[number];
      return {
        id: c.id,
        linkId: p.linkId,
        partnerId: p.id,
        programId: program.id,
        occurredAt: c.occurredAt,
        ip: '192.0.2.7',
        userAgent: c.bot ? 'Googlebot/2.1' : 'Mozilla/5.0 Chrome/120',
        referer: undefined,
      };
    }),
  );
  const { key } = await createApiKey(past, { name: 'ingest faults', scopes: ['admin'] });
  return {
    programId: program.id,
    partners: partners.map(({ id, name }) => ({ id, name })),
    adminKey: key,
  };
}

/** The events in the order they happened (ties by id), as a tidy sender would deliver them. */
export function inOccurredOrder(events: Record<string, unknown>[]): Record<string, unknown>[] {
  const at = (e: Record<string, unknown>) => Date.parse(e.occurred_at as string);
  return [...events].sort((a, b) => at(a) - at(b) || String(a.id).localeCompare(String(b.id)));
}

export interface IngestDatabase {
  /** How to open it (`openTandem({ ...options, clock })`). */
  options: Pick<OpenTandemOptions, 'file' | 'url' | 'schema'>;
  /** The same for a child process: INGEST_DB, or DATABASE_URL and INGEST_SCHEMA. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A fresh durable database on the backend under test: a SQLite file in
 * `dir`, or a new schema of DATABASE_URL (dropped with its sandbox schema).
 */
export async function freshIngestDatabase(dir: string, name: string): Promise<IngestDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const file = join(dir, `${name}.db`);
    return { options: { file }, env: { INGEST_DB: file }, drop: async () => {} };
  }
  const schema = `ingest_${randomBytes(6).toString('hex')}`;
  const admin = async (...queries: string[]) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      for (const q of queries) await c.query(q);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE SCHEMA ${schema}`);
  return {
    options: { url, schema },
    env: { DATABASE_URL: url, INGEST_SCHEMA: schema },
    drop: () =>
      admin(`DROP SCHEMA ${schema} CASCADE`, `DROP SCHEMA IF EXISTS ${schema}_sandbox CASCADE`),
  };
}
