import { TandemError } from '../core/errors.js';
import { zodIssues } from '../core/issues.js';
import type { RailName } from '../core/payout.js';
import { missingDetails } from '../core/payout-files.js';
import { maskDetails, payoutProfileSchema, type TaxForm } from '../core/payout-profile.js';
import { toIso } from '../core/time.js';
import { jsonIn, jsonOut, toBool, toNumber } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { findPartner } from './partners.js';
import { chunks, type Db, inTransaction, type Tx } from './transaction.js';

export interface PayoutProfileView {
  partner_id: string;
  rail: RailName;
  /** Masked: never the full account number, IBAN or email. */
  details: Record<string, string>;
  currency: string | null;
  tax: { form: TaxForm | null; tax_id_present: boolean; country: string | null };
  /** What the rail still needs before this partner can be paid. */
  missing: string[];
  updated_at: string;
}

/** The stored profile, unmasked: only payout runs and rail files read this. */
export interface PayoutProfile {
  partnerId: string;
  rail: RailName;
  details: Record<string, string>;
  currency: string | null;
  taxForm: TaxForm | null;
  taxIdPresent: boolean;
  taxCountry: string | null;
  updatedAt: number;
}

/**
 * Creates or replaces a partner's payout profile. Details omitted on a
 * replace are kept when the rail is the same, so a partner can change its
 * tax status without re-typing its IBAN (the API never shows it back).
 * Errors: `partner_not_found`, `validation_failed`.
 */
export async function putPayoutProfile(
  deps: Deps,
  partnerId: string,
  input: unknown,
  actor: string,
): Promise<PayoutProfileView> {
  const parsed = payoutProfileSchema.safeParse(input);
  if (!parsed.success)
    throw new TandemError('validation_failed', 'invalid payout profile', {
      issues: zodIssues(parsed.error),
    });
  const p = parsed.data;
  return inTransaction(deps, async (tx) => {
    await findPartner(tx, partnerId);
    const now = deps.clock.now();
    const before = await loadPayoutProfile(tx, partnerId);
    const details =
      before && before.rail === p.rail ? { ...before.details, ...p.details } : { ...p.details };
    const row = {
      rail: p.rail,
      details: jsonIn(details),
      currency: p.currency === undefined ? (before?.currency ?? null) : p.currency,
      tax_form: p.tax?.form ?? before?.taxForm ?? null,
      tax_id_present: (p.tax ? p.tax.tax_id_present : before?.taxIdPresent) ? 1 : 0,
      tax_country: p.tax?.country ?? (p.tax ? null : (before?.taxCountry ?? null)),
      updated_at: now,
    };
    if (before)
      await tx
        .updateTable('payout_profiles')
        .set(row)
        .where('partner_id', '=', partnerId)
        .execute();
    else
      await tx
        .insertInto('payout_profiles')
        .values({ partner_id: partnerId, created_at: now, ...row })
        .execute();
    await audit(deps, tx, {
      actor,
      action: 'payout_profile.updated',
      subject: partnerId,
      // What changed, masked: the audit log is read by people too.
      data: { rail: p.rail, details: maskDetails(details), currency: row.currency, tax: p.tax },
    });
    return toView((await loadPayoutProfile(tx, partnerId)) as PayoutProfile);
  });
}

/** A partner's profile, masked. Errors: `partner_not_found`, `not_found` (no profile yet). */
export async function getPayoutProfile(deps: Deps, partnerId: string): Promise<PayoutProfileView> {
  await findPartner(deps.store.db, partnerId);
  const p = await loadPayoutProfile(deps.store.db, partnerId);
  if (!p) throw new TandemError('not_found', `partner ${partnerId} has no payout profile yet`);
  return toView(p);
}

export async function loadPayoutProfile(
  db: Db | Tx,
  partnerId: string,
): Promise<PayoutProfile | undefined> {
  const r = await db
    .selectFrom('payout_profiles')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .executeTakeFirst();
  return r ? fromRow(r) : undefined;
}

/** Profiles of many partners at once (a payout run's chunk). */
export async function loadPayoutProfiles(
  db: Db | Tx,
  partnerIds: readonly string[],
): Promise<Map<string, PayoutProfile>> {
  const out = new Map<string, PayoutProfile>();
  for (const part of chunks(partnerIds, 500)) {
    const rows = await db
      .selectFrom('payout_profiles')
      .selectAll()
      .where('partner_id', 'in', part)
      .execute();
    for (const r of rows) out.set(r.partner_id, fromRow(r));
  }
  return out;
}

function fromRow(r: {
  partner_id: string;
  rail: string;
  details: unknown;
  currency: string | null;
  tax_form: string | null;
  tax_id_present: unknown;
  tax_country: string | null;
  updated_at: unknown;
}): PayoutProfile {
  return {
    partnerId: r.partner_id,
    rail: r.rail as RailName,
    details: jsonOut<Record<string, string>>(r.details),
    currency: r.currency,
    taxForm: r.tax_form as TaxForm | null,
    taxIdPresent: toBool(r.tax_id_present),
    taxCountry: r.tax_country,
    updatedAt: toNumber(r.updated_at),
  };
}

function toView(p: PayoutProfile): PayoutProfileView {
  return {
    partner_id: p.partnerId,
    rail: p.rail,
    details: maskDetails(p.details),
    currency: p.currency,
    tax: { form: p.taxForm, tax_id_present: p.taxIdPresent, country: p.taxCountry },
    missing: missingDetails(p.rail, p.details),
    updated_at: toIso(p.updatedAt),
  };
}
