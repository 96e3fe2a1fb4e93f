/**
 * Backtest benchmark: how fast `backtest` replays stored events under draft terms.
 *
 *   npm run bench:backtest -- [--events 1000000] [--partners 100] [--seed 7]
 *     [--backend sqlite|postgres] [--batch-customers 2000] [--quiet-wait 20]
 *     [--no-check] [--live-heap] [--keep] [--runs 3]
 *
 *   --runs N       replay the same stored history N times (loaded once) and report every run
 *                  and the medians
 *
 *   --no-check     only the draft replay (the API's `check: false`)
 *   --live-heap    afterwards, an untimed second run that forces a GC every 10 batches and
 *                  reports the largest live heap (needs node --expose-gc, as the npm script
 *                  runs it): peak RSS is mostly V8's heap headroom, this is what is held
 *   --keep         keep the SQLite file (its path is printed)
 *
 * Setup (not timed): a fresh database — a SQLite file in a temp dir, or a scratch PostgreSQL
 * database tandem_bench_bt_<ts> — with a program on demoTerms (four rules, a per-customer
 * cap, a 5,000 USD monthly cap per partner) effective from 2025-01-01, `--partners` approved
 * partners with a link, a referral code and a coupon each, and a deterministic history of
 * 18 months: customers who sign up through a click (3 % of them bots), a code, a coupon or
 * nothing, activate, pay monthly and sometimes refund, about 5 events each. Clicks and
 * events are inserted with multi-row INSERTs through the store's Kysely instance (the
 * ingestion path is measured by bench/ingest.ts); the ledger is not derived, so the
 * report's baseline is empty and its consistency check is `false` by construction.
 *
 * Measured: one `backtest` of the whole history (both replays: the published terms and a
 * draft paying 25 % instead of 20 %), in this process, with its peak RSS (VmHWM, reset just
 * before through /proc/self/clear_refs). Prints
 * `backtest: N events replayed in X s = Y events/s` and writes
 * bench/results/backtest-<backend>-<date>.json.
 */
import { writeFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Currency } from '../src/core/currency.js';
import type { IncomingEvent } from '../src/core/event-input.js';
import { prng } from '../src/core/prng.js';
import { DAY_MS } from '../src/core/time.js';
import { backtest } from '../src/engine/backtest.js';
import { type Deps, fixedClock } from '../src/engine/deps.js';
import { openTandem } from '../src/engine/open-tandem.js';
import { createPartner } from '../src/engine/partners.js';
import { createProgram, publishVersion } from '../src/engine/programs.js';
import { demoTerms } from '../src/engine/seed-demo.js';
import { createCode, createLink } from '../src/engine/tracking.js';
import { chunks, inTransaction } from '../src/engine/transaction.js';
import { eventToRow } from '../src/store/event-rows.js';
import type { ClicksTable, EventsTable } from '../src/store/schema.js';
import {
  args,
  machine,
  mediansOf,
  memoryOf,
  runsOption,
  scratchStore,
  table,
  waitForQuiet,
  writeResult,
} from './lib.js';

const START = Date.parse('2025-01-01T00:00:00Z');
const END = Date.parse('2026-07-01T00:00:00Z');
const USD = 'USD' as Currency;

interface PartnerRef {
  id: string;
  linkId: string;
  code: string;
  coupon: string;
}

async function setup(
  deps: Deps,
  partners: number,
): Promise<{ programId: string; refs: PartnerRef[] }> {
  const past = { ...deps, clock: fixedClock(START - DAY_MS) };
  const program = await createProgram(past, { key: 'referrals', name: 'Referrals' });
  await publishVersion(past, { program: 'referrals', effectiveFrom: START, terms: demoTerms });
  const refs: PartnerRef[] = [];
  for (let i = 0; i < partners; i++) {
    const p = await createPartner(past, {
      name: `Partner ${i}`,
      kinds: ['referral'],
      programs: ['referrals'],
      status: 'approved',
    });
    const link = await createLink(past, {
      partnerId: p.id,
      program: 'referrals',
      destination: 'https://marketplace.example/sell',
    });
    const code = await createCode(past, {
      partnerId: p.id,
      program: 'referrals',
      kind: 'referral_code',
      code: `BT${i}`,
    });
    const coupon = await createCode(past, {
      partnerId: p.id,
      program: 'referrals',
      kind: 'coupon',
      code: `BT${i}OFF`,
    });
    refs.push({ id: p.id, linkId: link.id, code: code.code, coupon: coupon.code });
  }
  return { programId: program.id, refs };
}

/**
 * Generates the history customer by customer and inserts it in transactions of ~50,000
 * rows, so that memory stays flat however many events are asked for.
 */
