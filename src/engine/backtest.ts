import { sql } from 'kysely';
import type { Currency } from '../core/currency.js';
import { tierKey } from '../core/derive-customer.js';
import { TandemError } from '../core/errors.js';
import { compileTerms, type ProgramTerms, validateTerms } from '../core/program-terms.js';
import {
  type ProgramVersion,
  type ProgramWithVersions,
  versionInForce,
} from '../core/program-version.js';
import { type ConversionTotal, type CostTotal, completeWindowOf, Replay } from '../core/replay.js';
import { simulateTiers } from '../core/simulate-tiers.js';
import { type BacktestReport, summarizeBacktest } from '../core/summarize-backtest.js';
import { longestWindowDays, tierAt } from '../core/tiers.js';
import { DAY_MS, parseInstant } from '../core/time.js';
import { toBigInt, toNumber } from '../store/values.js';
import { loadCandidates } from './accrual-candidates.js';
import type { Deps } from './deps.js';
import { loadConversions } from './load-conversions.js';
import { loadPrograms } from './load-programs.js';
import { loadReplayInputs } from './load-replay-inputs.js';
import { findProgram } from './programs.js';
import { chunks, type Db } from './transaction.js';

export interface BacktestInput {
  /** Program id or key. */
  program: string;
  /** Draft terms, as `POST /v1/programs/validate` takes them. */
  terms: unknown;
  /** First and last day of the period, `YYYY-MM-DD`, both included (UTC). */
  from: string;
  to: string;
  /**
   * Also replay the published terms and compare them with the ledger (default true). Off,
   * the backtest does half the replay work (about 40 % less time), and the current terms'
   * activations and revenue come from the conversions read model.
   */
  check?: boolean;
  /**
   * Which tiers the draft applies: `recorded` (the tier history partners actually had),
   * `simulate` (daily evaluations of the draft's tier levels over the period, from the
   * tiers held at `from`), or `auto` (default): simulate when the draft qualifies partners
   * differently from the terms it replaces.
   */
  tiers?: TierMode;
}

export const tierModes = ['auto', 'recorded', 'simulate'] as const;
export type TierMode = (typeof tierModes)[number];

export interface BacktestProgress {
  customers: number;
  /** Customers the replay will go through in all. */
  totalCustomers: number;
  events: number;
}

/** A checked backtest, ready to run: every input error has been thrown by now. */
export interface PreparedBacktest {
  program: ProgramWithVersions;
  draft: ProgramWithVersions;
  draftVersion: ProgramVersion;
  /** [from, to) in epoch ms. */
  period: { from: number; to: number };
  check: boolean;
  /** Resolved: whether the draft's partners are requalified under its tier levels. */
  tiers: 'recorded' | 'simulated';
}

/** Customers evaluated between two yields of the event loop (about 0.1 s of work). */
const YIELD_EVERY_CUSTOMERS = 200;

/** The synthetic version's id: never a real one (those are `ver_…`). */
export const DRAFT_VERSION_ID = 'draft';

/**
 * Checks a backtest request and builds the hypothetical program: the published versions
 * that took effect before `from`, plus the draft as if it had been published as the next
 * version effective from `from` — so it governs every event of the period, and the events
 * before keep the terms actually in force then.
 *
 * Errors: `invalid_range` (not two existing `YYYY-MM-DD` days, or `from` after `to`),
 * `invalid_program` (details.issues lists every problem by path), `program_not_found`.
 */
