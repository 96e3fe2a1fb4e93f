import { type ChangeList, matchById, quoted, same } from './change-list.js';
import { describeCondition } from './describe-condition.js';
import type { ProgramTermsDocument } from './program-terms.js';

type Rule = ProgramTermsDocument['rewards'][number];
type Duration = NonNullable<Rule['duration']>;

/** What a rule pays: `10.00 USD` or `20% of revenue`. */
function pays(r: Rule, amount: (text: string) => string, currency: string): string {
  return r.flat !== undefined
    ? `${amount(r.flat)} ${currency}`
    : `${r.percent}% of ${r.of ?? 'revenue'}`;
}

/** `12 months from first payment`. */
export function describeDuration(d: Duration): string {
  const span =
    d.months !== undefined
      ? `${d.months} month${d.months === 1 ? '' : 's'}`
      : `${d.days} day${d.days === 1 ? '' : 's'}`;
  return `${span} from ${d.from.replace('_', ' ')}`;
}

/**
 * A rule in one clause:
 * `pays 10.00 USD on activation when customer.side = seller, for 12 months from signup`.
 */
export function describeRule(r: Rule, amount: (text: string) => string, currency: string): string {
  const parts = [
    `pays ${pays(r, amount, currency)} on ${r.event}${r.when ? ` when ${describeCondition(r.when)}` : ''}`,
  ];
  if (r.duration) parts.push(`for ${describeDuration(r.duration)}`);
  if (r.cap_per_customer !== undefined)
    parts.push(`capped at ${amount(r.cap_per_customer)} ${currency} per customer`);
  return parts.join(', ');
}

/**
 * Compares two lists of reward rules by id: the program's rewards
 * (`label` "Reward") or a tier's own (`Tier "gold" reward`).
 */
export function diffRules(
  out: ChangeList,
  base: string,
  label: string,
  before: readonly Rule[],
  after: readonly Rule[],
): void {
  const { added, removed, kept } = matchById(before, after);
  const ruleB = (r: Rule) => describeRule(r, (t) => out.amountBefore(t), out.curBefore);
  const ruleA = (r: Rule) => describeRule(r, (t) => out.amountAfter(t), out.curAfter);
  for (const [b, a] of kept) diffRule(out, `${base}[${a.id}]`, `${label} ${quoted(a.id)}`, b, a);
  for (const r of added)
    out.added(`${base}[${r.id}]`, r, `${label} ${quoted(r.id)} added: ${ruleA(r)}`);
  for (const r of removed)
    out.removed(`${base}[${r.id}]`, r, `${label} ${quoted(r.id)} removed (it ${ruleB(r)})`);
}

function diffRule(out: ChangeList, path: string, label: string, b: Rule, a: Rule): void {
  out.optional(`${path}.name`, b.name, a.name, {
    added: (n) => `${label} named "${n}"`,
    removed: (n) => `${label}: name "${n}" removed`,
    changed: (x, y) => `${label} renamed: "${x}" → "${y}"`,
  });
  if (b.event !== a.event)
    out.changed(`${path}.event`, b.event, a.event, `${label} fires on ${b.event} → ${a.event}`);
  diffPays(out, path, label, b, a);
  out.optional(`${path}.when`, b.when, a.when, {
    added: (c) => `${label} now applies only when ${describeCondition(c)}`,
    removed: (c) => `${label} now applies always (was only when ${describeCondition(c)})`,
    changed: (x, y) =>
      `${label} now applies when ${describeCondition(y)} (was when ${describeCondition(x)})`,
  });
  out.optional(`${path}.duration`, b.duration, a.duration, {
    added: (d) => `${label} now pays only for ${describeDuration(d)}`,
    removed: (d) => `${label} no longer ends (was for ${describeDuration(d)})`,
    changed: (x, y) => `${label}: duration ${describeDuration(x)} → ${describeDuration(y)}`,
  });
  out.optional(
    `${path}.cap_per_customer`,
    b.cap_per_customer,
    a.cap_per_customer,
    {
      added: (c) => `${label}: cap per customer added: ${out.amountAfter(c)} ${out.curAfter}`,
      removed: (c) =>
        `${label}: cap per customer removed (was ${out.amountBefore(c)} ${out.curBefore})`,
      changed: (x, y) => `${label}: cap per customer ${out.moneyChange(x, y)}`,
    },
    (x, y) => out.sameAmount(x, y),
  );
}

/**
 * Flat amount, percentage and its base are one payout: a change of only the
 * amount or only the rate names that field; anything else (flat to percent,
 * revenue to gross) is one change of the payout, so it reads as one sentence.
 */
function diffPays(out: ChangeList, path: string, label: string, b: Rule, a: Rule): void {
  if (b.flat !== undefined && a.flat !== undefined) {
    if (!out.sameAmount(b.flat, a.flat))
      out.changed(
        `${path}.flat`,
        b.flat,
        a.flat,
        `${label}: flat ${out.moneyChange(b.flat, a.flat)}`,
      );
    return;
  }
  if (
    b.percent !== undefined &&
    a.percent !== undefined &&
    (b.of ?? 'revenue') === (a.of ?? 'revenue')
  ) {
    if (b.percent !== a.percent)
      out.changed(
        `${path}.percent`,
        b.percent,
        a.percent,
        `${label}: percent ${b.percent}% → ${a.percent}%`,
      );
    return;
  }
  const payout = (r: Rule) =>
    r.flat !== undefined ? { flat: r.flat } : { percent: r.percent, of: r.of ?? 'revenue' };
  if (same(payout(b), payout(a))) return;
  out.changed(
    path,
    payout(b),
    payout(a),
    `${label}: pays ${pays(b, (t) => out.amountBefore(t), out.curBefore)} → ${pays(a, (t) => out.amountAfter(t), out.curAfter)}`,
  );
}
