import { sql } from 'kysely';
import { TandemError } from '../core/errors.js';
import { toIso } from '../core/time.js';
import type { UsersTable } from '../store/schema.js';
import { toNumber } from '../store/values.js';
import type { Scope } from './api-keys.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { findPartner } from './partners.js';
import { inTransaction, type Tx } from './transaction.js';

export const roles = [
  'owner',
  'admin',
  'finance',
  'partner_manager',
  'analyst',
  'partner',
] as const;
export type Role = (typeof roles)[number];
export type OperatorRole = Exclude<Role, 'partner'>;

/**
 * What each operator role may do, in API-key scopes: the web app's session
 * is checked by the same rules as a key. owner and admin do everything;
 * only an owner makes or unmakes owners. A partner user holds no scopes: it
 * sees its partner's data, like a partner key.
 */
export const scopesOfRole: Record<Role, readonly Scope[]> = {
  owner: ['admin'],
  admin: ['admin'],
  finance: ['read', 'payouts:write', 'payouts:approve', 'mdf:approve'],
  partner_manager: [
    'read',
    'partners:write',
    'programs:write',
    'integrations:write',
    'campaigns:write',
    'credits:redeem',
  ],
  analyst: ['read'],
  partner: [],
};

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  partner_id: string | null;
  has_password: boolean;
  disabled: boolean;
  created_at: string;
  last_sign_in_at: string | null;
}

export const normalEmail = (email: string) => email.trim().toLowerCase();

export function userView(r: UsersTable): UserView {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role as Role,
    partner_id: r.partner_id,
    has_password: r.password_hash !== null,
    disabled: r.disabled_at !== null,
    created_at: toIso(toNumber(r.created_at)),
    last_sign_in_at: r.last_sign_in_at === null ? null : toIso(toNumber(r.last_sign_in_at)),
  };
}

/**
 * Adds a person who may sign in: an operator with a role, or a partner's
 * person (role `partner` with partner_id). Errors: `user_exists` (email
 * taken), `partner_not_found`, `validation_failed` (partner role without a
 * partner or the other way round), `forbidden` (only an owner makes owners).
 */
export async function createUser(
  deps: Deps,
  input: { email: string; name: string; role: Role; partner_id?: string | undefined },
  actor: { id: string; role: Role | null },
): Promise<UserView> {
  if ((input.role === 'partner') !== (input.partner_id !== undefined))
    throw new TandemError(
      'validation_failed',
      'a partner user needs partner_id, and only a partner user has one',
    );
  if (input.role === 'owner') requireOwner(actor);
  const now = deps.clock.now();
  const row: UsersTable = {
    id: deps.ids.next('usr'),
    email: normalEmail(input.email),
    name: input.name.trim(),
    role: input.role,
    partner_id: input.partner_id ?? null,
    password_hash: null,
    created_at: now,
    updated_at: now,
    disabled_at: null,
    last_sign_in_at: null,
  };
  return inTransaction(deps, async (tx) => {
    if (row.partner_id) await findPartner(tx, row.partner_id);
    const inserted = await tx
      .insertInto('users')
      .values(row)
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw new TandemError('user_exists', `a user with email ${row.email} exists`);
    await audit(deps, tx, {
      actor: actor.id,
      action: 'user.created',
      subject: row.id,
      data: { email: row.email, role: row.role, partner_id: row.partner_id },
    });
    return userView(row);
  });
}

/**
 * Changes a user's name, role or whether it may sign in; disabling ends its
 * sessions. Errors: `user_not_found`, `forbidden` (owners are changed by
 * owners only), `last_owner` (the last active owner keeps the role),
 * `validation_failed` (turning an operator into a partner user or back).
 */
export async function updateUser(
  deps: Deps,
  id: string,
  change: {
    name?: string | undefined;
    role?: OperatorRole | undefined;
    disabled?: boolean | undefined;
  },
  actor: { id: string; role: Role | null },
): Promise<UserView> {
  return inTransaction(deps, async (tx) => {
    const row = await tx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new TandemError('user_not_found', `no user ${id}`);
    if (change.role !== undefined && row.role === 'partner')
      throw new TandemError('validation_failed', 'a partner user keeps the partner role');
    if (row.role === 'owner' || change.role === 'owner') requireOwner(actor);
    const now = deps.clock.now();
    const next: UsersTable = {
      ...row,
      name: change.name?.trim() ?? row.name,
      role: change.role ?? row.role,
      disabled_at:
        change.disabled === undefined
          ? row.disabled_at
          : change.disabled
            ? (row.disabled_at ?? now)
            : null,
      updated_at: now,
    };
    if (row.role === 'owner' && (next.role !== 'owner' || next.disabled_at !== null))
      await keepAnOwner(deps, tx, id);
    await tx
      .updateTable('users')
      .set({ name: next.name, role: next.role, disabled_at: next.disabled_at, updated_at: now })
      .where('id', '=', id)
      .execute();
    if (next.disabled_at !== null && row.disabled_at === null)
      await tx
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('user_id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    await audit(deps, tx, {
      actor: actor.id,
      action: 'user.updated',
      subject: id,
      data: { ...change },
    });
    return userView(next);
  });
}

function requireOwner(actor: { role: Role | null }): void {
  // An admin API key (role null) is the installation's root credential: it may.
  if (actor.role !== null && actor.role !== 'owner')
    throw new TandemError('forbidden', 'only an owner makes, changes or removes owners');
}

/** Errors: `last_owner` when `id` is the only active owner. */
async function keepAnOwner(deps: Deps, tx: Tx, id: string): Promise<void> {
  // Lock every active owner's row (PostgreSQL), this one's too, so two
  // demotions at once queue and the second sees the first's result.
  const lock = deps.store.dialect === 'postgres' ? sql` FOR UPDATE` : sql``;
  const owners = await sql<{ id: string }>`
    SELECT id FROM users WHERE role = 'owner' AND disabled_at IS NULL${lock}`.execute(tx);
  if (!owners.rows.some((o) => o.id !== id))
    throw new TandemError('last_owner', 'the last active owner keeps the owner role');
}

/** Users, operators first, then by email; `partner_id` narrows to one partner's people. */
export async function listUsers(deps: Deps, q: { partnerId?: string | undefined } = {}) {
  let query = deps.store.db.selectFrom('users').selectAll();
  if (q.partnerId) query = query.where('partner_id', '=', q.partnerId);
  const rows = await query.orderBy('role').orderBy('email').execute();
  return rows.map(userView);
}