export async function prepareBacktest(deps: Deps, input: BacktestInput): Promise<PreparedBacktest> {
  const period = parseRange(input.from, input.to);
  const checked = validateTerms(input.terms);
  if (!checked.ok)
    throw new TandemError('invalid_program', 'the draft terms are invalid', {
      issues: checked.issues,
    });
  const db = deps.store.db;
  const { id } = await findProgram(db, input.program);
  const program = (await loadPrograms(db)).find((p) => p.id === id);
  if (!program) throw new TandemError('program_not_found', `no program "${input.program}"`);
  const latest = program.versions.reduce((n, v) => Math.max(n, v.number), 0);
  const draftVersion: ProgramVersion = {
    id: DRAFT_VERSION_ID,
    programId: program.id,
    number: latest + 1,
    effectiveFrom: period.from,
    publishedAt: period.from,
    correction: false,
    terms: compileTerms(checked.document),
  };
  // Versions effective from `from` on are replaced, not merely outranked at `from`: a
  // version published for March would otherwise win back March in a January–June backtest.
  const kept = program.versions.filter((v) => v.effectiveFrom < period.from);
  return {
    program,
    draft: { ...program, versions: [...kept, draftVersion] },
    draftVersion,
    period,
    check: input.check ?? true,
    tiers: resolveTierMode(input.tiers ?? 'auto', program, draftVersion),
  };
}

function parseRange(from: string, to: string): { from: number; to: number } {
  const day = (s: string) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? parseInstant(s) : undefined);
  const start = day(from);
  const last = day(to);
  const issues = [
    ...(start === undefined ? [{ path: 'from', message: 'must be a date YYYY-MM-DD' }] : []),
    ...(last === undefined ? [{ path: 'to', message: 'must be a date YYYY-MM-DD' }] : []),
  ];
  if (start === undefined || last === undefined)
    throw new TandemError('invalid_range', 'from and to must be dates YYYY-MM-DD', { issues });
  if (start > last)
    throw new TandemError('invalid_range', `from (${from}) is after to (${to})`, {
      issues: [{ path: 'to', message: 'must not be before from' }],
    });
  return { from: start, to: last + DAY_MS };
}

/**
 * Replays the stored events of a period under a program's draft terms, in memory, and
 * compares what they would have cost with what the ledger holds: per partner and currency,
 * with activations and revenue. Nothing is written: no transaction is opened for writing,
 * the ledger, queues and read models are untouched.
 *
 * Two replays run over the same batches: one under the draft, one under the published
 * versions, which must reproduce the ledger (`baseline_replay_matches_ledger`; skipped with
 * `check: false`). Events are loaded in bulk by `loadReplayInputs` and evaluated by
 * `Replay`, the pure composition of the engine's own derivation stages.
 *
 * Errors: those of `prepareBacktest`.
 */
