import { z } from 'zod';
import { type Currency, isCreditAsset } from './currency.js';
import { parseAmount } from './money.js';

/**
 * The `integrations` block of a program version: the milestone path an
 * integration walks, the grants its milestones earn, the usage rewards it
 * earns while customers use it, and the certification levels it can hold.
 *
 * ```yaml
 * integrations:
 *   milestones:            # default: authentication → data_mapping → automated_testing → certification
 *     - { id: authentication, completed_by: event }
 *     - { id: data_mapping }                         # requires the milestone before it
 *     - { id: automated_testing, completed_by: event }
 *     - { id: certification, completed_by: review }
 *   grants:
 *     - { id: first-auth, on: authentication, flat: "100.00" }
 *     - { id: certified, on: path, flat: "1500.00" }               # the whole path
 *     - { id: support, on: data_mapping, credits: { asset: SUPPORT_CREDIT, amount: 50 } }
 *   usage:
 *     - { id: installs, per: active_install, flat: "2.00", cap_per_month: "1000.00" }
 *     - { id: calls, per: unit, metric: api_calls, tiering: graduated,
 *         rates: [ { up_to: 100000, each: "0.001" }, { each: "0.0005" } ] }
 *     - { id: paid, per: revenue, percent: 15, duration: { months: 12, from: certification } }
 *   certification:
 *     levels:
 *       - { id: certified, requires: { milestones: [certification] }, valid_days: 365,
 *           entitlements: [listing_standard] }
 *       - { id: premier, requires: { milestones: [certification], active_installs: 100,
 *           uptime_at_least: 99.9, error_rate_at_most: 0.5 }, valid_days: 365,
 *           entitlements: [listing_featured, co_marketing] }
 * ```
 */
export const defaultMilestones = [
  'authentication',
  'data_mapping',
  'automated_testing',
  'certification',
] as const;

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  message: 'must be lowercase letters, digits, - or _ (max 63)',
});
const amount = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,3})?$/, { message: 'must be a decimal amount such as "10.00"' });
/** A price per unit may be a fraction of a cent ("0.0005"): exact, rounded once per month. */
const unitPrice = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,9})?$/, { message: 'must be a decimal price such as "0.0005"' });
const percent = z
  .number()
  .gte(0.01)
  .lte(100)
  .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-9, {
    message: 'must have at most two decimals (whole basis points)',
  });
const quality = z.number().gte(0).lte(100);

const milestoneSchema = z
  .object({
    id,
    name: z.string().min(1).max(200).optional(),
    /** How it completes: an event from the marketplace's systems, a reviewed submission, or either. */
    completed_by: z.enum(['event', 'review', 'either']).default('either'),
    /** Milestones that must be complete first; default: the one listed before it. */
    requires: z.array(id).max(20).optional(),
  })
  .strict();

