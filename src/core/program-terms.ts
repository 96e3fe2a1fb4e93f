import { z } from 'zod';
import {
  acceleratorSchema,
  type CompiledAccelerator,
  compileAccelerator,
  compileStacking,
  type Stacking,
  stackingSchema,
} from './accelerators.js';
import { bonusSchema, type CompiledBonus } from './bonuses.js';
import { type Budget, budgetSchema, type MarginGuard, marginGuardSchema } from './budget.js';
import { type Condition, conditionSchema } from './conditions.js';
import { type Currency, isCurrency, minorUnits } from './currency.js';
import { type Issue, TandemError } from './errors.js';
import {
  compileIntegrationTerms,
  type IntegrationTerms,
  integrationTermsSchema,
} from './integration-terms.js';
import { zodIssues } from './issues.js';
import { destinationPattern } from './link-destinations.js';
import { stateMetrics } from './metrics.js';
import { parseAmount } from './money.js';
import { compilePayoutTerms, type PayoutTerms, payoutTermsSchema } from './payout-terms.js';
import {
  type CompiledTier,
  checkTierOrder,
  compileFactor,
  compileRequirements,
  requirementThreshold,
  tierLevelSchema,
} from './tiers.js';

/**
 * The terms of one program version, as the operator writes them (YAML or
 * JSON). Amounts are decimal strings in the program's currency; percentages
 * are numbers with at most two decimals (so they are exact basis points).
 *
 * @example
 * currency: USD
 * attribution: { model: last_touch, window_days: 90 }
 * hold_days: 30
 * rewards:
 *   - { id: seller-activation, event: activation, flat: "10.00",
 *       when: { field: customer.side, op: eq, value: seller } }
 *   - { id: revenue-share, event: payment, percent: 20, of: revenue,
 *       duration: { months: 12, from: first_payment }, cap_per_customer: "500.00" }
 */
export const touchKinds = ['coupon', 'referral_code', 'click', 'campaign'] as const;
export type TouchKind = (typeof touchKinds)[number];
export const rewardEvents = ['signup', 'activation', 'payment'] as const;
export type RewardEvent = (typeof rewardEvents)[number];

const amount = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,3})?$/, { message: 'must be a decimal amount such as "10.00"' });
const ruleId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  message: 'must be lowercase letters, digits, - or _ (max 63)',
});

const percent = z
  .number()
  .gte(0.01, { message: 'must be ≥ 0.01' })
  .lte(100, { message: 'must be ≤ 100' })
  .refine(
    (p) => Number.isInteger(Math.round(p * 100)) && Math.abs(p * 100 - Math.round(p * 100)) < 1e-9,
    {
      message: 'must have at most two decimals (whole basis points)',
    },
  );

export const ruleSchema = z
  .object({
    id: ruleId,
    name: z.string().max(200).optional(),
    event: z.enum(rewardEvents),
    when: conditionSchema.optional(),
    flat: amount.optional(),
    percent: percent.optional(),
    of: z.enum(['revenue', 'gross']).optional(),
    duration: z
      .object({
        months: z.number().int().min(1).max(1200).optional(),
        days: z.number().int().min(1).max(36500).optional(),
        from: z.enum(['first_payment', 'attribution', 'signup']).default('attribution'),
      })
      .strict()
      .refine((d) => (d.months === undefined) !== (d.days === undefined), {
        message: 'give exactly one of months or days',
      })
      .optional(),
    cap_per_customer: amount.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if ((r.flat === undefined) === (r.percent === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['flat'],
        message: 'a reward pays either flat or percent (exactly one)',
      });
    }
    if (r.percent !== undefined && r.event !== 'payment') {
      ctx.addIssue({
        code: 'custom',
        path: ['percent'],
        message: 'percent rewards apply to payment events only',
      });
    }
    if (r.of !== undefined && r.percent === undefined) {
      ctx.addIssue({ code: 'custom', path: ['of'], message: 'of applies to percent rewards only' });
    }
  });

/** A non-monetary entitlement a tier grants (priority support, a support-credit allowance). */
const benefitSchema = z
  .object({
    id: ruleId,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    allowance: z
      .object({
        amount: amount.optional(),
        count: z.number().int().min(1).max(1_000_000).optional(),
        per: z.enum(['month', 'quarter', 'year']),
      })
      .strict()
      .refine((a) => (a.amount === undefined) !== (a.count === undefined), {
        message: 'an allowance is either an amount or a count',
      })
      .optional(),
  })
  .strict();

