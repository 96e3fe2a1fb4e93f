/**
 * The read-path benchmark's bulk loader (PostgreSQL): a consistent dataset of `events` events
 * written straight into the tables with `INSERT … SELECT … FROM generate_series`, never through
 * the API or the engine (bench/ingest.ts measures that path; at ~2,000 events/s ten million
 * events would take hours). Every statement lives in `LOAD_SQL` below, so a schema change
 * (partitioned `events`/`clicks`/`ledger_entries`, dedupe keys in `event_keys`) is one place
 * to adapt; rows are inserted into the parent tables by name, with named columns. Event and
 * click ids are typeid-shaped with the row's time in their leading bits, like the engine's, so
 * a table partitioned by id (migration 0012) routes them by time; `event_keys` is filled when
 * it exists.
 *
 * The data, for P partners over the last 120 days (ending at the start of today, UTC):
 *  - P approved partners, each enrolled in the program, with a status history row and a link;
 *  - C = events / 5 customers; customer c belongs to partner 1 + ⌊P·u³⌋ for a fixed
 *    pseudo-random u (a long tail: a few partners bring most customers), signs up at a fixed
 *    pseudo-random time between 118 and 28 days ago, then has one event a week: signup (quoting
 *    a click), activation, three payments (USD) — every 20th customer's last payment is a
 *    refund of half the one before;
 *  - two clicks per customer: the one its signup quotes (an hour before), and an idle one two
 *    days before (every 10th a bot's);
 *  - for every event a conversion for its customer's partner (refund revenue negative, as the
 *    engine stores it), and one attribution per customer;
 *  - the ledger: one accrual line per activation (a 25.00 USD bounty; a simplification of the
 *    demo terms, whose other rules and caps this loader does not apply), one accrual
 *    transaction per partner and day (pending +, program expense −), and for the lines past
 *    their 30-day hold a release (one transaction per partner and release day: pending −,
 *    available +, a `releases` row per line); the others wait in `hold_queue`;
 *  - the summaries the read paths use, `daily_stats` and `account_balances`, computed from those
 *    rows with the statements of migration 0009 (which fills them from existing rows): they
 *    are what the engine would have kept, write by write. bench/dashboard-check.ts confirms it.
 */

import { sql } from 'kysely';
import type { Deps } from '../src/engine/deps.js';
import { summaryBackfill } from '../src/store/migrations/0009-summaries.js';
import { totalsBackfill } from '../src/store/migrations/0013-daily-totals.js';

const DAY = 86_400_000;

export interface LoadShape {
  events: number;
  partners: number;
  programId: string;
  versionId: string;
  /** Start of today (UTC), epoch ms: the data ends here. */
  end: number;
}

/** Customer c's partner number (1…P) and signup time, as SQL over an integer expression `c`. */
const partnerOf = (c: string, s: LoadShape) =>
  `(1 + floor(${s.partners} * power(((${c}) * 7919 % 10007) / 10007.0, 3))::int)`;
const signupOf = (c: string, s: LoadShape) =>
  `(${s.end - 118 * DAY}::bigint + ((${c})::bigint * 104729 * 1000 + (${c})::bigint * 37) % ${90 * DAY}::bigint)`;

/**
 * Events lo…hi (1-based) with their customer, partner and figures: the one generator every
 * events-derived table reads, so events, conversions, attributions and accrual lines agree.
 */
function eventRows(lo: number, hi: number, s: LoadShape): string {
  return `SELECT e, c, k, p, t0,
      CASE WHEN k = 0 THEN 'signup' WHEN k = 1 THEN 'activation'
           WHEN k = 4 AND c % 20 = 0 THEN 'refund' ELSE 'payment' END AS type,
      t0 + k * ${7 * DAY}::bigint + (e % 3600) * 1000 AS at,
      CASE WHEN k >= 2 THEN (2000 + c * 31 % 18000)::bigint END AS revenue
    FROM (SELECT e, c, k, ${partnerOf('c', s)} AS p, ${signupOf('c', s)} AS t0
          FROM (SELECT e, (e - 1) / 5 + 1 AS c, (e - 1) % 5 AS k
                FROM generate_series(${lo}::bigint, ${hi}::bigint) e) g0) g`;
}

