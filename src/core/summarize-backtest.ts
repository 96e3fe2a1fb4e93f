import type { Currency } from './currency.js';
import { formatAmount } from './money.js';
import type { ConversionTotal, CostTotal, ReplayResult } from './replay.js';
import { divideHalfEven } from './rounding.js';
import { isoDay, toIso } from './time.js';

/** The figures of one side of a backtest: what the terms cost and what they bought. */
export interface BacktestSide {
  /** Net cost in the report currency: accruals minus reversals, adjustments included. */
  cost: string;
  /** Costs in other currencies (percent rules pay in the payment's currency); never converted. */
  other_currencies: Record<string, string>;
  /** Attributed activation events in the period. */
  activations: number;
  /** `cost / activations`, rounded half-even to the minor unit; null without activations. */
  cost_per_activation: string | null;
  /** Attributed revenue (the marketplace's take) in the report currency; refunds negative. */
  revenue: string;
  /** `cost / revenue × 100` with two decimals ("12.34" is 12.34 %); null unless revenue > 0. */
  cost_share_of_revenue_percent: string | null;
}

export interface BacktestPartnerRow {
  partner_id: string;
  name: string | null;
  currency: string;
  baseline: string;
  draft: string;
  /** `draft − baseline`: positive, the partner gains under the draft. */
  difference: string;
}

export interface BacktestMismatch {
  partner_id: string;
  currency: string;
  ledger: string;
  replay: string;
}

export interface BacktestReport {
  program: { id: string; key: string };
  /** The draft's currency: costs and revenue in it are compared, the rest listed apart. */
  currency: string;
  /** Inclusive UTC days, and the instants they stand for: [starts_at, ends_before). */
  period: { from: string; to: string; starts_at: string; ends_before: string };
  draft_version: { id: string; number: number; effective_from: string };
  /** Cost: what the ledger holds; activations and revenue: the replay under the published terms. */
  baseline: BacktestSide;
  draft: BacktestSide;
  /** `draft − baseline` of each figure (percent: in percentage points); null where a side has none. */
  difference: {
    cost: string;
    other_currencies: Record<string, string>;
    activations: number;
    cost_per_activation: string | null;
    revenue: string;
    cost_share_of_revenue_percent: string | null;
  };
  /**
   * Per partner and currency: the report currency first, then the others by code, each
   * largest |difference| first. Partners with nothing on either side are left out.
   */
  partners: BacktestPartnerRow[];
  /**
   * The published terms replayed give exactly what the ledger holds, per partner and
   * currency; null when the check was not asked for (`check: false`).
   */
  baseline_replay_matches_ledger: boolean | null;
  /** Where they differ (at most 50): pending derivation, or events that arrived during the run. */
  mismatches: BacktestMismatch[];
  /** Derivation units waiting in the queue when the backtest started; the ledger lags them. */
  pending_derivation: number;
  /** What the figures leave out for these terms, in words (empty when nothing). */
  warnings: string[];
  /** Whose tiers the draft applied: the recorded history, or simulated under its levels. */
  tiers: 'recorded' | 'simulated';
  customers_replayed: number;
  events_replayed: number;
  elapsed_ms: number;
}

export interface BacktestFigures {
  program: { id: string; key: string };
  currency: Currency;
  /** [from, to) in epoch ms. */
  period: { from: number; to: number };
  draftVersion: { id: string; number: number; effectiveFrom: number };
  /** What the ledger holds for the program in the period. */
  ledger: readonly CostTotal[];
  /** What the published terms bought: attributed conversions in the period. */
  baselineConversions: readonly ConversionTotal[];
  /** The published terms replayed, to check against the ledger; absent: not checked. */
  baselineReplay: readonly CostTotal[] | undefined;
  draft: ReplayResult;
  partnerNames: ReadonlyMap<string, string>;
  pendingDerivation: number;
  warnings: readonly string[];
  tiers: 'recorded' | 'simulated';
  elapsedMs: number;
}

const key = (partnerId: string, currency: string) => `${partnerId}\u001f${currency}`;

function byPartner(costs: readonly CostTotal[], programId: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const c of costs) {
    if (c.programId !== programId) continue;
    const k = key(c.partnerId, c.currency);
    out.set(k, (out.get(k) ?? 0n) + c.amount);
  }
  return out;
}

function byCurrency(perPartner: ReadonlyMap<string, bigint>): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const [k, amount] of perPartner) {
    const cur = k.slice(k.indexOf('\u001f') + 1);
    out.set(cur, (out.get(cur) ?? 0n) + amount);
  }
  return out;
}

function side(
  costs: ReadonlyMap<string, bigint>,
  conversions: readonly ConversionTotal[],
  programId: string,
  currency: Currency,
): {
  view: BacktestSide;
  cost: bigint;
  other: Map<string, bigint>;
  activations: number;
  revenue: bigint;
  perActivation: bigint | undefined;
  share: bigint | undefined;
} {
  const totals = byCurrency(costs);
  const cost = totals.get(currency) ?? 0n;
  totals.delete(currency);
  let activations = 0;
  let revenue = 0n;
  for (const c of conversions) {
    if (c.programId !== programId) continue;
    if (c.type === 'activation') activations += c.count;
    // Revenue in another currency is not converted: no rate is invented.
    if (c.currency === currency) revenue += c.revenue;
  }
  const other: Record<string, string> = {};
  for (const [cur, amount] of [...totals].sort(([a], [b]) => (a < b ? -1 : 1)))
    other[cur] = formatAmount(amount, cur as Currency);
  const perActivation = activations > 0 ? divideHalfEven(cost, BigInt(activations)) : undefined;
  // Hundredths of a percent: cost / revenue × 100 × 100.
  const share = revenue > 0n ? divideHalfEven(cost * 10_000n, revenue) : undefined;
  return {
    view: {
      cost: formatAmount(cost, currency),
      other_currencies: other,
      activations,
      cost_per_activation:
        perActivation === undefined ? null : formatAmount(perActivation, currency),
      revenue: formatAmount(revenue, currency),
      cost_share_of_revenue_percent: share === undefined ? null : formatHundredths(share),
    },
    cost,
    other: totals,
    activations,
    revenue,
    perActivation,
    share,
  };
}

