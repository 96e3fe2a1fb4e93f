import type { AccrualTrace, DesiredAccrual } from './accrual.js';
import { type BonusPeriod, periodOf } from './bonuses.js';
import type { Currency } from './currency.js';
import { bonusPeriodsOf, deriveBonuses } from './derive-bonuses.js';
import {
  approvedAt,
  type Conversion,
  type DeriveCustomerInput,
  deriveCustomer,
} from './derive-customer.js';
import type { TandemEvent } from './event.js';
import type { MetricConversion } from './metrics.js';
import type { ProgramWithVersions } from './program-version.js';
import { settleStagedUnit } from './settle-staged-unit.js';
import type { CampaignRecord, ClickRecord, CodeRecord } from './touch.js';

/** One customer (the derivation unit of stage 1) with all of its events, any order. */
export interface CustomerEvents {
  customerId: string;
  events: readonly TandemEvent[];
}

/** A batch of customers and the tracking records their events quote. */
export interface ReplayBatch {
  customers: readonly CustomerEvents[];
  /** The clicks the batch's events quote, by click id. */
  clicks: ReadonlyMap<string, ClickRecord>;
  /** The codes they quote, by normalized code. */
  codes: ReadonlyMap<string, CodeRecord>;
  /** The campaigns their campaign touches and campaign-link clicks name, by id. */
  campaigns?: ReadonlyMap<string, CampaignRecord>;
  /**
   * Optional, the loader's promise: every customer whose first event is before this instant
   * is in this batch or an earlier one. Months that end by then are complete and are settled
   * at once, which keeps memory to the months still open.
   */
  firstEventsBefore?: number;
}

export interface ReplayOptions {
  /** The programs to replay, each with the versions to evaluate under (real or hypothetical). */
  programs: readonly ProgramWithVersions[];
  /** As the live engine passes it to `deriveCustomer` (absent: every partner is approved). */
  partnerStatus?: DeriveCustomerInput['partnerStatus'];
  /** As the live engine passes it to `deriveCustomer`, keyed with `tierKey`. */
  partnerTiers?: DeriveCustomerInput['partnerTiers'];
  /** Totals count accruals and conversions with `occurredAt` in [from, to). */
  period: { from: number; to: number };
  /**
   * The caller's promise: every customer with an event in [complete.from, complete.to) is
   * in the replay. It must cover the whole months of the period (`wholeMonthsOf`): staged
   * units are months, and a prorated budget scales a month by all of its accruals. Units of
   * earlier months may lack other customers' candidates; `unitsNeedingContext` names them.
   */
  complete: { from: number; to: number };
  /**
   * Bonus periods that ended by this instant are evaluated, as the period-close job would
   * have (default: every period of the replay has ended).
   */
  now?: number;
}

/** Net amount of the granted accruals (reversals and adjustments included) of one partner. */
export interface CostTotal {
  programId: string;
  partnerId: string;
  currency: Currency;
  amount: bigint;
}

/** Attributed conversions of one partner, one event type and one currency. */
export interface ConversionTotal {
  programId: string;
  partnerId: string;
  type: Conversion['type'];
  currency: Currency | undefined;
  count: number;
  /** Minor units; refunds and chargebacks count negative. */
  revenue: bigint;
}

export interface ReplayResult {
  costs: CostTotal[];
  conversions: ConversionTotal[];
  customers: number;
  events: number;
}

/** The candidates of one staged unit and the calendar month they belong to. */
interface StagedUnit {
  candidates: DesiredAccrual[];
  month: { from: number; to: number };
}

// Staged candidates are kept until their month is complete; their traces would be most of
// the memory and the totals never read them. The settle stage only appends steps to a
// trace, so a shared empty one is enough (the engine settles candidates loaded without
// traces the same way).
const NO_TRACE = Object.freeze({ steps: Object.freeze([]) }) as unknown as AccrualTrace;

/**
 * Replays stored events in memory with the same pure functions the live engine derives the
 * ledger with, and totals what they earn per partner over a period — without writing
 * anything. The backtest runs it twice over the same batches: under the published versions
 * (which must reproduce the ledger) and under a draft.
 *
 * The stages mirror `deriveDirtyUnits`:
 * 1. customer units (`add`): attribution, reward rules, per-customer caps and refunds
 *    (`deriveCustomer`). Accruals of a `c:` unit are final; the others are candidates of a
 *    staged unit.
 * 2. staged units (`#settle`, as months complete and in `finish`): every candidate of a
 *    unit, from all customers, granted by `settleStagedUnit` — monthly partner caps, then
 *    the program's monthly budget.
 * 3. bonus units (`#settleBonuses`, in `finish`): each partner's performance bonuses for
 *    the months and quarters that end in the period (`deriveBonuses`).
 *
 * Staged units are calendar months (`pm:` partner-months, `bm:` program-months): every
 * candidate of one comes from a customer with an event in that month, so once every
 * customer whose first event precedes the month's end has been added, the month is final.
 *
 * @example
 * const r = new Replay({ programs, partnerStatus, period, complete: wholeMonthsOf(period) });
 * for (const batch of batches) r.add(batch);
 * const { costs, conversions } = r.finish();
 */
