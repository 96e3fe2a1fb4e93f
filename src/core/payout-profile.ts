import { z } from 'zod';
import { isCurrency } from './currency.js';
import { type RailName, railNames } from './payout.js';
import { missingDetails } from './payout-files.js';
import type { Hold } from './plan-payout.js';

export const taxForms = ['w9', 'w8ben', 'w8bene', 'other', 'none'] as const;
export type TaxForm = (typeof taxForms)[number];

/**
 * How a partner is paid. `details` are free-form per rail (an IBAN, a PayPal
 * email, a Stripe connected account); Tandem stores what the rail needs and
 * returns it masked. Tax status records which form the payer holds and
 * whether a tax id is on it — never the document or the id itself.
 */
export const payoutProfileSchema = z
  .object({
    rail: z.enum(railNames),
    details: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'detail names are snake_case' }),
        z.string().max(200),
      )
      .refine((d) => Object.keys(d).length <= 20, { message: 'at most 20 details' })
      .default({}),
    /** Omitted: keep the current one; null: pay in the program's payout currency. */
    currency: z
      .string()
      .refine(isCurrency, { message: 'must be a supported ISO 4217 currency code' })
      .nullable()
      .optional(),
    tax: z
      .object({
        form: z.enum(taxForms),
        tax_id_present: z.boolean().default(false),
        country: z
          .string()
          .regex(/^[A-Z]{2}$/, { message: 'an ISO 3166 alpha-2 country code' })
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const [key, message] of Object.entries(detailProblems(p.rail, p.details)))
      ctx.addIssue({ code: 'custom', path: ['details', key], message });
  });
export type PayoutProfileInput = z.input<typeof payoutProfileSchema>;

/** Formats a rail would refuse, caught when the profile is saved rather than at payout time. */
function detailProblems(
  rail: RailName,
  d: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (rail === 'stripe' && d.account !== undefined && !/^acct_[A-Za-z0-9]+$/.test(d.account))
    out.account = 'a Stripe connected account id (acct_…)';
  if (d.email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(d.email))
    out.email = 'an email address';
  if (d.iban !== undefined && !/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(d.iban.replace(/\s+/g, '')))
    out.iban = 'an IBAN (two letters, two check digits, the account)';
  return out;
}

const SECRET = /(iban|account|number|routing|sort_code|tax|ssn|bic|swift|phone)/;

/**
 * Details as the API shows them: emails as `j•••@example.com`, anything that
 * looks like an account or tax number reduced to its last four characters,
 * names and other text as they are.
 */
export function maskDetails(details: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(details)) {
    // By code point, never by UTF-16 unit: half a surrogate pair is not text (PostgreSQL refuses it).
    const chars = [...v];
    if (k === 'email' || /^[^@\s]+@[^@\s]+$/.test(v)) {
      const at = chars.indexOf('@');
      out[k] = at > 0 ? `${chars[0]}•••${chars.slice(at).join('')}` : '•••';
    } else if (SECRET.test(k) && k !== 'account_holder') {
      const compact = chars.filter((c) => !/\s/.test(c));
      out[k] = compact.length <= 4 ? '••••' : `••••${compact.slice(-4).join('')}`;
    } else out[k] = v;
  }
  return out;
}

export interface ProfileFacts {
  rail: RailName;
  details: Readonly<Record<string, string>>;
  taxForm: TaxForm | null;
  taxIdPresent: boolean;
}

/**
 * The holds a profile puts on a payout: none, a missing method, incomplete
 * details for its rail, or (when the program requires it) missing tax
 * status. A W-9 needs its tax id; W-8 forms may go without (foreign TIN).
 */
export function profileHolds(
  profile: ProfileFacts | undefined,
  opts: { requireTaxInfo: boolean },
): Hold[] {
  if (!profile)
    return [{ reason: 'no_payout_method', detail: 'the partner has no payout profile yet' }];
  const holds: Hold[] = [];
  const missing = missingDetails(profile.rail, profile.details);
  if (missing.length > 0)
    holds.push({
      reason: 'payout_details_incomplete',
      detail: `${profile.rail} needs ${missing.join(', ')}`,
    });
  if (opts.requireTaxInfo) {
    const form = profile.taxForm;
    if (!form || form === 'none')
      holds.push({ reason: 'tax_info_missing', detail: 'no tax form on file (W-9 or W-8)' });
    else if (form === 'w9' && !profile.taxIdPresent)
      holds.push({ reason: 'tax_info_missing', detail: 'the W-9 on file has no tax id' });
  }
  return holds;
}
