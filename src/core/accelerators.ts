import { z } from 'zod';
import { type Condition, conditionSchema } from './conditions.js';
import { formatFactor, formatRatio, multiplierSchema, ONE, toFactor } from './factor.js';
import { parseInstant } from './time.js';

/**
 * Accelerators: date-bounded, segment-scoped boosts (+50% on APAC sellers in
 * Q4, double bounty for a new category). They apply to events whose
 * `occurred_at` is in [from, to) and whose facts match `when`, under the
 * version that carries them, so they are published ahead, with the version,
 * and partners can plan on them.
 */
const instant = z.string().refine((s) => parseInstant(s) !== undefined, {
  message: 'must be an ISO 8601 date or date-time such as "2026-10-01"',
});

export const acceleratorSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
      message: 'must be lowercase letters, digits, - or _ (max 63)',
    }),
    name: z.string().max(200).optional(),
    from: instant,
    to: instant,
    when: conditionSchema.optional(),
    multiplier: multiplierSchema,
    /** Rule ids it boosts; all rules when absent. */
    rules: z.array(z.string()).min(1).max(100).optional(),
  })
  .strict()
  .refine(
    (a) => {
      const from = parseInstant(a.from);
      const to = parseInstant(a.to);
      // An unreadable date has its own issue; only compare two real instants.
      return from === undefined || to === undefined || from < to;
    },
    {
      path: ['to'],
      message: 'must be after from (to is exclusive: the accelerator ends just before it)',
    },
  );

export const stackingModes = ['multiply', 'add', 'highest'] as const;
export type StackingMode = (typeof stackingModes)[number];

export const stackingSchema = z
  .object({
    mode: z.enum(stackingModes).default('multiply'),
    /** Boost ids (accelerators, and `tier` for the tier multiplier) in the order they apply. */
    order: z.array(z.string()).max(100).default([]),
    ceiling: z.number().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.ceiling === undefined) return;
    if (s.ceiling < 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['ceiling'],
        message: 'a stacking ceiling must be ≥ 1',
      });
      return;
    }
    const r = multiplierSchema.safeParse(s.ceiling);
    if (!r.success)
      ctx.addIssue({
        code: 'custom',
        path: ['ceiling'],
        message: r.error.issues[0]?.message ?? 'invalid',
      });
  });

export interface CompiledAccelerator {
  id: string;
  name: string | undefined;
  from: number;
  to: number;
  when: Condition | undefined;
  factor: bigint;
  rules: ReadonlySet<string> | undefined;
}

export interface Stacking {
  mode: StackingMode;
  order: string[];
  ceiling: bigint | undefined;
}

export function compileAccelerator(a: z.output<typeof acceleratorSchema>): CompiledAccelerator {
  return {
    id: a.id,
    name: a.name,
    from: parseInstant(a.from) as number,
    to: parseInstant(a.to) as number,
    when: a.when,
    factor: toFactor(a.multiplier),
    rules: a.rules ? new Set(a.rules) : undefined,
  };
}

export function compileStacking(s: z.output<typeof stackingSchema> | undefined): Stacking {
  return {
    mode: s?.mode ?? 'multiply',
    order: s?.order ?? [],
    ceiling: s?.ceiling === undefined ? undefined : toFactor(s.ceiling),
  };
}

export interface Boost {
  id: string;
  label: string;
  factor: bigint;
}

export interface Stacked {
  /** The combined multiplier, exactly. */
  num: bigint;
  den: bigint;
  steps: string[];
}

/**
 * Combines boosts under the version's stacking policy. Boosts are taken in
 * `order` (ids listed there first, in that order, then the rest as given):
 * `multiply` multiplies them, `add` adds their increments (1.5 and 2 make
 * 2.5), `highest` takes the largest (the first in order on a tie). The
 * ceiling caps the combined multiplier; with it, the order says which boosts
 * were cut. The result is exact: the amount is rounded once, by the caller.
 */
export function stackBoosts(boosts: readonly Boost[], policy: Stacking): Stacked {
  const rank = (id: string) => {
    const i = policy.order.indexOf(id);
    return i < 0 ? policy.order.length : i;
  };
  const ordered = boosts
    .map((b, i) => ({ b, i }))
    .sort((x, y) => rank(x.b.id) - rank(y.b.id) || x.i - y.i)
    .map((x) => x.b);
  const steps: string[] = [];
  let num = ONE;
  let den = ONE;
  const ceiling = policy.ceiling;
  const overCeiling = (n: bigint, d: bigint) => ceiling !== undefined && n * ONE > ceiling * d;

  if (policy.mode === 'highest') {
    let best: Boost | undefined;
    for (const b of ordered) if (!best || b.factor > best.factor) best = b;
    if (best) {
      num = best.factor;
      for (const b of ordered)
        steps.push(
          `${b.label} ×${formatFactor(b.factor)}${b === best ? ' (highest, applies)' : ' (not the highest)'}`,
        );
    }
  } else {
    let cut = false;
    for (const b of ordered) {
      if (cut) {
        steps.push(`${b.label} ×${formatFactor(b.factor)} (cut: ceiling reached)`);
        continue;
      }
      // multiply: n/d × f/ONE; add: n/d + (f − ONE)/ONE.
      const n = policy.mode === 'multiply' ? num * b.factor : num * ONE + (b.factor - ONE) * den;
      const d = den * ONE;
      if (overCeiling(n, d)) {
        num = ceiling as bigint;
        den = ONE;
        cut = true;
        steps.push(
          `${b.label} ×${formatFactor(b.factor)} (partly: ceiling ×${formatFactor(ceiling as bigint)} reached)`,
        );
        continue;
      }
      num = n;
      den = d;
      steps.push(`${b.label} ×${formatFactor(b.factor)}`);
    }
  }
  if (overCeiling(num, den)) {
    num = ceiling as bigint;
    den = ONE;
  }
  if (ordered.length > 1 || policy.ceiling !== undefined)
    steps.push(
      `stacking ${policy.mode}${policy.ceiling !== undefined ? ` (ceiling ×${formatFactor(policy.ceiling)})` : ''} → ×${formatRatio(num, den)}`,
    );
  return { num, den, steps };
}
