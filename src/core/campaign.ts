import { z } from 'zod';
import { MAX_HOLDOUT_BPS } from './lift.js';

/**
 * Co-marketing campaigns (issue 6): what a campaign is, the statuses it
 * moves through, and the target bonuses it may pay. Pure: the engine stores
 * campaigns and evaluates their bonuses with these definitions.
 */

export const campaignChannels = [
  'email',
  'social',
  'search',
  'partner_site',
  'webinar',
  'event',
  'other',
] as const;
export type CampaignChannel = (typeof campaignChannels)[number];

export const campaignStatuses = [
  'proposed',
  'approved',
  'live',
  'completed',
  'reported',
  'rejected',
  'cancelled',
] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

/**
 * The status flow `proposed → approved → live → completed → reported`, with
 * the two ways out: a proposal can be rejected, and a campaign can be
 * cancelled until it has completed. Nothing skips a step or goes back.
 */
const NEXT: Record<CampaignStatus, readonly CampaignStatus[]> = {
  proposed: ['approved', 'rejected', 'cancelled'],
  approved: ['live', 'cancelled'],
  live: ['completed', 'cancelled'],
  completed: ['reported'],
  reported: [],
  rejected: [],
  cancelled: [],
};

export function canTransition(from: CampaignStatus, to: CampaignStatus): boolean {
  return NEXT[from].includes(to);
}

export function nextStatuses(from: CampaignStatus): readonly CampaignStatus[] {
  return NEXT[from];
}

/** Touches count for a campaign in these statuses (not while only proposed, never once rejected or cancelled). */
export const RUNNING_STATUSES: readonly CampaignStatus[] = [
  'approved',
  'live',
  'completed',
  'reported',
];

/** A campaign code as events and UTM parameters quote it; its normal form is upper case. */
export const campaignCodeSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$/, {
  message: 'must be 2–40 letters, digits, - or _',
});

export function normalizeCampaignCode(code: string): string {
  return code.trim().toUpperCase();
}

/**
 * The channel a touch came through: the one named, else the UTM medium when
 * it names a channel (with the usual aliases), else `other`.
 */
export function channelOf(
  channel: string | undefined,
  utmMedium: string | undefined,
): CampaignChannel {
  if (channel && (campaignChannels as readonly string[]).includes(channel))
    return channel as CampaignChannel;
  const m = utmMedium?.toLowerCase();
  if (!m) return 'other';
  if ((campaignChannels as readonly string[]).includes(m)) return m as CampaignChannel;
  if (m === 'newsletter') return 'email';
  if (m === 'cpc' || m === 'ppc' || m === 'paid_search' || m === 'organic') return 'search';
  if (m === 'social_paid' || m === 'paid_social') return 'social';
  if (m === 'referral' || m === 'affiliate' || m === 'partner') return 'partner_site';
  return 'other';
}

export const holdoutPercentSchema = z
  .number()
  .min(0)
  .max(MAX_HOLDOUT_BPS / 100, { message: `a holdout is at most ${MAX_HOLDOUT_BPS / 100}%` })
  .refine((x) => Math.abs(x * 100 - Math.round(x * 100)) < 1e-6, {
    message: 'at most two decimals',
  });

const amountText = z.string().regex(/^\d{1,15}(\.\d{1,3})?$/, {
  message: 'must be a decimal amount such as "500.00"',
});

/** Campaign metrics a target bonus can count, over the campaign's window. */
export const campaignMetrics = [
  'touched_customers',
  'signups',
  'activations',
  'incremental_activations',
] as const;
export type CampaignMetric = (typeof campaignMetrics)[number];

/**
 * A target bonus of a campaign: stepped (`steps`: the highest step reached
 * pays) or per unit (`per`: an amount per activation, per incremental
 * activation …, up to `cap`). `scope: campaign` counts the whole campaign
 * and splits the bonus equally between its partners; `scope: partner`
 * counts each partner's own touches and pays each partner its own bonus.
 * `require_significant` pays only when the campaign's measured lift is
 * significant (the lower bound of its 95% interval above zero).
 */
export const campaignBonusSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
      message: 'must be lowercase letters, digits, - or _ (max 63)',
    }),
    name: z.string().max(200).optional(),
    metric: z.enum(campaignMetrics),
    scope: z.enum(['campaign', 'partner']).default('campaign'),
    steps: z
      .array(z.object({ at_least: z.number().int().min(1).max(1e9), pays: amountText }).strict())
      .min(1)
      .max(20)
      .optional(),
    per: amountText.optional(),
    cap: amountText.optional(),
    require_significant: z.boolean().default(false),
  })
  .strict()
  .refine((b) => (b.steps === undefined) !== (b.per === undefined), {
    message: 'give either steps or per',
  })
  .refine((b) => b.cap === undefined || b.per !== undefined, {
    message: 'cap goes with per',
  });

export type CampaignBonusInput = z.input<typeof campaignBonusSchema>;
export type CampaignBonus = z.output<typeof campaignBonusSchema>;

/** What a campaign aims for, stated at planning (reported against, never paid on by itself). */
export const campaignTargetsSchema = z
  .object({
    leads: z.number().int().min(0).max(1e9).optional(),
    activations: z.number().int().min(0).max(1e9).optional(),
    revenue: amountText.optional(),
  })
  .strict();
export type CampaignTargets = z.output<typeof campaignTargetsSchema>;