async function load(
  deps: Deps,
  programId: string,
  refs: PartnerRef[],
  target: number,
  seed: number,
): Promise<{ events: number; customers: number; clicks: number; byType: Record<string, number> }> {
  const rand = prng(seed);
  // A long tail: a few partners bring most customers, so monthly caps bind for some.
  const weights = refs.map((_, i) => 1 / (i + 1) ** 0.8);
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  const partnerOf = () => {
    let r = rand() * totalWeight;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number;
      if (r <= 0) return refs[i] as PartnerRef;
    }
    return refs[0] as PartnerRef;
  };
  const byType: Record<string, number> = {};
  let events: EventsTable[] = [];
  let clicks: ClicksTable[] = [];
  let total = 0;
  let customers = 0;
  let clickCount = 0;
  const flush = async () => {
    await inTransaction(deps, async (tx) => {
      // 1,000 rows × 16 columns stays under both drivers' bind-parameter limits.
      for (const part of chunks(clicks, 1000)) await tx.insertInto('clicks').values(part).execute();
      for (const part of chunks(events, 1000)) await tx.insertInto('events').values(part).execute();
    });
    events = [];
    clicks = [];
  };
  while (total < target) {
    customers++;
    const n = customers;
    const partner = partnerOf();
    const customer = { side: rand() < 0.6 ? ('seller' as const) : ('buyer' as const) };
    const signupAt = START + Math.floor(rand() * (END - START - 7 * DAY_MS));
    let k = 0;
    const push = (e: Omit<IncomingEvent, 'source' | 'customerId' | 'customer'>) => {
      if (total >= target || e.occurredAt >= END) return false;
      const full: IncomingEvent = { ...e, source: 'api', customerId: `cus_${n}`, customer };
      events.push(eventToRow(full, `evt_bt_${n}_${k++}`, e.occurredAt, `h${n}_${k}`));
      byType[e.type] = (byType[e.type] ?? 0) + 1;
      total++;
      return true;
    };
    const r = rand();
    const evidence: Partial<IncomingEvent> = {};
    if (r < 0.7) {
      const id = `clk_bt_${clickCount++}`;
      clicks.push({
        id,
        link_id: partner.linkId,
        partner_id: partner.id,
        program_id: programId,
        occurred_at: Math.max(START, signupAt - Math.floor(rand() * 3 * DAY_MS)),
        ip_hash: null,
        user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36',
        referer: null,
        bot: rand() < 0.03 ? 1 : 0,
      });
      evidence.clickId = id;
    } else if (r < 0.8) evidence.referralCode = partner.code;
    else if (r < 0.88) evidence.coupon = partner.coupon;
    push({ externalId: `s-${n}`, type: 'signup', occurredAt: signupAt, ...evidence });
    if (rand() < 0.7) {
      const activatedAt = signupAt + Math.floor(rand() * 5 * DAY_MS);
      if (push({ externalId: `a-${n}`, type: 'activation', occurredAt: activatedAt })) {
        const revenue = BigInt(2000 + Math.floor(rand() * 18000));
        const payments = 1 + Math.floor(rand() * 8);
        for (let m = 0; m < payments; m++) {
          const at = activatedAt + DAY_MS + m * 30 * DAY_MS;
          const gross = revenue * (customer.side === 'seller' ? 8n : 1n);
          if (
            !push({
              externalId: `p-${n}-${m}`,
              type: 'payment',
              occurredAt: at,
              currency: USD,
              revenue,
              gross,
            })
          )
            break;
          if (rand() < 0.05)
            push({
              externalId: `r-${n}-${m}`,
              type: 'refund',
              occurredAt: at + Math.floor(rand() * 10 * DAY_MS),
              paymentId: `p-${n}-${m}`,
              ...(rand() < 0.5 ? { currency: USD, revenue: revenue / 2n } : {}),
            });
        }
      }
    }
    if (events.length >= 50_000) await flush();
  }
  await flush();
  return { events: total, customers, clicks: clickCount, byType };
}

/** Resets this process's peak RSS (VmHWM), so the backtest's own peak is read after it. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** The largest heap still in use after a full GC, sampled every 10 batches (MiB). */
async function liveHeap(
  deps: Deps,
  input: Parameters<typeof backtest>[1],
  batchCustomers: number,
): Promise<number | null> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    process.stderr.write('--live-heap needs node --expose-gc (npm run bench:backtest)\n');
    return null;
  }
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  let batches = 0;
  await backtest(deps, input, {
    batchCustomers,
    onProgress: () => {
      if (++batches % 10) return;
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    },
  });
  return Math.round((peak / 2 ** 20) * 10) / 10;
}