/**
 * How a conversion's credit is split when several partners touched the
 * customer (issue 6). Without it, one partner wins by `priority` and
 * `model`. With it, every partner with a touch of a kind in `priority`
 * within the window shares the reward: `first_touch` / `last_touch` (one
 * winner across all kinds), `position` (`first`% and `last`% to the first
 * and last partner, the rest equally between), or `shapley` (each partner's
 * average added value, with touch strengths per kind as the chance that one
 * such touch alone converts the customer).
 */
const creditSchema = z
  .object({
    split: z.enum(['first_touch', 'last_touch', 'position', 'shapley']),
    first: z.number().min(0).max(100).optional(),
    last: z.number().min(0).max(100).optional(),
    strength: z
      .object({
        coupon: z.number().min(1).max(100).optional(),
        referral_code: z.number().min(1).max(100).optional(),
        click: z.number().min(1).max(100).optional(),
        campaign: z.number().min(1).max(100).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((c) => c.split === 'position' || (c.first === undefined && c.last === undefined), {
    message: 'first and last go with split: position',
  })
  .refine((c) => c.split === 'shapley' || c.strength === undefined, {
    message: 'strength goes with split: shapley',
  })
  .refine((c) => (c.first ?? 40) + (c.last ?? 40) <= 100, {
    message: 'first and last add up to at most 100',
  });

/** Default Shapley touch strengths, in percent: a code the customer typed says more than a click. */
export const DEFAULT_TOUCH_STRENGTH: Record<TouchKind, number> = {
  coupon: 60,
  referral_code: 60,
  click: 30,
  campaign: 20,
};

export type CreditTerms =
  | { split: 'first_touch' | 'last_touch' }
  | { split: 'position'; first: number; last: number }
  | { split: 'shapley'; strength: Record<TouchKind, number> };

export const programTermsSchema = z
  .object({
    currency: z
      .string()
      .refine(isCurrency, { message: 'must be a supported ISO 4217 currency code' }),
    attribution: z
      .object({
        model: z.enum(['last_touch', 'first_touch']).default('last_touch'),
        window_days: z.number().int().min(1).max(3650).default(90),
        priority: z
          .array(z.enum(touchKinds))
          .min(1)
          .refine((p) => new Set(p).size === p.length, { message: 'must not repeat a kind' })
          .default(['coupon', 'referral_code', 'click', 'campaign']),
        credit: creditSchema.optional(),
      })
      .strict()
      .default({
        model: 'last_touch',
        window_days: 90,
        priority: ['coupon', 'referral_code', 'click', 'campaign'],
      }),
    hold_days: z.number().int().min(0).max(365).default(30),
    /** Where tracking links may point (host names, `*.` for subdomains); none: anywhere. */
    links: z
      .object({ destinations: z.array(destinationPattern).min(1).max(100) })
      .strict()
      .optional(),
    rewards: z.array(ruleSchema).max(100),
    caps: z.object({ per_partner_per_month: amount.optional() }).strict().optional(),
    /** Days between publishing a later version and its effective_from (corrections excepted). */
    notice_days: z.number().int().min(0).max(365).default(0),
    benefits: z.array(benefitSchema).max(100).default([]),
    tiers: z
      .object({
        grace_days: z.number().int().min(0).max(365).default(30),
        levels: z.array(tierLevelSchema(ruleSchema)).min(1).max(20),
      })
      .strict()
      .optional(),
    accelerators: z.array(acceleratorSchema).max(100).default([]),
    stacking: stackingSchema.optional(),
    bonuses: z.array(bonusSchema).max(50).default([]),
    budget: budgetSchema.optional(),
    margin_guard: marginGuardSchema.optional(),
    payouts: payoutTermsSchema.optional(),
    integrations: integrationTermsSchema.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.rewards.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({
          code: 'custom',
          path: ['rewards', i, 'id'],
          message: `duplicate rule id ${r.id}`,
        });
      seen.add(r.id);
    });
    if (!isCurrency(t.currency)) return;
    // Amounts must fit the currency's decimals ("10.005 USD" is not an amount).
    const check = (text: string | undefined, path: (string | number)[]) => {
      if (text === undefined) return;
      try {
        parseAmount(text, t.currency as Currency);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path, message: (e as Error).message });
      }
    };
    const checkRules = (
      rules: readonly { flat?: string | undefined; cap_per_customer?: string | undefined }[],
      at: (string | number)[],
    ) =>
      rules.forEach((r, i) => {
        check(r.flat, [...at, i, 'flat']);
        check(r.cap_per_customer, [...at, i, 'cap_per_customer']);
      });
    checkRules(t.rewards, ['rewards']);
    check(t.caps?.per_partner_per_month, ['caps', 'per_partner_per_month']);
    check(t.payouts?.minimum, ['payouts', 'minimum']);
    t.integrations?.grants.forEach((g, i) => {
      check(g.flat, ['integrations', 'grants', i, 'flat']);
    });
    t.integrations?.usage.forEach((u, i) => {
      check(u.flat, ['integrations', 'usage', i, 'flat']);
      check(u.cap_per_month, ['integrations', 'usage', i, 'cap_per_month']);
    });
    checkExtensions(t, t.currency as Currency, ctx, check, checkRules);
  });

