import { sql } from 'kysely';
import { CLOCK_SKEW_MS } from '../core/attribution.js';
import { TandemError } from '../core/errors.js';
import { toIso } from '../core/time.js';
import { jsonIn, jsonOut, toNumber } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { markCustomersIn } from './dirty-units.js';
import { findProgram } from './programs.js';
import { type Db, inTransaction, type Tx } from './transaction.js';

export const partnerKinds = ['referral', 'integration', 'co_marketing'] as const;
export type PartnerKind = (typeof partnerKinds)[number];
export const partnerStatuses = ['applied', 'approved', 'rejected', 'suspended', 'banned'] as const;
export type PartnerStatus = (typeof partnerStatuses)[number];

export interface PartnerView {
  id: string;
  name: string;
  email: string | null;
  kinds: PartnerKind[];
  status: PartnerStatus;
  status_reason: string | null;
  programs: string[];
  created_at: string;
  updated_at: string;
}

/** Which status changes an operator may make; anything else is `invalid_partner_transition`. */
const transitions: Record<PartnerStatus, readonly PartnerStatus[]> = {
  applied: ['approved', 'rejected'],
  approved: ['suspended', 'banned'],
  rejected: ['approved'],
  suspended: ['approved', 'banned'],
  banned: [],
};

/**
 * Registers a partner (status `applied`, or `approved` when the operator
 * creates it approved) and enrolls it in the given programs.
 * Errors: `partner_exists` (email taken), `program_not_found`.
 */
