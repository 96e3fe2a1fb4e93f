import type { Currency } from './currency.js';
import { convert, type FxRate, invert, parseRate, type Rate } from './fx.js';
import { formatAmount } from './money.js';

/** Why a partner with a balance is not paid in a run; the balance waits for the next one. */
export const holdReasons = [
  'partner_not_active',
  'no_payout_method',
  'payout_details_incomplete',
  'tax_info_missing',
  'fx_rate_missing',
  'negative_balance',
  'below_minimum',
] as const;
export type HoldReason = (typeof holdReasons)[number];

export interface Hold {
  reason: HoldReason;
  detail: string;
}

/** One currency of the claimed balance and what it became in the payout currency. */
export interface PayoutSource {
  currency: Currency;
  amount: bigint;
  converted: bigint;
  /** The rate used (absent when no conversion was needed). */
  rate?: {
    id: string;
    base: Currency;
    quote: Currency;
    rate: string;
    as_of: number;
    inverted: boolean;
  };
}

export interface PlanInput {
  /** The partner's available balance in the program, per currency (zero entries ignored). */
  balances: readonly { currency: Currency; amount: bigint }[];
  payoutCurrency: Currency;
  minimum: { amount: bigint; currency: Currency };
  /** The latest rate from → to, or to → from (used inverted); undefined when none is known. */
  rateFor: (from: Currency, to: Currency) => FxRate | undefined;
  /** Holds found by the caller (partner status, payout profile, tax details). */
  holds: readonly Hold[];
}

export type PayoutPlan =
  | { kind: 'pay'; amount: bigint; currency: Currency; sources: PayoutSource[] }
  | ({ kind: 'hold' } & Hold)
  | { kind: 'nothing' };

/**
 * Decides what one partner is paid in a run. Every currency of the available
 * balance is claimed, negative ones included, so a clawback in one currency
 * is netted against earnings in another; each is converted on its own and
 * rounded once (half-even). The partner is held — nothing claimed — when a
 * rate is missing, the net is not positive, a hold applies, or the net is
 * below the minimum (converted at the same table when currencies differ).
 * Pure: the caller loads balances, rates and holds.
 */
export function planPayout(input: PlanInput): PayoutPlan {
  const to = input.payoutCurrency;
  const balances = input.balances.filter((b) => b.amount !== 0n);
  if (balances.length === 0) return { kind: 'nothing' };
  const sources: PayoutSource[] = [];
  for (const b of balances) {
    if (b.currency === to) {
      sources.push({ currency: b.currency, amount: b.amount, converted: b.amount });
      continue;
    }
    const r = rateBetween(input.rateFor, b.currency, to);
    if (!r) return hold('fx_rate_missing', `no ${b.currency}→${to} rate in the FX table`);
    sources.push({
      currency: b.currency,
      amount: b.amount,
      converted: convert(b.amount, b.currency, to, r.rate),
      rate: r.ref,
    });
  }
  sources.sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
  const amount = sources.reduce((s, x) => s + x.converted, 0n);
  if (amount <= 0n)
    return hold(
      'negative_balance',
      `the balance nets to ${formatAmount(amount, to)} ${to}: clawbacks are recovered from future earnings first`,
    );
  const [first] = input.holds;
  if (first) return { kind: 'hold', ...first };
  let minimum = input.minimum.amount;
  if (input.minimum.currency !== to && minimum > 0n) {
    const r = rateBetween(input.rateFor, input.minimum.currency, to);
    if (!r)
      return hold('fx_rate_missing', `no ${input.minimum.currency}→${to} rate for the minimum`);
    minimum = convert(minimum, input.minimum.currency, to, r.rate);
  }
  if (amount < minimum)
    return hold(
      'below_minimum',
      `${formatAmount(amount, to)} ${to} is below the minimum of ${formatAmount(minimum, to)} ${to}; it carries forward`,
    );
  return { kind: 'pay', amount, currency: to, sources };
}

function hold(reason: HoldReason, detail: string): PayoutPlan {
  return { kind: 'hold', reason, detail };
}

function rateBetween(
  rateFor: PlanInput['rateFor'],
  from: Currency,
  to: Currency,
): { rate: Rate; ref: NonNullable<PayoutSource['rate']> } | undefined {
  const direct = rateFor(from, to);
  const found = direct ?? rateFor(to, from);
  if (!found) return undefined;
  const parsed = parseRate(found.rate);
  if (!parsed) return undefined;
  const inverted = direct === undefined;
  return {
    rate: inverted ? invert(parsed) : parsed,
    ref: {
      id: found.id,
      base: found.base,
      quote: found.quote,
      rate: found.rate,
      as_of: found.asOf,
      inverted,
    },
  };
}