export class Replay {
  readonly #opts: ReplayOptions;
  readonly #costs = new Map<string, CostTotal>();
  readonly #conversions = new Map<string, ConversionTotal>();
  readonly #staged = new Map<string, StagedUnit>();
  readonly #replayed = new Set<string>();
  /** Bonus period kinds per program that has bonuses in any of its versions. */
  readonly #bonusKinds = new Map<string, Set<BonusPeriod>>();
  /** Conversions in bonus periods that end in the period, per program and partner. */
  readonly #bonusConversions = new Map<string, MetricConversion[]>();
  #events = 0;
  #finished = false;

  constructor(opts: ReplayOptions) {
    this.#opts = opts;
    for (const p of opts.programs) {
      const kinds = bonusPeriodsOf(p);
      if (kinds.size) this.#bonusKinds.set(p.id, kinds);
    }
  }

  /** Stage 1 for each customer of the batch; then stage 2 for the months it completes. */
  add(batch: ReplayBatch): void {
    if (this.#finished) throw new Error('replay already finished');
    const { programs, partnerStatus, partnerTiers } = this.#opts;
    for (const c of batch.customers) {
      // A customer derived twice would count twice: the loader must not split or repeat one.
      if (this.#replayed.has(c.customerId))
        throw new Error(`customer ${c.customerId} replayed twice`);
      this.#replayed.add(c.customerId);
      this.#events += c.events.length;
      const derived = deriveCustomer({
        customerId: c.customerId,
        events: c.events,
        clicks: batch.clicks,
        codes: batch.codes,
        ...(batch.campaigns ? { campaigns: batch.campaigns } : {}),
        programs,
        ...(partnerStatus ? { partnerStatus } : {}),
        ...(partnerTiers ? { partnerTiers } : {}),
      });
      for (const conversion of derived.conversions) {
        this.#countConversion(conversion);
        this.#keepForBonuses(conversion);
      }
      for (const a of derived.accruals) {
        if (a.unit.startsWith('c:')) this.#addCost(a);
        else this.#stage(a);
      }
    }
    if (batch.firstEventsBefore !== undefined) this.#settleMonthsBefore(batch.firstEventsBefore);
  }

  /** Staged units still held in memory, waiting for their month to complete. */
  get openUnits(): number {
    return this.#staged.size;
  }

  /**
   * Staged units of months before `complete.from` that hold a candidate in the period — in
   * practice a refund in the period of a payment from an earlier capped month. What that
   * refund reverses depends on what the month granted, which depends on customers the
   * replay did not load. The caller passes their stored candidates to `finish`.
   */
  unitsNeedingContext(): string[] {
    const out: string[] = [];
    for (const [unit, u] of this.#staged)
      if (u.month.from < this.#opts.complete.from && u.candidates.some((a) => this.#inPeriod(a)))
        out.push(unit);
    return out.sort();
  }

  /**
   * Stage 2 for the units still open, then the totals. `context` holds candidates of the
   * units named by `unitsNeedingContext` as the ledger knows them (any customer); only the
   * accruals of customers outside the replay are taken from it: months before
   * `complete.from` were evaluated under the published terms whatever the replay's versions.
   */
  finish(context: ReadonlyMap<string, readonly DesiredAccrual[]> = new Map()): ReplayResult {
    if (this.#finished) throw new Error('replay already finished');
    this.#finished = true;
    for (const [unit, u] of this.#staged) {
      const extra = (context.get(unit) ?? []).filter(
        (a) => a.kind === 'accrual' && !this.#replayed.has(a.customerId),
      );
      this.#settle(extra.length ? [...u.candidates, ...extra] : u.candidates);
    }
    this.#staged.clear();
    this.#settleBonuses();
    return {
      costs: [...this.#costs.values()],
      conversions: [...this.#conversions.values()],
      customers: this.#replayed.size,
      events: this.#events,
    };
  }

  #inPeriod(a: { occurredAt: number }): boolean {
    return a.occurredAt >= this.#opts.period.from && a.occurredAt < this.#opts.period.to;
  }

  #addCost(a: DesiredAccrual): void {
    if (!this.#inPeriod(a) || a.amount === 0n) return;
    const key = `${a.programId}\u001f${a.partnerId}\u001f${a.currency}`;
    const total = this.#costs.get(key);
    if (total) total.amount += a.amount;
    else
      this.#costs.set(key, {
        programId: a.programId,
        partnerId: a.partnerId,
        currency: a.currency,
        amount: a.amount,
      });
  }

  #stage(a: DesiredAccrual): void {
    // Months after the complete window cannot reach into the period.
    if (a.occurredAt >= this.#opts.complete.to) return;
    const u = this.#staged.get(a.unit);
    // Drops the trace in place: `deriveCustomer` has returned and nothing else holds the
    // object, and a copy per candidate would double the garbage of a large replay.
    a.trace = NO_TRACE;
    if (u) {
      // One copy of the unit's name, not one per candidate.
      a.unit = (u.candidates[0] as DesiredAccrual).unit;
      u.candidates.push(a);
      return;
    }
    // The first candidate of a unit is an accrual (a reversal follows its accrual, from the
    // same customer), so its time names the unit's month.
    this.#staged.set(a.unit, {
      candidates: [a],
      month: wholeMonthsOf({ from: a.occurredAt, to: a.occurredAt + 1 }),
    });
  }

  /** Settles every staged month that no customer still to come can add to. */
  #settleMonthsBefore(firstEventsBefore: number): void {
    for (const [unit, u] of this.#staged) {
      if (u.month.to > firstEventsBefore) continue;
      if (u.month.from >= this.#opts.complete.from) {
        this.#settle(u.candidates);
        this.#staged.delete(unit);
      } else if (!u.candidates.some((a) => this.#inPeriod(a))) {
        // An earlier month nothing in the period depends on.
        this.#staged.delete(unit);
      }
    }
  }

  #settle(candidates: readonly DesiredAccrual[]): void {
    for (const granted of settleStagedUnit(candidates)) this.#addCost(granted);
  }

  /** Whether a bonus period (month or quarter) ends inside the period. */
  #bonusPeriodInPeriod(kind: BonusPeriod, at: number) {
    const p = periodOf(kind, at);
    return this.#inPeriod({ occurredAt: p.end - 1 }) ? p : undefined;
  }

