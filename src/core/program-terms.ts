import { z } from 'zod';
import { type Condition, conditionSchema } from './conditions.js';
import { type Currency, isCurrency } from './currency.js';
import { type Issue, TandemError } from './errors.js';
import { zodIssues } from './issues.js';
import { parseAmount } from './money.js';

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
export const touchKinds = ['coupon', 'referral_code', 'click'] as const;
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

const rule = z
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
          .default(['coupon', 'referral_code', 'click']),
      })
      .strict()
      .default({
        model: 'last_touch',
        window_days: 90,
        priority: ['coupon', 'referral_code', 'click'],
      }),
    hold_days: z.number().int().min(0).max(365).default(30),
    rewards: z.array(rule).max(100),
    caps: z.object({ per_partner_per_month: amount.optional() }).strict().optional(),
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
    t.rewards.forEach((r, i) => {
      check(r.flat, ['rewards', i, 'flat']);
      check(r.cap_per_customer, ['rewards', i, 'cap_per_customer']);
    });
    check(t.caps?.per_partner_per_month, ['caps', 'per_partner_per_month']);
  });

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

export interface ProgramTerms {
  currency: Currency;
  attribution: { model: 'last_touch' | 'first_touch'; windowDays: number; priority: TouchKind[] };
  holdDays: number;
  rewards: CompiledRule[];
  capPerPartnerPerMonth: bigint | undefined;
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

/** Compiles a validated document into the form the evaluator uses. */
export function compileTerms(doc: ProgramTermsDocument): ProgramTerms {
  const cur = doc.currency as Currency;
  const opt = (s: string | undefined) => (s === undefined ? undefined : parseAmount(s, cur));
  return {
    currency: cur,
    attribution: {
      model: doc.attribution.model,
      windowDays: doc.attribution.window_days,
      priority: [...doc.attribution.priority],
    },
    holdDays: doc.hold_days,
    rewards: doc.rewards.map((r) => ({
      id: r.id,
      name: r.name,
      event: r.event,
      when: r.when,
      flat: opt(r.flat),
      bps: r.percent === undefined ? undefined : BigInt(Math.round(r.percent * 100)),
      of: r.of ?? 'revenue',
      duration: r.duration,
      capPerCustomer: opt(r.cap_per_customer),
    })),
    capPerPartnerPerMonth: opt(doc.caps?.per_partner_per_month),
  };
}