const B32 = '0123456789abcdefghjkmnpqrstvwxyz';
/** SQL: the `chars` low 5-bit groups of the integer expression `x` in typeid's base32. */
const base32 = (x: string, chars: number) =>
  Array.from(
    { length: chars },
    (_, i) => `substr('${B32}', (((${x}) >> ${5 * (chars - 1 - i)}) & 31)::int + 1, 1)`,
  ).join(' || ');
/**
 * SQL: a typeid-shaped id recorded at `at` (epoch ms): the prefix, the 48-bit time in the first
 * ten characters — what partitioning by id reads (src/core/partitions.ts) — then `n` to make it
 * unique. Text order is time order, as for the engine's ids.
 */
const typeidAt = (prefix: string, at: string, n: string) =>
  `'${prefix}_' || ${base32(at, 10)} || ${base32(n, 16)}`;
const eventId = (g = 'g') => typeidAt('evt', `${g}.at`, `${g}.e`);
/** Click i (0: the one the signup quotes, 1: an idle one) of customer c. */
const clickAt = (i: string) => `t0 - CASE WHEN ${i} = 0 THEN ${3_600_000} ELSE ${2 * DAY} END`;
const clickId = (i: string) => typeidAt('clk', clickAt(i), `c * 2 + ${i}`);

const account = (s: LoadShape, kind: string) =>
  `'program:${s.programId}:partner:' || partner_id || ':${kind}'`;