type Terms = z.output<typeof programTermsSchema>;

/** Cross-references of tiers, benefits, accelerators, stacking, bonuses and budgets. */
function checkExtensions(
  t: Omit<Terms, never>,
  currency: Currency,
  ctx: z.RefinementCtx,
  check: (text: string | undefined, path: (string | number)[]) => void,
  checkRules: (
    rules: readonly { flat?: string | undefined; cap_per_customer?: string | undefined }[],
    at: (string | number)[],
  ) => void,
): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  /** Minor units of `text`, or undefined when it is not an amount of the currency. */
  const amountIn = (text: string): bigint | undefined => {
    try {
      return parseAmount(text, currency);
    } catch {
      return undefined;
    }
  };
  const unique = (ids: string[], at: (i: number) => (string | number)[], what: string) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) issue(at(i), `duplicate ${what} id ${id}`);
      seen.add(id);
    });
  };
  unique(
    t.benefits.map((b) => b.id),
    (i) => ['benefits', i, 'id'],
    'benefit',
  );
  t.benefits.forEach((b, i) => {
    check(b.allowance?.amount, ['benefits', i, 'allowance', 'amount']);
  });
  const benefitIds = new Set(t.benefits.map((b) => b.id));
  const ruleIds = new Set(t.rewards.map((r) => r.id));
  // Accelerators boost usage rewards too.
  for (const u of t.integrations?.usage ?? []) ruleIds.add(u.id);

  const levels = t.tiers?.levels ?? [];
  unique(
    levels.map((l) => l.id),
    (i) => ['tiers', 'levels', i, 'id'],
    'tier',
  );
  levels.forEach((l, i) => {
    const at = ['tiers', 'levels', i];
    l.requires.forEach((r, j) => {
      const th = requirementThreshold(r.metric, r.at_least, currency);
      if (!th.ok) issue([...at, 'requires', j, 'at_least'], th.message);
    });
    l.benefits.forEach((b, j) => {
      if (!benefitIds.has(b))
        issue([...at, 'benefits', j], `unknown benefit ${b} (declare it under benefits)`);
    });
    if (l.rewards) {
      checkRules(l.rewards, [...at, 'rewards']);
      unique(
        l.rewards.map((r) => r.id),
        (j) => [...at, 'rewards', j, 'id'],
        'rule',
      );
      for (const r of l.rewards) ruleIds.add(r.id);
    }
  });
  if (levels.length) checkTierOrder(levels, currency, ctx, ['tiers', 'levels']);

  unique(
    t.accelerators.map((a) => a.id),
    (i) => ['accelerators', i, 'id'],
    'accelerator',
  );
  t.accelerators.forEach((a, i) => {
    if (a.id === 'tier')
      issue(['accelerators', i, 'id'], '"tier" names the tier multiplier in stacking.order');
    a.rules?.forEach((r, j) => {
      if (!ruleIds.has(r))
        issue(
          ['accelerators', i, 'rules', j],
          `unknown rule ${r} (the id of a rule under rewards or under a tier's rewards)`,
        );
    });
  });
  const accelerators = new Set(t.accelerators.map((a) => a.id));
  const tierBoosts = levels.some((l) => l.multiplier !== undefined);
  const ordered = new Set<string>();
  t.stacking?.order.forEach((id, i) => {
    const at = ['stacking', 'order', i];
    if (ordered.has(id)) issue(at, `${id} is listed twice; list each boost once`);
    else if (id === 'tier' && !tierBoosts)
      issue(at, '"tier" boosts nothing here: no tier level has a multiplier');
    else if (id !== 'tier' && !accelerators.has(id))
      issue(at, `unknown boost ${id} (an accelerator id or "tier")`);
    ordered.add(id);
  });

  unique(
    t.bonuses.map((b) => b.id),
    (i) => ['bonuses', i, 'id'],
    'bonus',
  );
  t.bonuses.forEach((b, i) => {
    if (stateMetrics.has(b.metric))
      issue(
        ['bonuses', i, 'metric'],
        `${b.metric} is a state at one instant, not a total over a period: use it in tier requirements`,
      );
    // The highest step reached pays (not the sum), so each step asks and pays more.
    let last: { target: bigint; text: string | number } | undefined;
    let lastPays: { value: bigint; text: string } | undefined;
    b.steps.forEach((s, j) => {
      const at = ['bonuses', i, 'steps', j];
      const pays = amountIn(s.pays);
      if (pays === undefined) check(s.pays, [...at, 'pays']);
      else if (lastPays !== undefined && pays <= lastPays.value)
        issue(
          [...at, 'pays'],
          `pays ${s.pays}, not more than the step below (${lastPays.text}); the highest step reached pays instead of the lower ones`,
        );
      if (pays !== undefined) lastPays = { value: pays, text: s.pays };
      const th = requirementThreshold(b.metric, s.at_least, currency);
      if (!th.ok) {
        issue([...at, 'at_least'], th.message);
        return;
      }
      if (th.value <= 0n) issue([...at, 'at_least'], 'a bonus target must be more than 0');
      else if (last !== undefined && th.value <= last.target)
        issue(
          [...at, 'at_least'],
          `steps must be listed by ascending target: ${s.at_least} is not above the step before (${last.text})`,
        );
      last = { target: th.value, text: s.at_least };
    });
  });

  if (t.budget) {
    if (t.budget.currency !== undefined && t.budget.currency !== currency)
      issue(
        ['budget', 'currency'],
        `the program pays in ${currency}; a budget in ${t.budget.currency} cannot be enforced`,
      );
    if (amountIn(t.budget.monthly) === 0n)
      issue(['budget', 'monthly'], 'must be more than 0 (leave budget out for no budget)');
    else check(t.budget.monthly, ['budget', 'monthly']);
  }
}

