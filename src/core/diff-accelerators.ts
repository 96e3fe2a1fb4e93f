import { type ChangeList, matchById, quoted, same, times } from './change-list.js';
import { describeCondition } from './describe-condition.js';
import type { ProgramTermsDocument } from './program-terms.js';
import { parseInstant } from './time.js';

type Accelerator = ProgramTermsDocument['accelerators'][number];
type Stacking = NonNullable<ProgramTermsDocument['stacking']>;

/** `×1.5 from 2026-10-01 to 2027-01-01 when customer.country in [JP, SG] on rules a, b`. */
function describeAccelerator(a: Accelerator): string {
  let s = `${times(a.multiplier)} from ${a.from} to ${a.to}`;
  if (a.when) s += ` when ${describeCondition(a.when)}`;
  if (a.rules) s += ` on rules ${a.rules.join(', ')}`;
  return s;
}

const rulesText = (rules: readonly string[] | undefined) =>
  rules ? `rules ${rules.join(', ')}` : 'all rules';

/** Compares accelerators by id; dates compare as instants, so `2026-10-01` equals `2026-10-01T00:00Z`. */
export function diffAccelerators(
  out: ChangeList,
  before: readonly Accelerator[],
  after: readonly Accelerator[],
): void {
  const { added, removed, kept } = matchById(before, after);
  for (const [b, a] of kept) {
    const path = `accelerators[${a.id}]`;
    const label = `Accelerator ${quoted(a.id)}`;
    out.optional(`${path}.name`, b.name, a.name, {
      added: (n) => `${label} named "${n}"`,
      removed: (n) => `${label}: name "${n}" removed`,
      changed: (x, y) => `${label} renamed: "${x}" → "${y}"`,
    });
    if (b.multiplier !== a.multiplier)
      out.changed(
        `${path}.multiplier`,
        b.multiplier,
        a.multiplier,
        `${label}: ${times(b.multiplier)} → ${times(a.multiplier)}`,
      );
    if (parseInstant(b.from) !== parseInstant(a.from))
      out.changed(`${path}.from`, b.from, a.from, `${label} now starts ${a.from} (was ${b.from})`);
    if (parseInstant(b.to) !== parseInstant(a.to))
      out.changed(`${path}.to`, b.to, a.to, `${label} now ends ${a.to} (was ${b.to})`);
    out.optional(`${path}.when`, b.when, a.when, {
      added: (c) => `${label} now applies only when ${describeCondition(c)}`,
      removed: (c) => `${label} now applies always (was only when ${describeCondition(c)})`,
      changed: (x, y) =>
        `${label} now applies when ${describeCondition(y)} (was when ${describeCondition(x)})`,
    });
    // Which rules it boosts is a set: listing them in another order changes nothing.
    const setOf = (r: readonly string[] | undefined) => (r ? [...r].sort() : undefined);
    if (!same(setOf(b.rules), setOf(a.rules)))
      out.changed(
        `${path}.rules`,
        b.rules ?? null,
        a.rules ?? null,
        `${label} boosts ${rulesText(b.rules)} → ${rulesText(a.rules)}`,
      );
  }
  for (const a of added)
    out.added(
      `accelerators[${a.id}]`,
      a,
      `Accelerator ${quoted(a.id)} added: ${describeAccelerator(a)}`,
    );
  for (const b of removed)
    out.removed(
      `accelerators[${b.id}]`,
      b,
      `Accelerator ${quoted(b.id)} removed (was ${describeAccelerator(b)})`,
    );
}

/**
 * Compares stacking policies; an absent policy is the default (multiply, no
 * order, no ceiling), as evaluation treats it. The order is a list that
 * matters: it says which boosts a ceiling cuts.
 */
export function diffStacking(
  out: ChangeList,
  before: Stacking | undefined,
  after: Stacking | undefined,
): void {
  const none: Stacking = { mode: 'multiply', order: [] };
  const b = before ?? none;
  const a = after ?? none;
  if (b.mode !== a.mode)
    out.changed('stacking.mode', b.mode, a.mode, `Boosts stack by ${b.mode} → ${a.mode}`);
  if (!same(b.order, a.order))
    out.changed(
      'stacking.order',
      b.order,
      a.order,
      `Stacking order ${b.order.join(', ') || '(as listed)'} → ${a.order.join(', ') || '(as listed)'}`,
    );
  out.optional('stacking.ceiling', b.ceiling, a.ceiling, {
    added: (c) => `Stacking ceiling added: combined boosts at most ${times(c)}`,
    removed: (c) => `Stacking ceiling removed (was ${times(c)})`,
    changed: (x, y) => `Stacking ceiling ${times(x)} → ${times(y)}`,
  });
}