/** Every statement of the load, in order; `chunk` statements run once per block of events. */
export const LOAD_SQL = {
  partners: (s: LoadShape) => [
    `INSERT INTO partners (id, name, email, kinds, status, created_at, updated_at)
     SELECT 'prt_rp_' || n, 'Read-path Partner ' || n, 'p' || n || '@rp.example', '["referral"]'::jsonb,
            'approved', ${s.end - 200 * DAY}, ${s.end - 200 * DAY}
     FROM generate_series(1, ${s.partners}) n`,
    `INSERT INTO partner_status_history (id, partner_id, status, at, reason)
     SELECT 'psh_rp_' || n, 'prt_rp_' || n, 'approved', ${s.end - 200 * DAY}, NULL
     FROM generate_series(1, ${s.partners}) n`,
    `INSERT INTO enrollments (program_id, partner_id, created_at)
     SELECT '${s.programId}', 'prt_rp_' || n, ${s.end - 200 * DAY} FROM generate_series(1, ${s.partners}) n`,
    `INSERT INTO links (id, code, partner_id, program_id, destination, created_at)
     SELECT 'lnk_rp_' || n, 'rp-' || n, 'prt_rp_' || n, '${s.programId}',
            'https://marketplace.example/sell', ${s.end - 200 * DAY}
     FROM generate_series(1, ${s.partners}) n`,
  ],
  /** Events lo…hi and what derives from them; customers are whole within a block (lo ≡ 1 mod 5). */
  chunk: (lo: number, hi: number, s: LoadShape, eventKeys: boolean) => [
    `INSERT INTO clicks (id, link_id, partner_id, program_id, occurred_at, ip_hash, user_agent, referer, bot)
     SELECT ${clickId('i')}, 'lnk_rp_' || p, 'prt_rp_' || p, '${s.programId}', ${clickAt('i')}, NULL,
            'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0', NULL,
            CASE WHEN i = 1 AND c % 10 = 0 THEN 1 ELSE 0 END
     FROM (${eventRows(lo, hi, s)}) g, (VALUES (0), (1)) v(i) WHERE k = 0`,
    `INSERT INTO events (id, source, external_id, type, occurred_at, received_at, customer_id, click_id,
       referral_code, coupon, currency, gross, revenue, payment_id, body, content_hash)
     SELECT ${eventId()}, 'api', 'x-' || e, type, at, at, 'cus_rp_' || c,
            CASE WHEN k = 0 THEN ${clickId('0')} END, NULL, NULL,
            CASE WHEN revenue IS NOT NULL THEN 'USD' END,
            CASE WHEN type = 'payment' THEN revenue * 3 END,
            CASE WHEN type = 'refund' THEN revenue / 2 ELSE revenue END,
            CASE WHEN type = 'refund' THEN 'x-' || (e - 1) END,
            '{"customer":{"side":"seller"}}'::jsonb, md5(e::text)
     FROM (${eventRows(lo, hi, s)}) g`,
    ...(eventKeys
      ? [
          `INSERT INTO event_keys (source, external_id, event_id, content_hash)
           SELECT 'api', 'x-' || e, ${eventId()}, md5(e::text) FROM (${eventRows(lo, hi, s)}) g`,
        ]
      : []),
    `INSERT INTO conversions (event_id, program_id, partner_id, customer_id, type, occurred_at, currency, revenue)
     SELECT ${eventId()}, '${s.programId}', 'prt_rp_' || p, 'cus_rp_' || c, type, at,
            CASE WHEN revenue IS NOT NULL THEN 'USD' END,
            CASE WHEN type = 'refund' THEN -(revenue / 2) ELSE coalesce(revenue, 0) END
     FROM (${eventRows(lo, hi, s)}) g`,
    `INSERT INTO attributions (program_id, customer_id, partner_id, event_id, version_id, attributed_at, reason)
     SELECT '${s.programId}', 'cus_rp_' || c, 'prt_rp_' || p, ${eventId()}, '${s.versionId}', at,
            '{"evidence":"click"}'::jsonb
     FROM (${eventRows(lo, hi, s)}) g WHERE k = 0`,
    // One accrual transaction per partner and day; a block may meet one a previous block made.
    `INSERT INTO ledger_transactions (id, kind, unit, created_at, memo)
     SELECT 'ltx_rp_a_' || p || '_' || (at / ${DAY}), 'accrual', NULL, MIN(at), 'read-path bulk load'
     FROM (${eventRows(lo, hi, s)}) g WHERE k = 1 GROUP BY p, at / ${DAY}
     ON CONFLICT (id) DO NOTHING`,
    `INSERT INTO accrual_lines (id, tx_id, key, unit, kind, program_id, version_id, rule_id, partner_id,
       customer_id, event_id, amount, currency, occurred_at, available_at, created_at, trace)
     SELECT 'acl_rp_' || c, 'ltx_rp_a_' || p || '_' || (at / ${DAY}), 'rp:' || c, 'c:cus_rp_' || c,
            'accrual', '${s.programId}', '${s.versionId}', 'activation-bounty', 'prt_rp_' || p,
            'cus_rp_' || c, ${eventId()}, 2500, 'USD', at, at + ${30 * DAY}, at, '{}'::jsonb
     FROM (${eventRows(lo, hi, s)}) g WHERE k = 1`,
  ],
  /** After every block: the postings of the accrual lines, releases and holds. */
  ledger: (s: LoadShape) => [
    `INSERT INTO ledger_entries (tx_id, account, currency, amount, line_id, created_at)
     SELECT tx_id, ${account(s, 'pending')}, currency, SUM(amount), NULL, MIN(created_at)
     FROM accrual_lines WHERE id LIKE 'acl_rp_%' GROUP BY tx_id, partner_id, currency`,
    `INSERT INTO ledger_entries (tx_id, account, currency, amount, line_id, created_at)
     SELECT tx_id, 'program:${s.programId}:expense', currency, -SUM(amount), NULL, MIN(created_at)
     FROM accrual_lines WHERE id LIKE 'acl_rp_%' GROUP BY tx_id, currency`,
    `INSERT INTO ledger_transactions (id, kind, unit, created_at, memo)
     SELECT 'ltx_rp_r_' || partner_id || '_' || (available_at / ${DAY}), 'release', NULL,
            MIN(available_at), 'read-path bulk load'
     FROM accrual_lines WHERE id LIKE 'acl_rp_%' AND available_at <= ${s.end}
     GROUP BY partner_id, available_at / ${DAY}`,
    `INSERT INTO releases (line_id, tx_id, released_at)
     SELECT id, 'ltx_rp_r_' || partner_id || '_' || (available_at / ${DAY}), available_at
     FROM accrual_lines WHERE id LIKE 'acl_rp_%' AND available_at <= ${s.end}`,
    `INSERT INTO ledger_entries (tx_id, account, currency, amount, line_id, created_at)
     SELECT tx_id, 'program:${s.programId}:partner:' || partner_id || ':' || kind, currency,
            SUM(sign * amount), NULL, MIN(released_at)
     FROM (SELECT r.tx_id, l.partner_id, l.currency, l.amount, r.released_at
           FROM releases r JOIN accrual_lines l ON l.id = r.line_id WHERE r.tx_id LIKE 'ltx_rp_r_%') x,
          (VALUES ('pending', -1), ('available', 1)) v(kind, sign)
     GROUP BY tx_id, partner_id, currency, kind`,
    `INSERT INTO hold_queue (line_id, partner_id, amount, currency, available_at)
     SELECT id, partner_id, amount, currency, available_at FROM accrual_lines
     WHERE id LIKE 'acl_rp_%' AND available_at > ${s.end}`,
  ],
  /**
   * The summaries, from the rows they sum: the statements of migration 0009-summaries.ts (which
   * fills them for an existing database), so they equal what the engine keeps write by write.
   */
  summaries: () => [
    'DELETE FROM daily_stats',
    'DELETE FROM daily_totals',
    'DELETE FROM account_balances',
    ...summaryBackfill(),
    ...totalsBackfill(),
  ],
};

