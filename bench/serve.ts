/**
 * The full Tandem server for the benchmarks, run as a child process: opens
 * Tandem on a fresh database (SQLite file or PostgreSQL URL), sets up what the
 * benchmark needs through the engine's own use cases, then starts the worker
 * and the HTTP server (buildServer) on 127.0.0.1 and prints
 * `READY {"port":…,…}`. SIGTERM closes it the way `npm start` does: the HTTP
 * server first (which flushes buffered clicks), then the worker, then the
 * database; then it prints `STOPPED {…}` and exits.
 *
 *   --file <path> | --url <postgres://…>
 *   --mode redirect [--codes 10]       a program, one approved partner, N links bench-0…
 *   --mode ingest --plan <file.json>   a program on demoTerms (or without its monthly cap),
 *                                      partners with links, referral codes and coupons, the
 *                                      plan's clicks, an admin API key
 *   --query-stats <file.json>          time every SQL statement (bench/query-stats.ts)
 *     [--partner-keys N]               and a partner key for each of the first N partners
 *   --setup-only                       set up, print `READY {…}` (no port) and exit: other
 *                                      processes serve this database (bench/multi-node.ts)
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { createApiKey } from '../src/engine/api-keys.js';
import { fixedClock } from '../src/engine/deps.js';
import { openTandem } from '../src/engine/open-tandem.js';
import { createPartner } from '../src/engine/partners.js';
import { createProgram, publishVersion } from '../src/engine/programs.js';
import { type ClickInput, recordClicks } from '../src/engine/record-clicks.js';
import { demoGrowthTerms, demoTerms } from '../src/engine/seed-demo.js';
import { createCode, createLink } from '../src/engine/tracking.js';
import { startWorker } from '../src/engine/worker.js';
import { buildServer } from '../src/server/build-server.js';
import { args } from './lib.js';
import { installQueryStats, resetQueryStats, writeQueryStats } from './query-stats.js';

/** What bench/ingest.ts asks for. Partner i gets link bench-i, code BR<i>, coupon BR<i>OFF. */
export interface IngestPlan {
  /** When the program's terms take effect (epoch ms); partners, links and codes are created a day before. */
  start: number;
  partners: number;
  /**
   * `demo`: demoTerms as they are; `no-monthly-cap`: demoTerms without caps.per_partner_per_month;
   * `growth`: the demo's second version (tiers, accelerators, a bonus, a budget settled per program-month).
   */
  terms: 'demo' | 'no-monthly-cap' | 'growth';
  /** [click id, partner index, occurred_at epoch ms, bot (1/0)] */
  clicks: [string, number, number, number][];
}

const DAY = 86_400_000;
const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36';

