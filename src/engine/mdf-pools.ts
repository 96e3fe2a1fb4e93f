import type { Currency } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import {
  defaultClaimDeadline,
  type MdfScope,
  type MdfStatus,
  type PoolUsage,
  parseQuarter,
  poolRemaining,
  poolServes,
  poolUsage,
} from '../core/mdf.js';
import { formatAmount } from '../core/money.js';
import { toIso } from '../core/time.js';
import type { MdfPoolsTable } from '../store/schema.js';
import { toBigInt, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { enrolledProgramIds } from './partners.js';
import type { Db, Tx } from './transaction.js';

/** A stored MDF pool with its amount as a bigint and its times as numbers. */
export interface MdfPool {
  id: string;
  programId: string;
  quarter: string;
  scope: MdfScope;
  tierId: string | null;
  partnerId: string | null;
  scopeKey: string;
  currency: Currency;
  amount: bigint;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface MdfPoolView {
  id: string;
  program_id: string;
  quarter: string;
  starts_at: string;
  ends_at: string;
  scope: MdfScope;
  tier_id: string | null;
  partner_id: string | null;
  currency: string;
  amount: string;
  /** Held by approvals (approved or claimed) and reimbursements. */
  committed: string;
  /** Paid back to partners: part of committed. */
  reimbursed: string;
  /** Requested and not decided yet: not committed. */
  pending: string;
  remaining: string;
  /** What an approval's claim deadline is unless the operator sets one. */
  default_claim_deadline: string;
  created_at: string;
  updated_at: string;
}

export const poolFromRow = (r: MdfPoolsTable): MdfPool => ({
  id: r.id,
  programId: r.program_id,
  quarter: r.quarter,
  scope: r.scope as MdfScope,
  tierId: r.tier_id,
  partnerId: r.partner_id,
  scopeKey: r.scope_key,
  currency: r.currency as Currency,
  amount: toBigInt(r.amount),
  createdBy: r.created_by,
  createdAt: toNumber(r.created_at),
  updatedAt: toNumber(r.updated_at),
});

export function mdfPoolView(p: MdfPool, usage: PoolUsage): MdfPoolView {
  const q = parseQuarter(p.quarter) as { start: number; end: number };
  const fmt = (v: bigint) => formatAmount(v, p.currency);
  return {
    id: p.id,
    program_id: p.programId,
    quarter: p.quarter,
    starts_at: toIso(q.start),
    ends_at: toIso(q.end),
    scope: p.scope,
    tier_id: p.tierId,
    partner_id: p.partnerId,
    currency: p.currency,
    amount: fmt(p.amount),
    committed: fmt(usage.committed),
    reimbursed: fmt(usage.reimbursed),
    pending: fmt(usage.pending),
    remaining: fmt(poolRemaining(p.amount, usage)),
    default_claim_deadline: toIso(defaultClaimDeadline(p.quarter)),
    created_at: toIso(p.createdAt),
    updated_at: toIso(p.updatedAt),
  };
}

/**
 * A pool by id; with `lock` (inside a transaction on PostgreSQL) its row is
 * locked until the transaction ends, so approvals and resizes of one pool
 * take turns (SQLite transactions already do). Errors: `mdf_pool_not_found`.
 */
export async function loadMdfPool(
  deps: Pick<Deps, 'store'>,
  db: Db | Tx,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<MdfPool> {
  let q = db.selectFrom('mdf_pools').selectAll().where('id', '=', id);
  if (opts.lock && deps.store.dialect === 'postgres') q = q.forUpdate();
  const r = await q.executeTakeFirst();
  if (!r) throw new TandemError('mdf_pool_not_found', `no MDF pool ${id}`);
  return poolFromRow(r);
}

/**
 * What the requests of each pool hold of it, recomputed from mdf_requests
 * (there is no running total to drift).
 */
export async function mdfPoolUsage(
  db: Db | Tx,
  poolIds: readonly string[],
): Promise<Map<string, PoolUsage>> {
  const out = new Map<string, PoolUsage>();
  if (poolIds.length === 0) return out;
  const rows = await db
    .selectFrom('mdf_requests')
    .select(['pool_id', 'status', 'requested', 'approved', 'reimbursed'])
    .where('pool_id', 'in', [...poolIds])
    .execute();
  const byPool = new Map<string, typeof rows>();
  for (const r of rows) byPool.set(r.pool_id, [...(byPool.get(r.pool_id) ?? []), r]);
  for (const id of poolIds)
    out.set(
      id,
      poolUsage(
        (byPool.get(id) ?? []).map((r) => ({
          status: r.status as MdfStatus,
          requested: toBigInt(r.requested),
          approved: r.approved === null ? null : toBigInt(r.approved),
          reimbursed: r.reimbursed === null ? null : toBigInt(r.reimbursed),
        })),
      ),
    );
  return out;
}

/** A pool's view with its usage recomputed. */
export async function readMdfPoolView(db: Db | Tx, pool: MdfPool): Promise<MdfPoolView> {
  const usage = (await mdfPoolUsage(db, [pool.id])).get(pool.id) as PoolUsage;
  return mdfPoolView(pool, usage);
}

/** The tier a partner holds in a program now (as last evaluated), if any. */
export async function currentTier(
  db: Db | Tx,
  programId: string,
  partnerId: string,
): Promise<string | null> {
  const r = await db
    .selectFrom('partner_tiers')
    .select('tier')
    .where('program_id', '=', programId)
    .where('partner_id', '=', partnerId)
    .executeTakeFirst();
  return r?.tier ?? null;
}

/**
 * Whether a partner may draw on a pool: it is enrolled in the pool's
 * program and the pool's scope serves it (the program, the tier it holds
 * now, or itself).
 */
export async function poolServesPartner(
  db: Db | Tx,
  pool: MdfPool,
  partnerId: string,
): Promise<boolean> {
  const enrolled = await db
    .selectFrom('enrollments')
    .select('partner_id')
    .where('program_id', '=', pool.programId)
    .where('partner_id', '=', partnerId)
    .executeTakeFirst();
  if (!enrolled) return false;
  const tier = pool.scope === 'tier' ? await currentTier(db, pool.programId, partnerId) : null;
  return poolServes(pool, { id: partnerId, tier });
}

/** One pool with its usage. Errors: `mdf_pool_not_found`. */
export async function getMdfPool(deps: Deps, id: string): Promise<MdfPoolView> {
  const db = deps.store.db;
  return readMdfPoolView(db, await loadMdfPool(deps, db, id));
}

/**
 * Pools, by program, quarter and scope; with `eligibleFor` only those that
 * partner may draw on now (what a partner key sees).
 */
export async function listMdfPools(
  deps: Deps,
  q: {
    programId?: string | undefined;
    quarter?: string | undefined;
    scope?: MdfScope | undefined;
    eligibleFor?: string | undefined;
  },
): Promise<{ data: MdfPoolView[] }> {
  const db = deps.store.db;
  let query = db
    .selectFrom('mdf_pools')
    .selectAll()
    .orderBy('quarter', 'desc')
    .orderBy('program_id')
    .orderBy('scope_key');
  if (q.programId) {
    const p = await db
      .selectFrom('programs')
      .select('id')
      .where((eb) =>
        eb.or([eb('id', '=', q.programId as string), eb('key', '=', q.programId as string)]),
      )
      .executeTakeFirst();
    query = query.where('program_id', '=', p?.id ?? q.programId);
  }
  if (q.quarter) query = query.where('quarter', '=', q.quarter);
  if (q.scope) query = query.where('scope', '=', q.scope);
  let pools = (await query.execute()).map(poolFromRow);
  if (q.eligibleFor) {
    const partnerId = q.eligibleFor;
    const enrolled = await enrolledProgramIds(db, partnerId);
    const tiers = new Map(
      (
        await db
          .selectFrom('partner_tiers')
          .select(['program_id', 'tier'])
          .where('partner_id', '=', partnerId)
          .execute()
      ).map((r) => [r.program_id, r.tier]),
    );
    pools = pools.filter(
      (p) =>
        enrolled.has(p.programId) &&
        poolServes(p, { id: partnerId, tier: tiers.get(p.programId) ?? null }),
    );
  }
  const usage = await mdfPoolUsage(
    db,
    pools.map((p) => p.id),
  );
  return { data: pools.map((p) => mdfPoolView(p, usage.get(p.id) as PoolUsage)) };
}

export function invalid(path: string, message: string): TandemError {
  return new TandemError('validation_failed', `${path}: ${message}`, {
    issues: [{ path: `body.${path}`, message }],
  });
}
