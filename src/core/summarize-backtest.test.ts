import { describe, expect, it } from 'vitest';
import { backtestCsv } from './backtest-csv.js';
import { currency } from './money.js';
import type { ConversionTotal, CostTotal, ReplayResult } from './replay.js';
import { type BacktestFigures, summarizeBacktest } from './summarize-backtest.js';

const USD = currency('USD');
const EUR = currency('EUR');
const P = 'prg_p';
const cost = (partnerId: string, amount: bigint, cur = USD): CostTotal => ({
  programId: P,
  partnerId,
  currency: cur,
  amount,
});
const conv = (
  partnerId: string,
  type: ConversionTotal['type'],
  count: number,
  revenue: bigint,
): ConversionTotal => ({ programId: P, partnerId, type, currency: USD, count, revenue });
const result = (costs: CostTotal[], conversions: ConversionTotal[] = []): ReplayResult => ({
  costs,
  conversions,
  customers: 3,
  events: 9,
});

function figures(over: Partial<BacktestFigures> = {}): BacktestFigures {
  const ledger = [cost('a', 10000n), cost('b', 5000n), cost('b', 700n, EUR)];
  const conversions = [conv('a', 'activation', 2, 0n), conv('a', 'payment', 3, 40000n)];
  return {
    program: { id: P, key: 'p' },
    currency: USD,
    period: { from: Date.parse('2026-01-01'), to: Date.parse('2026-02-01') },
    draftVersion: { id: 'draft', number: 2, effectiveFrom: Date.parse('2026-01-01') },
    ledger,
    baselineConversions: conversions,
    baselineReplay: ledger,
    draft: result(
      [cost('a', 9000n), cost('b', 8000n), cost('c', 1n), cost('b', 500n, EUR)],
      [...conversions, conv('c', 'activation', 1, 0n)],
    ),
    partnerNames: new Map([['a', '=HYPERLINK("x")']]),
    pendingDerivation: 0,
    warnings: [],
    tiers: 'recorded',
    elapsedMs: 12,
    ...over,
  };
}

describe('summarizeBacktest', () => {
  it('puts the sides next to each other, never summing currencies', () => {
    const r = summarizeBacktest(figures());
    expect(r.baseline).toEqual({
      cost: '150.00',
      other_currencies: { EUR: '7.00' },
      activations: 2,
      cost_per_activation: '75.00',
      revenue: '400.00',
      cost_share_of_revenue_percent: '37.50',
    });
    expect(r.draft).toMatchObject({
      cost: '170.01',
      activations: 3,
      cost_per_activation: '56.67',
      cost_share_of_revenue_percent: '42.50',
    });
    expect(r.difference).toEqual({
      cost: '20.01',
      other_currencies: { EUR: '-2.00' },
      activations: 1,
      cost_per_activation: '-18.33',
      revenue: '0.00',
      cost_share_of_revenue_percent: '5.00',
    });
    expect(r.period).toMatchObject({ from: '2026-01-01', to: '2026-01-31' });
  });

  it('lists partners in the report currency first, largest difference first', () => {
    const r = summarizeBacktest(figures());
    expect(r.partners.map((p) => [p.partner_id, p.currency, p.difference])).toEqual([
      ['b', 'USD', '30.00'],
      ['a', 'USD', '-10.00'],
      ['c', 'USD', '0.01'],
      ['b', 'EUR', '-2.00'],
    ]);
  });

  it('reports where the replay of the published terms differs from the ledger', () => {
    expect(summarizeBacktest(figures()).baseline_replay_matches_ledger).toBe(true);
    const off = summarizeBacktest(
      figures({ baselineReplay: [cost('a', 10001n), cost('b', 5000n)] }),
    );
    expect(off.baseline_replay_matches_ledger).toBe(false);
    expect(off.mismatches).toEqual([
      { partner_id: 'a', currency: 'USD', ledger: '100.00', replay: '100.01' },
      { partner_id: 'b', currency: 'EUR', ledger: '7.00', replay: '0.00' },
    ]);
    const unchecked = summarizeBacktest(figures({ baselineReplay: undefined }));
    expect(unchecked.baseline_replay_matches_ledger).toBeNull();
    expect(unchecked.mismatches).toEqual([]);
  });

  it('has no per-activation or share figures without activations or revenue', () => {
    const r = summarizeBacktest(figures({ baselineConversions: [], draft: result([]) }));
    expect(r.baseline.cost_per_activation).toBeNull();
    expect(r.baseline.cost_share_of_revenue_percent).toBeNull();
    expect(r.difference.cost_per_activation).toBeNull();
  });
});

describe('backtestCsv', () => {
  it('is one rectangular table; names are defused, negative amounts stay numbers', () => {
    const csv = backtestCsv(summarizeBacktest(figures()));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'section,partner_id,partner_name,currency,metric,baseline,draft,difference',
    );
    expect(lines).toContain('summary,,,USD,cost,150.00,170.01,20.01');
    expect(lines).toContain('summary,,,EUR,cost,7.00,5.00,-2.00');
    expect(lines).toContain('summary,,,USD,cost_per_activation,75.00,56.67,-18.33');
    expect(lines).toContain(`partner,a,"'=HYPERLINK(""x"")",USD,cost,100.00,90.00,-10.00`);
    expect(lines.filter((l) => l).every((l) => l.split(',').length >= 8)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