  #keepForBonuses(c: Conversion): void {
    const kinds = this.#bonusKinds.get(c.programId);
    if (!kinds) return;
    if (![...kinds].some((k) => this.#bonusPeriodInPeriod(k, c.occurredAt))) return;
    const key = `${c.programId}\u001f${c.partnerId}`;
    const list = this.#bonusConversions.get(key) ?? [];
    list.push({
      customerId: c.customerId,
      type: c.type,
      occurredAt: c.occurredAt,
      currency: c.currency,
      revenue: c.revenue,
    });
    this.#bonusConversions.set(key, list);
  }

  /**
   * Stage 3, as the bonus units of the live engine: each partner's bonuses for every month
   * or quarter that ends in the period, from its conversions in it. The caller's `complete`
   * window must cover those periods whole (`completeWindowOf`).
   */
  #settleBonuses(): void {
    const now = this.#opts.now ?? Number.POSITIVE_INFINITY;
    for (const [key, conversions] of this.#bonusConversions) {
      const [programId, partnerId] = key.split('\u001f') as [string, string];
      const program = this.#opts.programs.find((p) => p.id === programId);
      if (!program) continue;
      const periods = new Map<string, number>();
      for (const kind of this.#bonusKinds.get(programId) ?? []) {
        for (const c of conversions) {
          const p = this.#bonusPeriodInPeriod(kind, c.occurredAt);
          if (p) periods.set(p.key, p.end);
        }
      }
      for (const [periodKey, end] of [...periods].sort()) {
        const approved = approvedAt(this.#opts.partnerStatus, partnerId, end - 1);
        for (const a of deriveBonuses({
          program,
          partnerId,
          periodKey,
          conversions,
          approved,
          now,
        }))
          this.#addCost(a);
      }
    }
    this.#bonusConversions.clear();
  }

  #countConversion(c: Conversion): void {
    if (!this.#inPeriod(c)) return;
    const key = `${c.programId}\u001f${c.partnerId}\u001f${c.type}\u001f${c.currency ?? ''}`;
    const total = this.#conversions.get(key);
    if (total) {
      total.count++;
      total.revenue += c.revenue;
    } else
      this.#conversions.set(key, {
        programId: c.programId,
        partnerId: c.partnerId,
        type: c.type,
        currency: c.currency,
        count: 1,
        revenue: c.revenue,
      });
  }
}

/**
 * The whole calendar months (UTC) around a period: the window whose customers a replay
 * needs so that every staged unit reaching into the period is complete.
 */
export function wholeMonthsOf(period: { from: number; to: number }): { from: number; to: number } {
  const first = new Date(period.from);
  const last = new Date(period.to - 1);
  return {
    from: Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1),
    to: Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 1),
  };
}

/**
 * The window of customers a replay of `period` needs: whole months (monthly caps and
 * budgets), widened to whole quarters when a program has quarterly bonuses.
 */
export function completeWindowOf(
  period: { from: number; to: number },
  programs: readonly ProgramWithVersions[],
): { from: number; to: number } {
  const months = wholeMonthsOf(period);
  if (!programs.some((p) => bonusPeriodsOf(p).has('quarter'))) return months;
  return {
    from: periodOf('quarter', months.from).start,
    to: periodOf('quarter', months.to - 1).end,
  };
}

/** Runs every stage over `batches` at once (tests, small replays). */
export function replay(
  opts: ReplayOptions,
  batches: Iterable<ReplayBatch>,
  context?: ReadonlyMap<string, readonly DesiredAccrual[]>,
): ReplayResult {
  const r = new Replay(opts);
  for (const b of batches) r.add(b);
  return r.finish(context);
}