async function main() {
  const opts = args();
  const backend = opts.get('backend') ?? 'sqlite';
  if (backend !== 'sqlite' && backend !== 'postgres')
    throw new Error('--backend must be sqlite or postgres');
  const target = Number(opts.get('events') ?? 1_000_000);
  const partners = Number(opts.get('partners') ?? 100);
  const seed = Number(opts.get('seed') ?? 7);
  const batchCustomers = Number(opts.get('batch-customers') ?? 2000);
  const nRuns = runsOption(opts);

  const store = await scratchStore(backend, 'tandem_bench_bt');
  const deps = await openTandem({ ...store.open, clock: fixedClock(END) });
  try {
    const t0 = performance.now();
    const { programId, refs } = await setup(deps, partners);
    const loaded = await load(deps, programId, refs, target, seed);
    // What a database in service has: planner statistics.
    await sql`ANALYZE`.execute(deps.store.db);
    const loadS = (performance.now() - t0) / 1000;
    process.stderr.write(
      `loaded ${loaded.events} events of ${loaded.customers} customers and ${loaded.clicks} clicks in ${loadS.toFixed(1)} s\n`,
    );

    const quiet = await waitForQuiet(Number(opts.get('quiet-wait') ?? 20));
    const draft = {
      ...demoTerms,
      rewards: demoTerms.rewards.map((r) =>
        r.id === 'first-year-revenue' ? { ...r, percent: 25 } : r,
      ),
    };
    const input = {
      program: 'referrals',
      terms: draft,
      from: '2025-01-01',
      to: '2026-06-30',
      check: !opts.has('no-check'),
    };
    // Each run replays the same stored history (loading is not measured, so it is done once).
    const runs: {
      seconds: number;
      events_replayed: number;
      customers_replayed: number;
      events_per_second: number;
      cpu_seconds: number;
      rss_before_mib: number;
      peak_rss_mib: number;
      peak_rss_reset: boolean;
    }[] = [];
    let report: Awaited<ReturnType<typeof backtest>> | undefined;
    for (let run = 1; run <= nRuns; run++) {
      const rssBefore = memoryOf(process.pid).rssMiB;
      const resetOk = resetPeakRss();
      const cpu0 = process.cpuUsage();
      const t1 = performance.now();
      report = await backtest(deps, input, { batchCustomers });
      const seconds = (performance.now() - t1) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const mem = memoryOf(process.pid);
      runs.push({
        seconds: Math.round(seconds * 100) / 100,
        events_replayed: report.events_replayed,
        customers_replayed: report.customers_replayed,
        events_per_second: Math.round(report.events_replayed / seconds),
        cpu_seconds: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
        rss_before_mib: rssBefore,
        peak_rss_mib: mem.peakRssMiB,
        peak_rss_reset: resetOk,
      });
      process.stderr.write(
        `run ${run}/${nRuns}: ${report.events_replayed} events in ${seconds.toFixed(1)} s = ${runs.at(-1)?.events_per_second} events/s\n`,
      );
    }
    if (!report) throw new Error('no run');
    const med = mediansOf(runs, ['seconds', 'events_per_second', 'cpu_seconds', 'peak_rss_mib']);
    const rate = med.events_per_second as number;
    const seconds = med.seconds as number;
    const resetOk = runs.every((r) => r.peak_rss_reset);
    const mem = { peakRssMiB: med.peak_rss_mib as number };
    const liveHeapMiB = opts.has('live-heap') ? await liveHeap(deps, input, batchCustomers) : null;

    const result = {
      benchmark: 'backtest',
      backend,
      date: new Date().toISOString(),
      machine: await machine(),
      quiet_cores_before: quiet,
      workload: {
        events: loaded.events,
        customers: loaded.customers,
        clicks: loaded.clicks,
        partners,
        by_type: loaded.byType,
        seed,
        period: '2025-01-01 to 2026-06-30',
        batch_customers: batchCustomers,
      },
      load_seconds: Math.round(loadS * 10) / 10,
      // The medians over runs; every run below.
      backtest: {
        runs: nRuns,
        seconds,
        events_replayed: report.events_replayed,
        customers_replayed: report.customers_replayed,
        events_per_second: rate,
        cpu_seconds: med.cpu_seconds,
        peak_rss_mib: mem.peakRssMiB,
        peak_rss_reset: resetOk,
        check: input.check,
        live_heap_peak_mib: liveHeapMiB,
      },
      runs,
      report: {
        draft_cost: report.draft.cost,
        draft_activations: report.draft.activations,
        draft_cost_per_activation: report.draft.cost_per_activation,
        draft_cost_share_of_revenue_percent: report.draft.cost_share_of_revenue_percent,
        partners: report.partners.length,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n\n`);
    process.stdout.write(
      `${table([
        ['backend', 'events', 'customers', 'seconds', 'events/s', 'peak RSS MiB'],
        ...runs.map((r, i) => [
          `run ${i + 1}`,
          r.events_replayed,
          r.customers_replayed,
          r.seconds,
          r.events_per_second,
          r.peak_rss_mib,
        ]),
        [
          `median (${backend})`,
          report.events_replayed,
          report.customers_replayed,
          result.backtest.seconds,
          rate,
          mem.peakRssMiB,
        ],
      ])}\n\n`,
    );
    process.stdout.write(
      `backtest: ${report.events_replayed} events replayed in ${seconds.toFixed(1)} s = ${rate} events/s (median of ${nRuns}), peak RSS ${mem.peakRssMiB} MiB${resetOk ? '' : ' (process lifetime peak)'}\n`,
    );
    process.stdout.write(`written: ${writeResult(`backtest-${backend}`, result)}\n`);
  } finally {
    await deps.close();
    await store.cleanup(opts.has('keep'));
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 1;
});