const grantSchema = z
  .object({
    id,
    name: z.string().max(200).optional(),
    /** A milestone id, or `path` for the completion of every milestone. */
    on: id,
    flat: amount.optional(),
    credits: z
      .object({
        asset: z.string().refine(isCreditAsset, {
          message: 'must be 4–32 capital letters, digits or _, such as SUPPORT_CREDIT',
        }),
        amount: z.number().int().min(1).max(1_000_000_000),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((g) => (g.flat === undefined) !== (g.credits === undefined), {
    message: 'a grant pays either flat or credits (exactly one)',
    path: ['flat'],
  });

const usageSchema = z
  .object({
    id,
    name: z.string().max(200).optional(),
    per: z.enum(['active_install', 'unit', 'revenue']),
    /** Only usage reported under this metric counts (required for `per: unit`). */
    metric: id.optional(),
    flat: amount.optional(),
    rates: z
      .array(z.object({ up_to: z.number().int().min(1).optional(), each: unitPrice }).strict())
      .min(1)
      .max(20)
      .optional(),
    /** graduated: each band at its own price; volume: every unit at the price of the band reached. */
    tiering: z.enum(['graduated', 'volume']).default('graduated'),
    percent: percent.optional(),
    duration: z
      .object({
        months: z.number().int().min(1).max(1200).optional(),
        days: z.number().int().min(1).max(36500).optional(),
        from: z.enum(['registration', 'certification', 'first_usage']).default('registration'),
      })
      .strict()
      .refine((d) => (d.months === undefined) !== (d.days === undefined), {
        message: 'give exactly one of months or days',
      })
      .optional(),
    cap_per_month: amount.optional(),
  })
  .strict()
  .superRefine((u, ctx) => {
    const need = (field: 'flat' | 'rates' | 'percent', message: string) =>
      ctx.addIssue({ code: 'custom', path: [field], message });
    const given = (['flat', 'rates', 'percent'] as const).filter((f) => u[f] !== undefined);
    const wanted = { active_install: 'flat', unit: 'rates', revenue: 'percent' } as const;
    const field = wanted[u.per];
    if (!given.includes(field)) need(field, `per: ${u.per} pays with ${field}`);
    for (const f of given) if (f !== field) need(f, `per: ${u.per} pays with ${field}, not ${f}`);
    if (u.per === 'unit' && u.metric === undefined)
      ctx.addIssue({ code: 'custom', path: ['metric'], message: 'per: unit counts one metric' });
    u.rates?.forEach((r, i) => {
      const last = i === (u.rates?.length ?? 0) - 1;
      if (last && r.up_to !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['rates', i, 'up_to'],
          message: 'the last band has no up_to: it prices every unit above the band before',
        });
      if (!last && r.up_to === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['rates', i, 'up_to'],
          message: 'every band but the last ends at an up_to',
        });
      const before = i > 0 ? u.rates?.[i - 1]?.up_to : undefined;
      if (r.up_to !== undefined && before !== undefined && r.up_to <= before)
        ctx.addIssue({
          code: 'custom',
          path: ['rates', i, 'up_to'],
          message: `bands ascend: ${r.up_to} is not above ${before}`,
        });
    });
  });

const levelSchema = z
  .object({
    id,
    name: z.string().min(1).max(200).optional(),
    requires: z
      .object({
        milestones: z.array(id).max(20).default([]),
        /** Distinct customers with usage in the last closed month. */
        active_installs: z.number().int().min(1).optional(),
        /** The latest reported uptime, percent. */
        uptime_at_least: quality.optional(),
        /** The latest reported error rate, percent. */
        error_rate_at_most: quality.optional(),
      })
      .strict(),
    /** Days the level holds after its certification milestone was (re)completed. */
    valid_days: z.number().int().min(1).max(3650).optional(),
    entitlements: z.array(id).max(50).default([]),
  })
  .strict();

export const integrationTermsSchema = z
  .object({
    milestones: z
      .array(milestoneSchema)
      .min(1)
      .max(20)
      .default(defaultMilestones.map((m) => ({ id: m, completed_by: 'either' as const }))),
    grants: z.array(grantSchema).max(50).default([]),
    usage: z.array(usageSchema).max(50).default([]),
    certification: z
      .object({ levels: z.array(levelSchema).min(1).max(10) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const seen = new Set<string>();
    t.milestones.forEach((m, i) => {
      if (m.id === 'path') issue(['milestones', i, 'id'], '"path" names the whole path in grants');
      if (seen.has(m.id)) issue(['milestones', i, 'id'], `duplicate milestone id ${m.id}`);
      m.requires?.forEach((r, j) => {
        // Requiring only earlier milestones keeps the path acyclic and its order readable.
        if (!seen.has(r))
          issue(
            ['milestones', i, 'requires', j],
            `unknown milestone ${r} (a milestone listed before ${m.id})`,
          );
      });
      seen.add(m.id);
    });
    const ids = (list: { id: string }[], at: string) => {
      const s = new Set<string>();
      list.forEach((x, i) => {
        if (s.has(x.id)) issue([at, i, 'id'], `duplicate ${at} id ${x.id}`);
        s.add(x.id);
      });
    };
    ids(t.grants, 'grants');
    ids(t.usage, 'usage');
    t.grants.forEach((g, i) => {
      if (g.on !== 'path' && !seen.has(g.on))
        issue(['grants', i, 'on'], `unknown milestone ${g.on} (a milestone id or "path")`);
    });
    t.certification?.levels.forEach((l, i) => {
      l.requires.milestones.forEach((m, j) => {
        if (!seen.has(m))
          issue(
            ['certification', 'levels', i, 'requires', 'milestones', j],
            `unknown milestone ${m}`,
          );
      });
    });
    if (t.certification) ids(t.certification.levels, 'levels');
  });

export type IntegrationTermsDocument = z.output<typeof integrationTermsSchema>;

export interface Milestone {
  id: string;
  name: string;
  completedBy: 'event' | 'review' | 'either';
  requires: string[];
}

export type GrantPays = { money: bigint } | { credits: { asset: string; amount: bigint } };

export interface Grant {
  id: string;
  name: string | undefined;
  on: string;
  pays: GrantPays;
}

/** A unit price as an exact fraction of the currency's minor unit: `num / den` minor units. */
export interface UnitPrice {
  num: bigint;
  den: bigint;
  text: string;
}

export interface UsageRule {
  id: string;
  name: string | undefined;
  per: 'active_install' | 'unit' | 'revenue';
  metric: string | undefined;
  flat: bigint | undefined;
  bands: { upTo: bigint | undefined; each: UnitPrice }[];
  tiering: 'graduated' | 'volume';
  bps: bigint | undefined;
  duration:
    | { months?: number; days?: number; from: 'registration' | 'certification' | 'first_usage' }
    | undefined;
  capPerMonth: bigint | undefined;
}

export interface CertificationLevel {
  id: string;
  name: string;
  milestones: string[];
  activeInstalls: number | undefined;
  /** Quality thresholds in hundredths of a percent (exact). */
  uptimeAtLeast: number | undefined;
  errorRateAtMost: number | undefined;
  validDays: number | undefined;
  entitlements: string[];
}

export interface IntegrationTerms {
  milestones: Milestone[];
  grants: Grant[];
  usage: UsageRule[];
  levels: CertificationLevel[];
}

const hundredths = (p: number | undefined) => (p === undefined ? undefined : Math.round(p * 100));

/** The default terms of a program that says nothing about integrations. */
export const defaultIntegrationTerms = (): IntegrationTermsDocument =>
  integrationTermsSchema.parse({});

/** Parses a unit price into an exact fraction of minor units of `cur`. */
export function parseUnitPrice(text: string, minorDigits: number): UnitPrice {
  const [whole, frac = ''] = text.split('.') as [string, string?];
  const num = BigInt(whole + frac) * 10n ** BigInt(minorDigits);
  return { num, den: 10n ** BigInt(frac.length), text };
}

export function compileIntegrationTerms(
  doc: IntegrationTermsDocument,
  cur: Currency,
  minorDigits: number,
): IntegrationTerms {
  const milestones = doc.milestones.map((m, i) => ({
    id: m.id,
    name: m.name ?? m.id.replaceAll('_', ' '),
    completedBy: m.completed_by,
    requires: m.requires ?? (i > 0 ? [doc.milestones[i - 1]?.id as string] : []),
  }));
  return {
    milestones,
    grants: doc.grants.map((g) => ({
      id: g.id,
      name: g.name,
      on: g.on,
      pays: g.credits
        ? { credits: { asset: g.credits.asset, amount: BigInt(g.credits.amount) } }
        : { money: parseAmount(g.flat as string, cur) },
    })),
    usage: doc.usage.map((u) => ({
      id: u.id,
      name: u.name,
      per: u.per,
      metric: u.metric,
      flat: u.flat === undefined ? undefined : parseAmount(u.flat, cur),
      bands: (u.rates ?? []).map((r) => ({
        upTo: r.up_to === undefined ? undefined : BigInt(r.up_to),
        each: parseUnitPrice(r.each, minorDigits),
      })),
      tiering: u.tiering,
      bps: u.percent === undefined ? undefined : BigInt(Math.round(u.percent * 100)),
      duration: u.duration,
      capPerMonth: u.cap_per_month === undefined ? undefined : parseAmount(u.cap_per_month, cur),
    })),
    levels: (doc.certification?.levels ?? []).map((l) => ({
      id: l.id,
      name: l.name ?? l.id,
      milestones: [...l.requires.milestones],
      activeInstalls: l.requires.active_installs,
      uptimeAtLeast: hundredths(l.requires.uptime_at_least),
      errorRateAtMost: hundredths(l.requires.error_rate_at_most),
      validDays: l.valid_days,
      entitlements: [...l.entitlements],
    })),
  };
}