export interface LoadReport {
  events: number;
  customers: number;
  partners: number;
  seconds: number;
  rows: Record<string, number>;
}

/**
 * Loads the dataset into a migrated, empty PostgreSQL database that holds the program
 * (`programId`, its first version `versionId`), in blocks of `block` events (one transaction
 * each), then the ledger, the summaries and ANALYZE.
 */
export async function bulkLoad(
  deps: Deps,
  shape: LoadShape,
  opts: { block?: number; log?: (s: string) => void } = {},
): Promise<LoadReport> {
  if (deps.store.dialect !== 'postgres') throw new Error('the read-path loader is PostgreSQL only');
  const db = deps.store.db;
  const log = opts.log ?? (() => {});
  // Whole customers per block: a multiple of 5 events.
  const block = Math.max(5, Math.floor((opts.block ?? 500_000) / 5) * 5);
  const events = Math.floor(shape.events / 5) * 5;
  const t0 = performance.now();
  const run = async (statements: string[]) => {
    await db.transaction().execute(async (tx) => {
      for (const s of statements) await sql.raw(s).execute(tx);
    });
  };
  // Dedupe keys moved to their own table? Then they are written there too.
  const eventKeys =
    (
      await sql<{ n: string }>`SELECT COUNT(*) AS n FROM information_schema.tables
        WHERE table_name = 'event_keys' AND table_schema = current_schema()`.execute(db)
    ).rows[0]?.n !== '0';
  await run(LOAD_SQL.partners(shape));
  for (let lo = 1; lo <= events; lo += block) {
    const hi = Math.min(events, lo + block - 1);
    await run(LOAD_SQL.chunk(lo, hi, shape, eventKeys));
    const s = (performance.now() - t0) / 1000;
    log(`  ${hi} events in ${s.toFixed(0)} s (${Math.round(hi / s)} events/s)`);
  }
  await run(LOAD_SQL.ledger(shape));
  log(`  ledger posted at ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  await run(LOAD_SQL.summaries());
  await sql`ANALYZE`.execute(db);
  const rows: Record<string, number> = {};
  for (const t of [
    'events',
    'clicks',
    'conversions',
    'attributions',
    'accrual_lines',
    'ledger_transactions',
    'ledger_entries',
    'releases',
    'hold_queue',
    'daily_stats',
    'account_balances',
  ])
    rows[t] = Number(
      (await sql<{ n: string }>`SELECT COUNT(*) AS n FROM ${sql.table(t)}`.execute(db)).rows[0]?.n,
    );
  return {
    events,
    customers: events / 5,
    partners: shape.partners,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    rows,
  };
}