export type ProgramTermsInput = z.input<typeof programTermsSchema>;
export type ProgramTermsDocument = z.output<typeof programTermsSchema>;

/** A reward rule compiled for evaluation: amounts in minor units, percent in basis points. */
export interface CompiledRule {
  id: string;
  name: string | undefined;
  event: RewardEvent;
  when: Condition | undefined;
  flat: bigint | undefined;
  bps: bigint | undefined;
  of: 'revenue' | 'gross';
  duration:
    | { months?: number; days?: number; from: 'first_payment' | 'attribution' | 'signup' }
    | undefined;
  capPerCustomer: bigint | undefined;
}

export interface Benefit {
  id: string;
  name: string;
  description: string | undefined;
  allowance: { amount?: bigint; count?: number; per: 'month' | 'quarter' | 'year' } | undefined;
}

export interface ProgramTerms {
  currency: Currency;
  attribution: {
    model: 'last_touch' | 'first_touch';
    windowDays: number;
    priority: TouchKind[];
    /** Undefined: one partner wins each conversion. */
    credit: CreditTerms | undefined;
  };
  holdDays: number;
  /** Hosts tracking links may point to; undefined: anywhere. */
  linkDestinations: string[] | undefined;
  rewards: CompiledRule[];
  capPerPartnerPerMonth: bigint | undefined;
  noticeDays: number;
  benefits: Benefit[];
  tiers: { graceDays: number; levels: CompiledTier<CompiledRule>[] } | undefined;
  accelerators: CompiledAccelerator[];
  stacking: Stacking;
  bonuses: CompiledBonus[];
  budget: Budget | undefined;
  marginGuard: MarginGuard | undefined;
  payouts: PayoutTerms;
  /** Undefined when the version says nothing about integrations (the default path applies). */
  integrations: IntegrationTerms | undefined;
}

