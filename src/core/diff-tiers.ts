import {
  type ChangeList,
  matchById,
  plural,
  quoted,
  reordered,
  same,
  times,
} from './change-list.js';
import { diffRules } from './diff-rules.js';
import { amountMetrics } from './metrics.js';
import type { ProgramTermsDocument } from './program-terms.js';

type Tiers = NonNullable<ProgramTermsDocument['tiers']>;
type Level = Tiers['levels'][number];
type Requirement = Level['requires'][number];

/**
 * Compares the tier sections of two versions: the grace period, the levels
 * by id (and their order, which ranks them), and each level's requirements,
 * multiplier, own rewards and benefits.
 */
export function diffTiers(out: ChangeList, before: Tiers | undefined, after: Tiers | undefined) {
  if (!before && !after) return;
  if (!before) {
    const t = after as Tiers;
    out.added(
      'tiers',
      t,
      `Tiers added (lowest first): ${t.levels.map((l) => l.id).join(', ')}; a partner keeps a tier ${plural(t.grace_days, 'day')} after falling below it`,
    );
    for (const l of t.levels)
      out.added(`tiers.levels[${l.id}]`, l, `Tier ${quoted(l.id)} added: ${describeLevel(l, out)}`);
    return;
  }
  if (!after) {
    out.removed(
      'tiers',
      before,
      `Tiers removed (were ${before.levels.map((l) => l.id).join(', ')}): partners lose their tier multipliers, rewards and benefits`,
    );
    return;
  }
  if (before.grace_days !== after.grace_days)
    out.changed(
      'tiers.grace_days',
      before.grace_days,
      after.grace_days,
      `Tier grace period ${before.grace_days} → ${plural(after.grace_days, 'day')}`,
    );
  const idsB = before.levels.map((l) => l.id);
  const idsA = after.levels.map((l) => l.id);
  // Order ranks the levels (lowest first), so here a move is a change.
  if (reordered(idsB, idsA))
    out.changed(
      'tiers.levels',
      idsB,
      idsA,
      `Tier levels reordered (lowest first): ${idsB.join(', ')} → ${idsA.join(', ')}`,
    );
  const { added, removed, kept } = matchById(before.levels, after.levels);
  for (const [b, a] of kept) diffLevel(out, b, a);
  for (const l of added)
    out.added(`tiers.levels[${l.id}]`, l, `Tier ${quoted(l.id)} added: ${describeLevel(l, out)}`);
  for (const l of removed) out.removed(`tiers.levels[${l.id}]`, l, `Tier ${quoted(l.id)} removed`);
}

function describeLevel(l: Level, out: ChangeList): string {
  const parts = [
    l.requires.length
      ? `requires ${l.requires.map((r) => describeRequirement(r, (t) => out.amountAfter(t))).join(' and ')}`
      : 'requires nothing',
  ];
  if (l.multiplier !== undefined) parts.push(`multiplies rates ${times(l.multiplier)}`);
  if (l.rewards) parts.push(`own rewards ${l.rewards.map((r) => r.id).join(', ') || '(none)'}`);
  if (l.benefits.length) parts.push(`benefits ${l.benefits.join(', ')}`);
  return parts.join('; ');
}

/** `referred_revenue ≥ 25000.00 over 90 days`. */
function describeRequirement(r: Requirement, amount: (text: string) => string): string {
  return `${r.metric} ≥ ${threshold(r, amount)} over ${plural(r.window_days, 'day')}`;
}

function threshold(r: Requirement, amount: (text: string) => string): string {
  return amountMetrics.has(r.metric) && typeof r.at_least === 'string'
    ? amount(r.at_least)
    : String(r.at_least);
}

function diffLevel(out: ChangeList, b: Level, a: Level): void {
  const path = `tiers.levels[${a.id}]`;
  const label = `Tier ${quoted(a.id)}`;
  out.optional(`${path}.name`, b.name, a.name, {
    added: (n) => `${label} named "${n}"`,
    removed: (n) => `${label}: name "${n}" removed`,
    changed: (x, y) => `${label} renamed: "${x}" → "${y}"`,
  });
  diffRequirements(out, path, label, b.requires, a.requires);
  out.optional(`${path}.multiplier`, b.multiplier, a.multiplier, {
    added: (m) => `${label} now multiplies rates ${times(m)}`,
    removed: (m) => `${label} no longer multiplies rates (was ${times(m)})`,
    changed: (x, y) => `${label}: rates ${times(x)} → ${times(y)}`,
  });
  if (b.rewards && a.rewards)
    diffRules(out, `${path}.rewards`, `${label} reward`, b.rewards, a.rewards);
  else if (a.rewards)
    out.added(
      `${path}.rewards`,
      a.rewards,
      `${label} now replaces the program's rewards with its own: ${a.rewards.map((r) => r.id).join(', ') || '(none)'}`,
    );
  else if (b.rewards)
    out.removed(
      `${path}.rewards`,
      b.rewards,
      `${label} no longer has its own rewards (the program's apply)`,
    );
  const benefitsA = new Set(a.benefits);
  const benefitsB = new Set(b.benefits);
  for (const id of a.benefits)
    if (!benefitsB.has(id))
      out.added(`${path}.benefits[${id}]`, id, `${label} now grants benefit ${quoted(id)}`);
  for (const id of b.benefits)
    if (!benefitsA.has(id))
      out.removed(`${path}.benefits[${id}]`, id, `${label} no longer grants benefit ${quoted(id)}`);
}

/**
 * Requirements have no ids: they are matched by metric and window, then a
 * leftover pair on the same metric is one change ("over 60 days, was over 90").
 */
function diffRequirements(
  out: ChangeList,
  path: string,
  label: string,
  before: readonly Requirement[],
  after: readonly Requirement[],
): void {
  const key = (r: Requirement) => `${r.metric}/${r.window_days}`;
  const thB = (r: Requirement) => threshold(r, (t) => out.amountBefore(t));
  const describeA = (r: Requirement) => describeRequirement(r, (t) => out.amountAfter(t));
  const describeB = (r: Requirement) => describeRequirement(r, (t) => out.amountBefore(t));
  const leftB = [...before];
  const leftA: Requirement[] = [];
  for (const r of after) {
    const i = leftB.findIndex((x) => key(x) === key(r));
    if (i < 0) {
      leftA.push(r);
      continue;
    }
    const [b] = leftB.splice(i, 1) as [Requirement];
    const equal = amountMetrics.has(r.metric)
      ? out.sameAmount(String(b.at_least), String(r.at_least))
      : same(b.at_least, r.at_least);
    if (!equal)
      out.changed(
        `${path}.requires[${r.metric}]`,
        b,
        r,
        `${label} now requires ${describeA(r)} (was ${thB(b)})`,
      );
  }
  for (const r of leftA) {
    const i = leftB.findIndex((x) => x.metric === r.metric);
    if (i >= 0) {
      const [b] = leftB.splice(i, 1) as [Requirement];
      out.changed(
        `${path}.requires[${r.metric}]`,
        b,
        r,
        `${label} now requires ${describeA(r)} (was ${thB(b)} over ${plural(b.window_days, 'day')})`,
      );
    } else
      out.added(`${path}.requires[${r.metric}]`, r, `${label} now also requires ${describeA(r)}`);
  }
  for (const b of leftB)
    out.removed(`${path}.requires[${b.metric}]`, b, `${label} no longer requires ${describeB(b)}`);
}
