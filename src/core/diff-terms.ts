import { ChangeList, matchById, plural, quoted, same, type TermsChange } from './change-list.js';
import { diffAccelerators, diffStacking } from './diff-accelerators.js';
import { diffIntegrations } from './diff-integrations.js';
import { diffPayouts } from './diff-payouts.js';
import { diffRules } from './diff-rules.js';
import { diffTiers } from './diff-tiers.js';
import { amountMetrics } from './metrics.js';
import type { ProgramTermsDocument } from './program-terms.js';

export type { TermsChange } from './change-list.js';

type Doc = ProgramTermsDocument;
type Benefit = Doc['benefits'][number];
type Bonus = Doc['bonuses'][number];

/**
 * The differences between two versions' terms, in plain terms, section by
 * section in the order of the schema. Lists of things with ids are matched
 * by id, so moving a rule is not a change; a move is reported only where
 * order has a meaning (tier levels, attribution priority, stacking order).
 * Identical documents give an empty list.
 *
 * @example
 * diffTerms(v1, v2).map((c) => c.summary)
 * // ['Hold period 30 → 45 days', 'Reward "first-year-revenue": percent 20% → 25%']
 */
export function diffTerms(
  before: ProgramTermsDocument,
  after: ProgramTermsDocument,
): TermsChange[] {
  const out = new ChangeList(before.currency, after.currency);
  for (const section of sections) section.diff(out, before, after);
  // A field added to the schema without a section here is still reported, if
  // only generically, rather than silently left out of the diff.
  const known = new Set<string>(sections.map((s) => s.key));
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of [...keys].sort()) {
    if (known.has(key)) continue;
    const b = (before as Record<string, unknown>)[key];
    const a = (after as Record<string, unknown>)[key];
    out.optional(key, b, a, {
      added: () => `${key} added`,
      removed: () => `${key} removed`,
      changed: () => `${key} changed`,
    });
  }
  return out.changes;
}

interface Section {
  key: keyof Doc;
  diff(out: ChangeList, before: Doc, after: Doc): void;
}

/** Every top-level field of the terms, each compared by its own rules. */
export const sections: readonly Section[] = [
  {
    key: 'currency',
    diff: (out, b, a) => {
      if (b.currency !== a.currency)
        out.changed('currency', b.currency, a.currency, `Currency ${b.currency} → ${a.currency}`);
    },
  },
  { key: 'attribution', diff: (out, b, a) => diffAttribution(out, b.attribution, a.attribution) },
  {
    key: 'hold_days',
    diff: (out, b, a) => {
      if (b.hold_days !== a.hold_days)
        out.changed(
          'hold_days',
          b.hold_days,
          a.hold_days,
          `Hold period ${b.hold_days} → ${plural(a.hold_days, 'day')}`,
        );
    },
  },
  {
    key: 'links',
    diff: (out, b, a) => {
      const before = b.links?.destinations ?? [];
      const after = a.links?.destinations ?? [];
      if (before.join(' ') !== after.join(' '))
        out.changed(
          'links.destinations',
          b.links?.destinations,
          a.links?.destinations,
          `Tracking links may point to ${before.length ? before.join(', ') : 'any address'} → ${after.length ? after.join(', ') : 'any address'}`,
        );
    },
  },
  {
    key: 'rewards',
    diff: (out, b, a) => diffRules(out, 'rewards', 'Reward', b.rewards, a.rewards),
  },
  {
    key: 'caps',
    diff: (out, b, a) =>
      out.optional(
        'caps.per_partner_per_month',
        b.caps?.per_partner_per_month,
        a.caps?.per_partner_per_month,
        {
          added: (c) => `Monthly partner cap added: ${out.amountAfter(c)} ${out.curAfter}`,
          removed: (c) =>
            `Monthly partner cap removed (was ${out.amountBefore(c)} ${out.curBefore})`,
          changed: (x, y) => `Monthly partner cap ${out.moneyChange(x, y)}`,
        },
        (x, y) => out.sameAmount(x, y),
      ),
  },
  {
    key: 'notice_days',
    diff: (out, b, a) => {
      if (b.notice_days !== a.notice_days)
        out.changed(
          'notice_days',
          b.notice_days,
          a.notice_days,
          `Notice period for new versions ${b.notice_days} → ${plural(a.notice_days, 'day')}`,
        );
    },
  },
  { key: 'benefits', diff: (out, b, a) => diffBenefits(out, b.benefits, a.benefits) },
  { key: 'tiers', diff: (out, b, a) => diffTiers(out, b.tiers, a.tiers) },
  {
    key: 'accelerators',
    diff: (out, b, a) => diffAccelerators(out, b.accelerators, a.accelerators),
  },
  { key: 'stacking', diff: (out, b, a) => diffStacking(out, b.stacking, a.stacking) },
  { key: 'bonuses', diff: (out, b, a) => diffBonuses(out, b.bonuses, a.bonuses) },
  { key: 'budget', diff: (out, b, a) => diffBudget(out, b.budget, a.budget) },
  {
    key: 'margin_guard',
    diff: (out, b, a) => diffMarginGuard(out, b.margin_guard, a.margin_guard),
  },
  { key: 'payouts', diff: (out, b, a) => diffPayouts(out, b.payouts, a.payouts) },
  {
    key: 'integrations',
    diff: (out, b, a) => diffIntegrations(out, b.integrations, a.integrations),
  },
];