async function main() {
  const opts = args();
  const mode = opts.get('mode') ?? 'redirect';
  const log = pino({ level: 'warn', base: null }, pino.destination(2));
  const url = opts.get('url');
  const queryStats = opts.get('query-stats');
  if (queryStats) installQueryStats();
  const deps = await openTandem(url ? { url, log } : { file: opts.get('file') ?? ':memory:', log });
  const info: Record<string, unknown> = { pid: process.pid, mode };

  if (mode === 'redirect') {
    const codes = Number(opts.get('codes') ?? 10);
    await createProgram(deps, { key: 'bench', name: 'Benchmark program' });
    await publishVersion(deps, {
      program: 'bench',
      effectiveFrom: deps.clock.now() + 1000,
      terms: demoTerms,
    });
    const partner = await createPartner(deps, {
      name: 'Bench Partner',
      email: 'bench@partner.example',
      kinds: ['referral'],
      programs: ['bench'],
      status: 'approved',
    });
    for (let i = 0; i < codes; i++)
      await createLink(deps, {
        partnerId: partner.id,
        program: 'bench',
        destination: `https://marketplace.example/sell?utm_source=partner&p=${i}`,
        code: `bench-${i}`,
      });
    info.codes = Array.from({ length: codes }, (_, i) => `bench-${i}`);
  } else if (mode === 'ingest') {
    const plan = JSON.parse(readFileSync(opts.get('plan') as string, 'utf8')) as IngestPlan;
    const past = { ...deps, clock: fixedClock(plan.start - DAY) };
    await createProgram(past, { key: 'bench', name: 'Benchmark program' });
    const { caps: _caps, ...uncapped } = demoTerms;
    await publishVersion(past, {
      program: 'bench',
      effectiveFrom: plan.start,
      terms:
        plan.terms === 'no-monthly-cap'
          ? uncapped
          : plan.terms === 'growth'
            ? demoGrowthTerms(deps.clock.now())
            : demoTerms,
    });
    const partners: { id: string; linkId: string }[] = [];
    for (let i = 0; i < plan.partners; i++) {
      const p = await createPartner(past, {
        name: `Bench Partner ${i}`,
        email: `p${i}@bench.example`,
        kinds: ['referral'],
        programs: ['bench'],
        status: 'approved',
      });
      const link = await createLink(past, {
        partnerId: p.id,
        program: 'bench',
        destination: 'https://marketplace.example/sell',
        code: `bench-${i}`,
      });
      await createCode(past, {
        partnerId: p.id,
        program: 'bench',
        kind: 'referral_code',
        code: `BR${i}`,
      });
      await createCode(past, {
        partnerId: p.id,
        program: 'bench',
        kind: 'coupon',
        code: `BR${i}OFF`,
      });
      partners.push({ id: p.id, linkId: link.id });
    }
    const programId = (
      await deps.store.db.selectFrom('programs').select('id').executeTakeFirstOrThrow()
    ).id;
    const clicks: ClickInput[] = plan.clicks.map(([id, partner, at, bot]) => {
      const p = partners[partner] as (typeof partners)[number];
      return {
        id,
        linkId: p.linkId,
        partnerId: p.id,
        programId,
        occurredAt: at,
        ip: `198.51.100.${partner % 250}`,
        userAgent: bot ? 'Googlebot/2.1 (+http://www.google.com/bot.html)' : BROWSER,
        referer: 'https://blog.example/post',
      };
    });
    for (let k = 0; k < clicks.length; k += 1000)
      await recordClicks(deps, clicks.slice(k, k + 1000));
    info.clicks = clicks.length;
    info.adminKey = (await createApiKey(deps, { name: 'bench admin', scopes: ['admin'] })).key;
    // What a partner portal holds: a key that reads its own partner's data (bench/soak.ts).
    const keys = Math.min(Number(opts.get('partner-keys') ?? 0), partners.length);
    const partnerKeys: { id: string; key: string }[] = [];
    for (const p of partners.slice(0, keys))
      partnerKeys.push({
        id: p.id,
        key: (await createApiKey(deps, { name: 'bench portal', scopes: [], partnerId: p.id })).key,
      });
    if (keys) info.partnerKeys = partnerKeys;
  } else {
    throw new Error(`unknown --mode ${mode}`);
  }

  if (opts.has('setup-only')) {
    process.stdout.write(`READY ${JSON.stringify(info)}\n`);
    await deps.close();
    return;
  }
  if (queryStats) resetQueryStats();
  const worker = startWorker(deps);
  const app = await buildServer(deps, { worker, logger: log });
  await app.listen({ port: Number(opts.get('port') ?? 0), host: '127.0.0.1' });
  const address = app.server.address();
  info.port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`READY ${JSON.stringify(info)}\n`);

  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      let code = 0;
      try {
        await app.close();
        await worker.stop();
        process.stdout.write(`STOPPED ${JSON.stringify({ pendingClicks: app.tracker.pending })}\n`);
        await deps.close();
        if (queryStats) writeQueryStats(queryStats);
      } catch (e) {
        process.stderr.write(`bench/serve.ts: shutdown failed: ${String(e)}\n`);
        code = 1;
      }
      process.exit(code);
    })();
  });
}

main().catch((e) => {
  process.stderr.write(`bench/serve.ts failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
