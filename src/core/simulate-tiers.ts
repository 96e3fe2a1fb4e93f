import type { Currency } from './currency.js';
import type { MetricConversion, MetricName } from './metrics.js';
import { decideTier, highestQualified, type Requirement, type TierState } from './tiers.js';
import { DAY_MS } from './time.js';

/**
 * A requirement's metric over a window that slides forward: conversions enter
 * as the window's end passes them and leave as its start does, so a whole
 * simulation costs one pass over a partner's conversions per requirement.
 * Calls to `at` must not go back in time.
 */
class SlidingMetric {
  #enter = 0;
  #leave = 0;
  #sum = 0n;
  readonly #customers = new Map<string, number>();
  constructor(
    private readonly metric: MetricName,
    private readonly windowMs: number,
    private readonly sorted: readonly MetricConversion[],
    private readonly currency: Currency,
  ) {}

  at(t: number): bigint {
    while (
      this.#enter < this.sorted.length &&
      (this.sorted[this.#enter] as MetricConversion).occurredAt < t
    )
      this.#apply(this.sorted[this.#enter++] as MetricConversion, 1);
    while (
      this.#leave < this.#enter &&
      (this.sorted[this.#leave] as MetricConversion).occurredAt < t - this.windowMs
    )
      this.#apply(this.sorted[this.#leave++] as MetricConversion, -1);
    return this.metric === 'active_customers' ? BigInt(this.#customers.size) : this.#sum;
  }

  #apply(c: MetricConversion, sign: 1 | -1): void {
    switch (this.metric) {
      case 'referred_revenue':
        if (c.currency === this.currency) this.#sum += sign > 0 ? c.revenue : -c.revenue;
        break;
      case 'active_customers': {
        if (c.type !== 'payment') break;
        const n = (this.#customers.get(c.customerId) ?? 0) + sign;
        if (n === 0) this.#customers.delete(c.customerId);
        else this.#customers.set(c.customerId, n);
        break;
      }
      default:
        if (`${c.type}s` === this.metric) this.#sum += BigInt(sign);
    }
  }
}

/**
 * What tier evaluations on a schedule would have decided over [start, end)
 * under other tier levels: each partner starts from the tier it held at
 * `start` and is evaluated every `everyMs` (daily by default) with the same
 * hysteresis rule the live evaluation applies. Returns each partner's changes
 * in time order. Pure; for the backtest of draft terms.
 */
export function simulateTiers(input: {
  levels: readonly { id: string; requires: readonly Requirement[] }[];
  graceDays: number;
  currency: Currency;
  conversions: ReadonlyMap<string, readonly MetricConversion[]>;
  /** The tier each partner held at `start` (absent: none). */
  initial: ReadonlyMap<string, string | null>;
  start: number;
  end: number;
  everyMs?: number;
}): Map<string, { at: number; tier: string | null }[]> {
  const every = input.everyMs ?? DAY_MS;
  const out = new Map<string, { at: number; tier: string | null }[]>();
  const partners = new Set([...input.conversions.keys(), ...input.initial.keys()]);
  for (const partnerId of [...partners].sort()) {
    const sorted = [...(input.conversions.get(partnerId) ?? [])].sort(
      (a, b) => a.occurredAt - b.occurredAt,
    );
    const sliders = new Map<string, SlidingMetric>();
    const slider = (r: Requirement) => {
      const k = `${r.metric}/${r.windowDays}`;
      let s = sliders.get(k);
      if (!s) {
        s = new SlidingMetric(r.metric, r.windowDays * DAY_MS, sorted, input.currency);
        sliders.set(k, s);
      }
      return s;
    };
    let state: TierState = {
      tier: input.initial.get(partnerId) ?? null,
      since: input.start,
      belowSince: null,
    };
    const changes: { at: number; tier: string | null }[] = [];
    for (let t = input.start; t < input.end; t += every) {
      // Every requirement is measured at every instant: the sliders only move forward.
      const values = new Map<Requirement, bigint>();
      for (const l of input.levels) for (const r of l.requires) values.set(r, slider(r).at(t));
      const qualified = highestQualified(input.levels, (r) => values.get(r) ?? 0n);
      const decision = decideTier(input.levels, input.graceDays, state, qualified, t);
      state = decision.state;
      if (decision.change) changes.push({ at: t, tier: decision.change.to });
    }
    if (changes.length) out.set(partnerId, changes);
  }
  return out;
}
