import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { TandemError } from '../core/errors.js';
import { destinationAllowed } from '../core/link-destinations.js';
import { toIso } from '../core/time.js';
import { normalizeCode } from '../core/touch.js';
import { toNumber, toOptionalNumber } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { markCustomersIn } from './dirty-units.js';
import { versionAtOrFirst } from './load-programs.js';
import { getPartnerIn } from './partners.js';
import { findProgram } from './programs.js';
import { inTransaction, type Tx } from './transaction.js';

export interface LinkView {
  id: string;
  code: string;
  partner_id: string;
  program: string;
  destination: string;
  created_at: string;
  disabled_at: string | null;
  /** Set on a campaign's tracking link. */
  campaign_id?: string;
}

export interface CodeView {
  code: string;
  kind: 'referral_code' | 'coupon';
  partner_id: string;
  program: string;
  created_at: string;
  disabled_at: string | null;
}

const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const UTM = ['source', 'medium', 'campaign', 'term', 'content'] as const;

function randomCode(length: number): string {
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return s;
}

/** Adds UTM parameters the destination does not already carry (the destination's own win). */
export function withUtm(
  destination: string,
  utm: Partial<Record<(typeof UTM)[number], string>> | undefined,
): string {
  const url = new URL(destination);
  for (const k of UTM) {
    const v = utm?.[k];
    if (v && !url.searchParams.has(`utm_${k}`)) url.searchParams.set(`utm_${k}`, v);
  }
  return url.toString();
}

async function requireApproved(tx: Tx, partnerId: string) {
  const partner = await getPartnerIn(tx, partnerId);
  if (partner.status !== 'approved') {
    throw new TandemError(
      'partner_not_approved',
      `partner ${partnerId} is ${partner.status}, not approved`,
    );
  }
  return partner;
}