const spaced = (s: string) => s.replace('_', ' ');

function diffAttribution(out: ChangeList, b: Doc['attribution'], a: Doc['attribution']): void {
  if (b.model !== a.model)
    out.changed(
      'attribution.model',
      b.model,
      a.model,
      `Attribution model ${spaced(b.model)} → ${spaced(a.model)}`,
    );
  if (b.window_days !== a.window_days)
    out.changed(
      'attribution.window_days',
      b.window_days,
      a.window_days,
      `Attribution window ${b.window_days} → ${plural(a.window_days, 'day')}`,
    );
  if (same(b.priority, a.priority)) return;
  // Priority is an order: the first kind with a touch wins, a kind left out never attributes.
  const dropped = b.priority.filter((k) => !a.priority.includes(k));
  const gained = a.priority.filter((k) => !b.priority.includes(k));
  const notes = [
    ...dropped.map((k) => `${k} no longer attributes`),
    ...gained.map((k) => `${k} now attributes`),
  ];
  out.changed(
    'attribution.priority',
    b.priority,
    a.priority,
    `Attribution priority ${notes.length ? '' : 'reordered: '}${b.priority.join(' > ')} → ${a.priority.join(' > ')}${notes.length ? ` (${notes.join(', ')})` : ''}`,
  );
}

function allowanceText(
  al: NonNullable<Benefit['allowance']>,
  amount: (t: string) => string,
  cur: string,
) {
  return `${al.amount !== undefined ? `${amount(al.amount)} ${cur}` : al.count} per ${al.per}`;
}

function diffBenefits(
  out: ChangeList,
  before: readonly Benefit[],
  after: readonly Benefit[],
): void {
  const { added, removed, kept } = matchById(before, after);
  const allowanceA = (al: NonNullable<Benefit['allowance']>) =>
    allowanceText(al, (t) => out.amountAfter(t), out.curAfter);
  const allowanceB = (al: NonNullable<Benefit['allowance']>) =>
    allowanceText(al, (t) => out.amountBefore(t), out.curBefore);
  for (const [b, a] of kept) {
    const path = `benefits[${a.id}]`;
    const label = `Benefit ${quoted(a.id)}`;
    if (b.name !== a.name)
      out.changed(`${path}.name`, b.name, a.name, `${label} renamed: "${b.name}" → "${a.name}"`);
    out.optional(`${path}.description`, b.description, a.description, {
      added: () => `${label}: description added`,
      removed: () => `${label}: description removed`,
      changed: () => `${label}: description changed`,
    });
    out.optional(
      `${path}.allowance`,
      b.allowance,
      a.allowance,
      {
        added: (x) => `${label} now comes with an allowance of ${allowanceA(x)}`,
        removed: (x) => `${label} no longer comes with an allowance (was ${allowanceB(x)})`,
        changed: (x, y) => `${label}: allowance ${allowanceB(x)} → ${allowanceA(y)}`,
      },
      (x, y) => allowanceB(x) === allowanceA(y) && out.curBefore === out.curAfter,
    );
  }
  for (const x of added)
    out.added(
      `benefits[${x.id}]`,
      x,
      `Benefit ${quoted(x.id)} added: ${x.name}${x.allowance ? `, allowance ${allowanceA(x.allowance)}` : ''}`,
    );
  for (const x of removed)
    out.removed(`benefits[${x.id}]`, x, `Benefit ${quoted(x.id)} removed (${x.name})`);
}