export async function createPartner(
  deps: Deps,
  input: {
    name: string;
    email?: string | undefined;
    kinds: PartnerKind[];
    programs?: string[];
    status?: 'applied' | 'approved';
  },
  actor = 'system',
): Promise<PartnerView> {
  return inTransaction(deps, async (tx) => {
    if (input.email) {
      const taken = await tx
        .selectFrom('partners')
        .select('id')
        .where('email', '=', input.email)
        .executeTakeFirst();
      if (taken)
        throw new TandemError('partner_exists', `a partner with email ${input.email} exists`, {
          id: taken.id,
        });
    }
    const now = deps.clock.now();
    const id = deps.ids.next('prt');
    await tx
      .insertInto('partners')
      .values({
        id,
        name: input.name,
        email: input.email ?? null,
        kinds: jsonIn([...new Set(input.kinds)]),
        status: input.status ?? 'applied',
        status_reason: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordStatus(deps, tx, id, input.status ?? 'applied', now, null);
    for (const p of input.programs ?? []) {
      const program = await findProgram(tx, p);
      await tx
        .insertInto('enrollments')
        .values({ program_id: program.id, partner_id: id, created_at: now })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await audit(deps, tx, {
      actor,
      action: 'partner.created',
      subject: id,
      data: { name: input.name, status: input.status ?? 'applied' },
    });
    return getPartnerIn(tx, id);
  });
}

/**
 * Moves a partner to a new status (approve, reject, suspend, ban, reinstate)
 * with a reason, recorded in the audit log.
 * Errors: `partner_not_found`, `invalid_partner_transition`.
 */
export async function changePartnerStatus(
  deps: Deps,
  input: { partnerId: string; status: PartnerStatus; reason?: string | undefined },
  actor = 'system',
): Promise<PartnerView> {
  return inTransaction(deps, async (tx) => {
    const p = await getPartnerIn(tx, input.partnerId);
    if (p.status === input.status) return p;
    if (!transitions[p.status].includes(input.status)) {
      throw new TandemError(
        'invalid_partner_transition',
        `a partner cannot go from ${p.status} to ${input.status}`,
        {
          from: p.status,
          to: input.status,
          allowed: transitions[p.status],
        },
      );
    }
    const now = deps.clock.now();
    await tx
      .updateTable('partners')
      .set({ status: input.status, status_reason: input.reason ?? null, updated_at: now })
      .where('id', '=', p.id)
      .execute();
    await recordStatus(deps, tx, p.id, input.status, now, input.reason ?? null);
    // Earning depends on the status at each event's time: re-derive what may have changed.
    await markCustomersIn(
      tx,
      sql`SELECT a.customer_id FROM attributions a JOIN events e ON e.customer_id = a.customer_id
          WHERE a.partner_id = ${p.id} AND e.occurred_at >= ${now - CLOCK_SKEW_MS}`,
      now,
    );
    // ...and customers whose recent events quote its clicks or codes: they may
    // have been left unattributed (or attributed elsewhere) while it was not approved.
    const since = now - CLOCK_SKEW_MS;
    await markCustomersIn(
      tx,
      sql`SELECT e.customer_id FROM events e
      WHERE e.occurred_at >= ${since}
        AND (e.click_id IN (SELECT id FROM clicks WHERE partner_id = ${p.id})
          OR e.referral_code IN (SELECT code FROM codes WHERE partner_id = ${p.id})
          OR e.coupon IN (SELECT code FROM codes WHERE partner_id = ${p.id}))`,
      now,
    );
    await audit(deps, tx, {
      actor,
      action: `partner.${input.status}`,
      subject: p.id,
      data: { from: p.status, reason: input.reason },
    });
    return getPartnerIn(tx, p.id);
  });
}

/**
 * Status history is append-only: derivation asks "was this partner approved
 * when this happened?", so a suspension stops earnings from its moment on
 * without rewriting what was earned before.
 */
async function recordStatus(
  deps: Deps,
  tx: Tx,
  partnerId: string,
  status: PartnerStatus,
  at: number,
  reason: string | null,
) {
  await tx
    .insertInto('partner_status_history')
    .values({ id: deps.ids.next('pst'), partner_id: partnerId, status, at, reason })
    .execute();
}

/** Enrolls a partner in a program (idempotent). */
export async function enrollPartner(
  deps: Deps,
  partnerId: string,
  program: string,
): Promise<PartnerView> {
  return inTransaction(deps, async (tx) => {
    const p = await getPartnerIn(tx, partnerId);
    const prg = await findProgram(tx, program);
    await tx
      .insertInto('enrollments')
      .values({ program_id: prg.id, partner_id: p.id, created_at: deps.clock.now() })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return getPartnerIn(tx, p.id);
  });
}

export async function getPartner(deps: Deps, id: string): Promise<PartnerView> {
  return getPartnerIn(deps.store.db, id);
}

/** A partner's id and status. Errors: `partner_not_found`. */
export async function findPartner(
  db: Db | Tx,
  id: string,
): Promise<{ id: string; status: string }> {
  const row = await db
    .selectFrom('partners')
    .select(['id', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new TandemError('partner_not_found', `no partner ${id}`);
  return row;
}

export async function getPartnerIn(db: Db | Tx, id: string): Promise<PartnerView> {
  const row = await db.selectFrom('partners').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new TandemError('partner_not_found', `no partner ${id}`);
  const programs = await db
    .selectFrom('enrollments')
    .innerJoin('programs', 'programs.id', 'enrollments.program_id')
    .select('programs.key')
    .where('partner_id', '=', id)
    .orderBy('programs.key')
    .execute();
  return toView(
    row,
    programs.map((p) => p.key),
  );
}

export async function listPartners(
  deps: Deps,
  q: {
    status?: PartnerStatus | undefined;
    search?: string | undefined;
    limit: number;
    after?: string | undefined;
  },
): Promise<PartnerView[]> {
  let query = deps.store.db.selectFrom('partners').selectAll().orderBy('id').limit(q.limit);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.after) query = query.where('id', '>', q.after);
  if (q.search) {
    const like = `%${q.search.toLowerCase().replace(/[%_]/g, '')}%`;
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['name']), 'like', like),
        eb(eb.fn('lower', ['email']), 'like', like),
      ]),
    );
  }
  const rows = await query.execute();
  const enrolled = rows.length
    ? await deps.store.db
        .selectFrom('enrollments')
        .innerJoin('programs', 'programs.id', 'enrollments.program_id')
        .select(['enrollments.partner_id', 'programs.key'])
        .where(
          'partner_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  return rows.map((r) =>
    toView(
      r,
      enrolled
        .filter((e) => e.partner_id === r.id)
        .map((e) => e.key)
        .sort(),
    ),
  );
}

function toView(
  row: {
    id: string;
    name: string;
    email: string | null;
    kinds: unknown;
    status: string;
    status_reason: string | null;
    created_at: unknown;
    updated_at: unknown;
  },
  programs: string[],
): PartnerView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    kinds: jsonOut<PartnerKind[]>(row.kinds),
    status: row.status as PartnerStatus,
    status_reason: row.status_reason,
    programs,
    created_at: toIso(toNumber(row.created_at)),
    updated_at: toIso(toNumber(row.updated_at)),
  };
}

/** That a partner is enrolled in a program. Errors: `not_enrolled`. */
export async function requireEnrollment(
  tx: Tx,
  programId: string,
  partnerId: string,
): Promise<void> {
  const enrolled = await tx
    .selectFrom('enrollments')
    .select('partner_id')
    .where('program_id', '=', programId)
    .where('partner_id', '=', partnerId)
    .executeTakeFirst();
  if (!enrolled)
    throw new TandemError('not_enrolled', `partner ${partnerId} is not enrolled in the program`);
}

/** The ids of the programs a partner is enrolled in. */
export async function enrolledProgramIds(db: Db | Tx, partnerId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('enrollments')
    .select('program_id')
    .where('partner_id', '=', partnerId)
    .execute();
  return new Set(rows.map((r) => r.program_id));
}