export async function backtest(
  deps: Deps,
  input: BacktestInput | PreparedBacktest,
  opts: {
    onProgress?: (p: BacktestProgress) => void;
    /** Checked between batches: an aborted backtest stops with the signal's reason. */
    signal?: AbortSignal;
    batchCustomers?: number;
  } = {},
): Promise<BacktestReport> {
  const started = performance.now();
  const prepared = 'draftVersion' in input ? input : await prepareBacktest(deps, input);
  const { program, draft, draftVersion, period, check } = prepared;
  const db = deps.store.db;
  // Whole months: staged units (monthly caps, budgets) grant a month at a time, so the
  // period's first accruals compete with the month's earlier ones, and a prorated budget
  // scales the period's last accruals by the rest of their month. Whole quarters when a
  // quarterly bonus ends in the period: it counts the quarter's every conversion.
  const complete = completeWindowOf(period, [program, draft]);
  const [ledger, pending, readModel, inputs] = await Promise.all([
    readLedgerCosts(db, program.id, period),
    countPending(db),
    check ? undefined : readConversions(db, program.id, period),
    loadReplayInputs(db, {
      programId: program.id,
      from: complete.from,
      to: complete.to,
      ...(opts.batchCustomers ? { batchCustomers: opts.batchCustomers } : {}),
    }),
  ]);
  const common = {
    partnerStatus: inputs.partnerStatus,
    partnerTiers: inputs.partnerTiers,
    period,
    complete,
    now: deps.clock.now(),
  };
  const baseline = check ? new Replay({ ...common, programs: [program] }) : undefined;
  const drafted = new Replay({
    ...common,
    programs: [draft],
    ...(prepared.tiers === 'simulated'
      ? { partnerTiers: await simulatedTierHistory(db, prepared, inputs.partnerTiers) }
      : {}),
  });
  const progress = { customers: 0, totalCustomers: inputs.customers, events: 0 };
  opts.onProgress?.({ ...progress });
  for await (const batch of inputs.batches()) {
    // A batch is loaded at once but evaluated in slices, yielding the event loop after each
    // (better-sqlite3 answers synchronously too): a whole batch would hold up redirects and
    // ingestion for most of a second. Months complete only with the batch's last slice.
    for (let i = 0; i < batch.customers.length; i += YIELD_EVERY_CUSTOMERS) {
      opts.signal?.throwIfAborted();
      const customers = batch.customers.slice(i, i + YIELD_EVERY_CUSTOMERS);
      const last = i + YIELD_EVERY_CUSTOMERS >= batch.customers.length;
      const slice = {
        customers,
        clicks: batch.clicks,
        codes: batch.codes,
        ...(last && batch.firstEventsBefore !== undefined
          ? { firstEventsBefore: batch.firstEventsBefore }
          : {}),
      };
      baseline?.add(slice);
      drafted.add(slice);
      progress.customers += customers.length;
      for (const c of customers) progress.events += c.events.length;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    opts.onProgress?.({ ...progress });
  }
  const units = [
    ...new Set([...(baseline?.unitsNeedingContext() ?? []), ...drafted.unitsNeedingContext()]),
  ];
  const context = units.length
    ? await db.transaction().execute((tx) => loadCandidates(tx, units))
    : new Map();
  const base = baseline?.finish(context);
  const result = drafted.finish(context);

  const partnerIds = new Set(
    [...ledger, ...(base?.costs ?? []), ...result.costs].map((c) => c.partnerId),
  );
  return summarizeBacktest({
    program: { id: program.id, key: program.key },
    currency: draftVersion.terms.currency,
    period,
    draftVersion: {
      id: draftVersion.id,
      number: draftVersion.number,
      effectiveFrom: draftVersion.effectiveFrom,
    },
    ledger,
    baselineConversions: base?.conversions ?? readModel ?? [],
    baselineReplay: base?.costs,
    draft: result,
    partnerNames: await partnerNames(db, [...partnerIds]),
    pendingDerivation: pending,
    warnings: warningsFor(draftVersion, prepared.tiers),
    tiers: prepared.tiers,
    elapsedMs: Math.round(performance.now() - started),
  });
}

/** What the replay does not cover yet for these terms, said in the report. */
function warningsFor(draft: ProgramVersion, tiers: PreparedBacktest['tiers']): string[] {
  const out: string[] = [];
  if (draft.terms.tiers && tiers === 'recorded')
    out.push(
      'tiers are taken from the recorded tier history: partners are not requalified under the draft tier levels',
    );
  if (tiers === 'simulated')
    out.push(
      "tiers are simulated: daily evaluations of the draft's tier levels from the tiers held at the start, on the conversions attributed under the published terms",
    );
  return out;
}

/** Whether the draft qualifies partners like the terms in force when it takes effect. */
function resolveTierMode(
  mode: TierMode,
  program: ProgramWithVersions,
  draft: ProgramVersion,
): PreparedBacktest['tiers'] {
  if (mode !== 'auto') return mode === 'simulate' ? 'simulated' : 'recorded';
  if (!draft.terms.tiers) return 'recorded';
  // The published terms in force when the draft takes effect: what it replaces.
  const replaced = versionInForce(program.versions, draft.effectiveFrom)?.terms.tiers;
  const qualification = (t: ProgramTerms['tiers']) =>
    t
      ? JSON.stringify([
          t.graceDays,
          t.levels.map((l) => [
            l.id,
            l.requires.map((r) => [r.metric, r.windowDays, `${r.atLeast}`]),
          ]),
        ])
      : '';
  return qualification(replaced) === qualification(draft.terms.tiers) ? 'recorded' : 'simulated';
}

/**
 * The recorded tier history with the program's part from `from` on replaced by simulated
 * evaluations of the draft's levels, measured on the conversions read model (what the
 * published terms attributed).
 */
async function simulatedTierHistory(
  db: Db,
  prepared: PreparedBacktest,
  recorded: ReadonlyMap<string, readonly { at: number; tier: string | null }[]>,
): Promise<Map<string, { at: number; tier: string | null }[]>> {
  const { program, draftVersion, period } = prepared;
  const tiers = draftVersion.terms.tiers;
  const out = new Map<string, { at: number; tier: string | null }[]>(
    [...recorded].map(([k, v]) => [k, [...v]]),
  );
  if (!tiers) return out;
  const conversions = await loadConversions(db, {
    programId: program.id,
    from: period.from - Math.max(1, longestWindowDays(tiers.levels)) * DAY_MS,
    to: period.to,
  });
  const prefix = `${program.id}\u001f`;
  const initial = new Map<string, string | null>();
  for (const [key, history] of recorded)
    if (key.startsWith(prefix))
      initial.set(key.slice(prefix.length), tierAt(history, period.from - 1));
  const simulated = simulateTiers({
    levels: tiers.levels,
    graceDays: tiers.graceDays,
    currency: draftVersion.terms.currency,
    conversions,
    initial,
    start: period.from,
    end: period.to,
  });
  for (const partnerId of new Set([...initial.keys(), ...simulated.keys()])) {
    const key = tierKey(program.id, partnerId);
    const before = (recorded.get(key) ?? []).filter((h) => h.at < period.from);
    out.set(key, [...before, ...(simulated.get(partnerId) ?? [])]);
  }
  return out;
}

/**
 * Net of the program's referral accrual lines by the occurred_at of their
 * events, per partner and currency (integration units are left out, as the
 * replay leaves them out).
 */
async function readLedgerCosts(
  db: Db,
  programId: string,
  period: { from: number; to: number },
): Promise<CostTotal[]> {
  const rows = await db
    .selectFrom('accrual_lines')
    .select(['partner_id', 'currency', (eb) => eb.fn.sum('amount').as('amount')])
    .where('program_id', '=', programId)
    .where('occurred_at', '>=', period.from)
    .where('occurred_at', '<', period.to)
    // The replay derives referral (customer) units only: integration grants and usage are not in it.
    .where('unit', 'not like', 'i%:%')
    // Nor are campaign bonuses and MDF reimbursements (co-marketing, not referral rules).
    .where('unit', 'not like', 'cm:%')
    .where('unit', 'not like', 'mdf:%')
    .groupBy(['partner_id', 'currency'])
    .execute();
  return rows.map((r) => ({
    programId,
    partnerId: r.partner_id,
    currency: r.currency as Currency,
    amount: toBigInt(r.amount),
  }));
}

/** The conversions read model of the period: what the published terms attributed. */
async function readConversions(
  db: Db,
  programId: string,
  period: { from: number; to: number },
): Promise<ConversionTotal[]> {
  const rows = await db
    .selectFrom('conversions')
    .select([
      'partner_id',
      'type',
      'currency',
      (eb) => eb.fn.countAll().as('n'),
      (eb) => eb.fn.sum('revenue').as('revenue'),
    ])
    .where('program_id', '=', programId)
    .where('occurred_at', '>=', period.from)
    .where('occurred_at', '<', period.to)
    .groupBy(['partner_id', 'type', 'currency'])
    .execute();
  return rows.map((r) => ({
    programId,
    partnerId: r.partner_id,
    type: r.type as ConversionTotal['type'],
    currency: (r.currency ?? undefined) as Currency | undefined,
    count: toNumber(r.n),
    revenue: toBigInt(r.revenue),
  }));
}

async function countPending(db: Db): Promise<number> {
  const row = await sql<{ n: number | string }>`
    SELECT COUNT(*) AS n FROM (SELECT unit FROM dirty_units UNION SELECT unit FROM dirty_marks) u`.execute(
    db,
  );
  return toNumber(row.rows[0]?.n ?? 0);
}

async function partnerNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks(ids, 1000)) {
    const rows = await db
      .selectFrom('partners')
      .select(['id', 'name'])
      .where('id', 'in', part)
      .execute();
    for (const r of rows) out.set(r.id, r.name);
  }
  return out;
}