/** `500.00 USD at activations ≥ 50, 1200.00 USD at activations ≥ 100 per month`. */
function describeBonus(b: Bonus, amount: (t: string) => string, cur: string): string {
  const target = (v: string | number) =>
    amountMetrics.has(b.metric) && typeof v === 'string' ? amount(v) : String(v);
  const steps = b.steps.map(
    (s) => `${amount(s.pays)} ${cur} at ${b.metric} ≥ ${target(s.at_least)}`,
  );
  return `${steps.join(', ')} per ${b.period}`;
}

function diffBonuses(out: ChangeList, before: readonly Bonus[], after: readonly Bonus[]): void {
  const { added, removed, kept } = matchById(before, after);
  const bonusA = (x: Bonus) => describeBonus(x, (t) => out.amountAfter(t), out.curAfter);
  const bonusB = (x: Bonus) => describeBonus(x, (t) => out.amountBefore(t), out.curBefore);
  for (const [b, a] of kept) {
    const path = `bonuses[${a.id}]`;
    const label = `Bonus ${quoted(a.id)}`;
    out.optional(`${path}.name`, b.name, a.name, {
      added: (n) => `${label} named "${n}"`,
      removed: (n) => `${label}: name "${n}" removed`,
      changed: (x, y) => `${label} renamed: "${x}" → "${y}"`,
    });
    // Metric, period and steps are one offer: it reads best as before → after whole.
    if (bonusB(b) !== bonusA(a) || out.curBefore !== out.curAfter) {
      const offer = (x: Bonus) => ({ metric: x.metric, period: x.period, steps: x.steps });
      out.changed(path, offer(b), offer(a), `${label}: pays ${bonusB(b)} → ${bonusA(a)}`);
    }
  }
  for (const x of added)
    out.added(`bonuses[${x.id}]`, x, `Bonus ${quoted(x.id)} added: pays ${bonusA(x)}`);
  for (const x of removed)
    out.removed(`bonuses[${x.id}]`, x, `Bonus ${quoted(x.id)} removed (paid ${bonusB(x)})`);
}

const percents = (l: readonly number[]) => l.map((p) => `${p}%`).join(', ');

function diffBudget(out: ChangeList, b: Doc['budget'], a: Doc['budget']): void {
  if (!a) {
    if (b)
      out.removed(
        'budget',
        b,
        `Monthly budget removed (was ${out.amountBefore(b.monthly)} ${out.curBefore})`,
      );
    return;
  }
  if (!b) {
    out.added(
      'budget',
      a,
      `Monthly budget added: ${out.amountAfter(a.monthly)} ${out.curAfter}; when it runs out: ${a.when_exhausted}`,
    );
    return;
  }
  if (!out.sameAmount(b.monthly, a.monthly))
    out.changed(
      'budget.monthly',
      b.monthly,
      a.monthly,
      `Monthly budget ${out.moneyChange(b.monthly, a.monthly)}`,
    );
  if (b.when_exhausted !== a.when_exhausted)
    out.changed(
      'budget.when_exhausted',
      b.when_exhausted,
      a.when_exhausted,
      `When the budget runs out: ${b.when_exhausted} → ${a.when_exhausted}`,
    );
  if (!same(b.alerts_at, a.alerts_at))
    out.changed(
      'budget.alerts_at',
      b.alerts_at,
      a.alerts_at,
      `Budget alerts at ${percents(b.alerts_at)} → ${percents(a.alerts_at)}`,
    );
  // budget.currency can only repeat the program currency, whose change is reported once.
}

function diffMarginGuard(out: ChangeList, b: Doc['margin_guard'], a: Doc['margin_guard']): void {
  if (!a) {
    if (b)
      out.removed(
        'margin_guard',
        b,
        `Margin guard removed (was at most ${b.max_percent}% of attributed revenue)`,
      );
    return;
  }
  if (!b) {
    out.added(
      'margin_guard',
      a,
      `Margin guard added: incentive cost at most ${a.max_percent}% of attributed revenue`,
    );
    return;
  }
  if (b.max_percent !== a.max_percent)
    out.changed(
      'margin_guard.max_percent',
      b.max_percent,
      a.max_percent,
      `Margin guard ceiling ${b.max_percent}% → ${a.max_percent}% of attributed revenue`,
    );
  if (!same(b.alerts_at, a.alerts_at))
    out.changed(
      'margin_guard.alerts_at',
      b.alerts_at,
      a.alerts_at,
      `Margin guard alerts at ${percents(b.alerts_at)} → ${percents(a.alerts_at)}`,
    );
}