async function enroll(tx: Tx, programId: string, partnerId: string, now: number) {
  await tx
    .insertInto('enrollments')
    .values({ program_id: programId, partner_id: partnerId, created_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * Creates a tracking link: a short code that redirects to `destination`
 * (http or https) with UTM parameters kept and added. A custom `code` may be
 * asked for. An operator's link enrolls the partner in the program; a
 * partner creating its own link (`enrolledOnly`) must already be enrolled.
 * Errors: `partner_not_found`, `partner_not_approved`, `program_not_found`
 * (also for a program the partner may not join itself), `code_taken`,
 * `validation_failed` (bad URL), `destination_not_allowed` (a host the
 * program's terms do not list under `links.destinations`).
 */
export async function createLink(
  deps: Deps,
  input: {
    partnerId: string;
    program: string;
    destination: string;
    code?: string | undefined;
    utm?: Partial<Record<(typeof UTM)[number], string>> | undefined;
    enrolledOnly?: boolean | undefined;
    /** A campaign's tracking link: its visits are touches of the campaign. */
    campaignId?: string | undefined;
  },
  actor = 'system',
): Promise<LinkView> {
  let destination: string;
  let url: URL;
  try {
    url = new URL(input.destination);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    destination = withUtm(input.destination, input.utm);
  } catch {
    throw new TandemError('validation_failed', 'destination must be an absolute http(s) URL', {
      issues: [{ path: 'destination', message: 'must be an absolute http(s) URL' }],
    });
  }
  return inTransaction(deps, async (tx) => {
    await requireApproved(tx, input.partnerId);
    const program = await findProgram(tx, input.program);
    if (input.enrolledOnly) {
      const enrolled = await tx
        .selectFrom('enrollments')
        .select('partner_id')
        .where('program_id', '=', program.id)
        .where('partner_id', '=', input.partnerId)
        .executeTakeFirst();
      // Not 403: a partner must not learn which programs it is not in.
      if (!enrolled) throw new TandemError('program_not_found', `no program "${input.program}"`);
    }
    const now = deps.clock.now();
    const allowed = (await versionAtOrFirst(tx, program.id, now))?.terms.linkDestinations;
    if (!destinationAllowed(allowed, url))
      throw new TandemError(
        'destination_not_allowed',
        `links of this program may point to ${allowed?.join(', ')}, not ${url.hostname}`,
        { allowed },
      );
    let code = input.code;
    if (code) {
      const taken = await tx
        .selectFrom('links')
        .select('id')
        .where('code', '=', code)
        .executeTakeFirst();
      if (taken) throw new TandemError('code_taken', `the link code "${code}" is taken`);
    } else {
      for (;;) {
        code = randomCode(8);
        const taken = await tx
          .selectFrom('links')
          .select('id')
          .where('code', '=', code)
          .executeTakeFirst();
        if (!taken) break;
      }
    }
    const id = deps.ids.next('lnk');
    await enroll(tx, program.id, input.partnerId, now);
    await tx
      .insertInto('links')
      .values({
        id,
        code,
        partner_id: input.partnerId,
        program_id: program.id,
        destination,
        created_at: now,
        disabled_at: null,
        ...(input.campaignId ? { campaign_id: input.campaignId } : {}),
      })
      .execute();
    await audit(deps, tx, {
      actor,
      action: 'link.created',
      subject: input.partnerId,
      data: { link_id: id, code, ...(input.campaignId ? { campaign_id: input.campaignId } : {}) },
    });
    return {
      id,
      code,
      partner_id: input.partnerId,
      program: program.key,
      destination,
      created_at: toIso(now),
      disabled_at: null,
      ...(input.campaignId ? { campaign_id: input.campaignId } : {}),
    };
  });
}

/**
 * Creates a referral code or coupon code for a partner. Codes match
 * case-insensitively and are unique across both kinds. Events that already
 * quoted the code are re-derived (an import may run before the code exists).
 * Errors: `partner_not_found`, `partner_not_approved`, `program_not_found`, `code_taken`.
 */
export async function createCode(
  deps: Deps,
  input: {
    partnerId: string;
    program: string;
    kind: 'referral_code' | 'coupon';
    code?: string | undefined;
  },
  actor = 'system',
): Promise<CodeView> {
  return inTransaction(deps, async (tx) => {
    await requireApproved(tx, input.partnerId);
    const program = await findProgram(tx, input.program);
    const now = deps.clock.now();
    const display = input.code?.trim() || randomCode(8).toUpperCase();
    const code = normalizeCode(display);
    const taken = await tx
      .selectFrom('codes')
      .select('code')
      .where('code', '=', code)
      .executeTakeFirst();
    if (taken) throw new TandemError('code_taken', `the code "${display}" is taken`);
    await enroll(tx, program.id, input.partnerId, now);
    await tx
      .insertInto('codes')
      .values({
        code,
        display,
        kind: input.kind,
        partner_id: input.partnerId,
        program_id: program.id,
        created_at: now,
        disabled_at: null,
      })
      .execute();
    await markCustomersQuoting(tx, code, now);
    await audit(deps, tx, {
      actor,
      action: 'code.created',
      subject: input.partnerId,
      data: { code: display, kind: input.kind },
    });
    return {
      code: display,
      kind: input.kind,
      partner_id: input.partnerId,
      program: program.key,
      created_at: toIso(now),
      disabled_at: null,
    };
  });
}

async function markCustomersQuoting(tx: Tx, code: string, now: number) {
  await markCustomersIn(
    tx,
    sql`SELECT customer_id FROM events WHERE referral_code = ${code} OR coupon = ${code}`,
    now,
  );
}

/** Disables a link: its redirect answers 404 from now on; clicks already made keep counting. */
export async function disableLink(deps: Deps, linkId: string, actor = 'system'): Promise<LinkView> {
  return inTransaction(deps, async (tx) => {
    const link = await tx
      .selectFrom('links')
      .selectAll()
      .where('id', '=', linkId)
      .executeTakeFirst();
    if (!link) throw new TandemError('link_not_found', `no link ${linkId}`);
    const now = deps.clock.now();
    if (link.disabled_at === null) {
      await tx.updateTable('links').set({ disabled_at: now }).where('id', '=', linkId).execute();
      await audit(deps, tx, {
        actor,
        action: 'link.disabled',
        subject: link.partner_id,
        data: { link_id: linkId },
      });
    }
    const program = await tx
      .selectFrom('programs')
      .select('key')
      .where('id', '=', link.program_id)
      .executeTakeFirstOrThrow();
    return linkView({ ...link, disabled_at: link.disabled_at ?? now }, program.key);
  });
}

/** Disables a code: events after this moment that quote it earn nothing through it. */
export async function disableCode(
  deps: Deps,
  rawCode: string,
  actor = 'system',
): Promise<CodeView> {
  return inTransaction(deps, async (tx) => {
    const code = normalizeCode(rawCode);
    const row = await tx
      .selectFrom('codes')
      .selectAll()
      .where('code', '=', code)
      .executeTakeFirst();
    if (!row) throw new TandemError('code_not_found', `no code "${rawCode}"`);
    const now = deps.clock.now();
    if (row.disabled_at === null) {
      await tx.updateTable('codes').set({ disabled_at: now }).where('code', '=', code).execute();
      await markCustomersQuoting(tx, code, now);
      await audit(deps, tx, {
        actor,
        action: 'code.disabled',
        subject: row.partner_id,
        data: { code: row.display },
      });
    }
    const program = await tx
      .selectFrom('programs')
      .select('key')
      .where('id', '=', row.program_id)
      .executeTakeFirstOrThrow();
    return codeView({ ...row, disabled_at: row.disabled_at ?? now }, program.key);
  });
}

/** A partner's links, each with its clicks so far (people, and bots apart). */
export async function listLinks(
  deps: Deps,
  partnerId: string,
): Promise<(LinkView & { clicks: number; bot_clicks: number })[]> {
  await getPartnerIn(deps.store.db, partnerId);
  const [rows, counts] = await Promise.all([
    deps.store.db
      .selectFrom('links')
      .innerJoin('programs', 'programs.id', 'links.program_id')
      .selectAll('links')
      .select('programs.key as program_key')
      .where('partner_id', '=', partnerId)
      .orderBy('links.created_at')
      .execute(),
    // One pass over the partner's clicks (its index), counted per link.
    sql<{ link_id: string; bot: unknown; n: unknown }>`
      SELECT link_id, bot, COUNT(*) AS n FROM clicks WHERE partner_id = ${partnerId}
      GROUP BY link_id, bot`.execute(deps.store.db),
  ]);
  const count = new Map<string, { clicks: number; bot_clicks: number }>();
  for (const c of counts.rows) {
    const k = count.get(c.link_id) ?? { clicks: 0, bot_clicks: 0 };
    if (toNumber(c.bot) === 1) k.bot_clicks += toNumber(c.n);
    else k.clicks += toNumber(c.n);
    count.set(c.link_id, k);
  }
  return rows.map((r) => ({
    ...linkView(r, r.program_key),
    ...(count.get(r.id) ?? { clicks: 0, bot_clicks: 0 }),
  }));
}

export async function listCodes(deps: Deps, partnerId: string): Promise<CodeView[]> {
  await getPartnerIn(deps.store.db, partnerId);
  const rows = await deps.store.db
    .selectFrom('codes')
    .innerJoin('programs', 'programs.id', 'codes.program_id')
    .selectAll('codes')
    .select('programs.key as program_key')
    .where('partner_id', '=', partnerId)
    .orderBy('codes.created_at')
    .execute();
  return rows.map((r) => codeView(r, r.program_key));
}

function linkView(
  r: {
    id: string;
    code: string;
    partner_id: string;
    destination: string;
    created_at: unknown;
    disabled_at: unknown;
  },
  program: string,
): LinkView {
  const disabled = toOptionalNumber(r.disabled_at);
  return {
    id: r.id,
    code: r.code,
    partner_id: r.partner_id,
    program,
    destination: r.destination,
    created_at: toIso(toNumber(r.created_at)),
    disabled_at: disabled === undefined ? null : toIso(disabled),
  };
}

function codeView(
  r: {
    display: string;
    kind: string;
    partner_id: string;
    created_at: unknown;
    disabled_at: unknown;
  },
  program: string,
): CodeView {
  const disabled = toOptionalNumber(r.disabled_at);
  return {
    code: r.display,
    kind: r.kind as CodeView['kind'],
    partner_id: r.partner_id,
    program,
    created_at: toIso(toNumber(r.created_at)),
    disabled_at: disabled === undefined ? null : toIso(disabled),
  };
}