/**
 * Validates a terms document and lists every problem by path, or returns the
 * normalized document (defaults filled in) that is stored with the version.
 */
export function validateTerms(
  input: unknown,
): { ok: true; document: ProgramTermsDocument } | { ok: false; issues: Issue[] } {
  const r = programTermsSchema.safeParse(input);
  return r.success ? { ok: true, document: r.data } : { ok: false, issues: zodIssues(r.error) };
}

export function parseTerms(input: unknown): ProgramTermsDocument {
  const r = validateTerms(input);
  if (!r.ok) {
    throw new TandemError('invalid_program', 'the program terms are invalid', { issues: r.issues });
  }
  return r.document;
}

function compileCredit(c: z.output<typeof creditSchema> | undefined): CreditTerms | undefined {
  if (!c) return undefined;
  if (c.split === 'position')
    return { split: 'position', first: c.first ?? 40, last: c.last ?? 40 };
  if (c.split === 'shapley')
    return { split: 'shapley', strength: { ...DEFAULT_TOUCH_STRENGTH, ...c.strength } };
  return { split: c.split };
}

/** Compiles a validated document into the form the evaluator uses. */
export function compileTerms(doc: ProgramTermsDocument): ProgramTerms {
  const cur = doc.currency as Currency;
  const opt = (s: string | undefined) => (s === undefined ? undefined : parseAmount(s, cur));
  const rules = (list: ProgramTermsDocument['rewards']): CompiledRule[] =>
    list.map((r) => ({
      id: r.id,
      name: r.name,
      event: r.event,
      when: r.when,
      flat: opt(r.flat),
      bps: r.percent === undefined ? undefined : BigInt(Math.round(r.percent * 100)),
      of: r.of ?? 'revenue',
      duration: r.duration,
      capPerCustomer: opt(r.cap_per_customer),
    }));
  return {
    currency: cur,
    attribution: {
      model: doc.attribution.model,
      windowDays: doc.attribution.window_days,
      priority: [...doc.attribution.priority],
      credit: compileCredit(doc.attribution.credit),
    },
    holdDays: doc.hold_days,
    linkDestinations: doc.links ? [...doc.links.destinations] : undefined,
    rewards: rules(doc.rewards),
    capPerPartnerPerMonth: opt(doc.caps?.per_partner_per_month),
    noticeDays: doc.notice_days,
    benefits: doc.benefits.map((b) => ({
      id: b.id,
      name: b.name,
      description: b.description,
      allowance: b.allowance
        ? {
            per: b.allowance.per,
            ...(b.allowance.amount !== undefined
              ? { amount: parseAmount(b.allowance.amount, cur) }
              : {}),
            ...(b.allowance.count !== undefined ? { count: b.allowance.count } : {}),
          }
        : undefined,
    })),
    tiers: doc.tiers
      ? {
          graceDays: doc.tiers.grace_days,
          levels: doc.tiers.levels.map((l) => ({
            id: l.id,
            name: l.name ?? l.id,
            requires: compileRequirements(l.requires, cur),
            factor: compileFactor(l.multiplier),
            rewards: l.rewards ? rules(l.rewards) : undefined,
            benefits: [...l.benefits],
          })),
        }
      : undefined,
    accelerators: doc.accelerators.map(compileAccelerator),
    stacking: compileStacking(doc.stacking),
    bonuses: doc.bonuses.map((b) => ({
      id: b.id,
      name: b.name,
      metric: b.metric,
      period: b.period,
      steps: b.steps.map((s) => {
        const th = requirementThreshold(b.metric, s.at_least, cur);
        if (!th.ok) throw new Error(th.message);
        return { atLeast: th.value, pays: parseAmount(s.pays, cur) };
      }),
    })),
    budget: doc.budget
      ? {
          monthly: parseAmount(doc.budget.monthly, cur),
          policy: doc.budget.when_exhausted,
          alertsAt: [...doc.budget.alerts_at],
        }
      : undefined,
    marginGuard: doc.margin_guard
      ? {
          maxBps: BigInt(Math.round(doc.margin_guard.max_percent * 100)),
          alertsAt: [...doc.margin_guard.alerts_at],
        }
      : undefined,
    payouts: compilePayoutTerms(doc.payouts, cur),
    integrations: doc.integrations
      ? compileIntegrationTerms(doc.integrations, cur, minorUnits(cur))
      : undefined,
  };
}