/** 1234n → "12.34", -5n → "-0.05". */
function formatHundredths(v: bigint): string {
  const negative = v < 0n;
  const abs = (negative ? -v : v).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}

/**
 * Puts the two sides of a backtest next to each other: the ledger's actual cost against
 * the draft's, what each bought (activations, revenue), and who gains or loses how much.
 * Amounts are exact decimal strings; nothing is summed across currencies.
 */
export function summarizeBacktest(f: BacktestFigures): BacktestReport {
  const programId = f.program.id;
  const ledger = byPartner(f.ledger, programId);
  const replayed = f.baselineReplay ? byPartner(f.baselineReplay, programId) : undefined;
  const drafted = byPartner(f.draft.costs, programId);
  const base = side(ledger, f.baselineConversions, programId, f.currency);
  const draft = side(drafted, f.draft.conversions, programId, f.currency);

  const mismatches: BacktestMismatch[] = [];
  for (const k of replayed ? new Set([...ledger.keys(), ...replayed.keys()]) : []) {
    const l = ledger.get(k) ?? 0n;
    const r = replayed?.get(k) ?? 0n;
    if (l === r) continue;
    const [partnerId = '', cur = ''] = k.split('\u001f');
    mismatches.push({
      partner_id: partnerId,
      currency: cur,
      ledger: formatAmount(l, cur as Currency),
      replay: formatAmount(r, cur as Currency),
    });
  }
  mismatches.sort((a, b) =>
    key(a.partner_id, a.currency) < key(b.partner_id, b.currency) ? -1 : 1,
  );

  const rows: (BacktestPartnerRow & { diff: bigint })[] = [];
  for (const k of new Set([...ledger.keys(), ...drafted.keys()])) {
    const b = ledger.get(k) ?? 0n;
    const d = drafted.get(k) ?? 0n;
    if (b === 0n && d === 0n) continue;
    const [partnerId = '', cur = ''] = k.split('\u001f');
    const c = cur as Currency;
    rows.push({
      partner_id: partnerId,
      name: f.partnerNames.get(partnerId) ?? null,
      currency: cur,
      baseline: formatAmount(b, c),
      draft: formatAmount(d, c),
      difference: formatAmount(d - b, c),
      diff: d - b,
    });
  }
  const abs = (v: bigint) => (v < 0n ? -v : v);
  // Amounts of different currencies are not compared: the report currency first, then
  // the others by code, each largest |difference| first.
  const rank = (cur: string) => (cur === f.currency ? '' : cur);
  rows.sort((x, y) => {
    if (x.currency !== y.currency) return rank(x.currency) < rank(y.currency) ? -1 : 1;
    const dx = abs(x.diff);
    const dy = abs(y.diff);
    if (dx !== dy) return dx > dy ? -1 : 1;
    return key(x.partner_id, x.currency) < key(y.partner_id, y.currency) ? -1 : 1;
  });

  const otherDiff: Record<string, string> = {};
  for (const cur of [...new Set([...base.other.keys(), ...draft.other.keys()])].sort())
    otherDiff[cur] = formatAmount(
      (draft.other.get(cur) ?? 0n) - (base.other.get(cur) ?? 0n),
      cur as Currency,
    );

  return {
    program: f.program,
    currency: f.currency,
    period: {
      from: isoDay(f.period.from),
      to: isoDay(f.period.to - 1),
      starts_at: toIso(f.period.from),
      ends_before: toIso(f.period.to),
    },
    draft_version: {
      id: f.draftVersion.id,
      number: f.draftVersion.number,
      effective_from: toIso(f.draftVersion.effectiveFrom),
    },
    baseline: base.view,
    draft: draft.view,
    difference: {
      cost: formatAmount(draft.cost - base.cost, f.currency),
      other_currencies: otherDiff,
      activations: draft.activations - base.activations,
      cost_per_activation:
        base.perActivation === undefined || draft.perActivation === undefined
          ? null
          : formatAmount(draft.perActivation - base.perActivation, f.currency),
      revenue: formatAmount(draft.revenue - base.revenue, f.currency),
      cost_share_of_revenue_percent:
        base.share === undefined || draft.share === undefined
          ? null
          : formatHundredths(draft.share - base.share),
    },
    partners: rows.map(({ diff: _diff, ...row }) => row),
    baseline_replay_matches_ledger: replayed ? mismatches.length === 0 : null,
    mismatches: mismatches.slice(0, 50),
    pending_derivation: f.pendingDerivation,
    warnings: [...f.warnings],
    tiers: f.tiers,
    customers_replayed: f.draft.customers,
    events_replayed: f.draft.events,
    elapsed_ms: f.elapsedMs,
  };
}
