import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { TandemError } from '../core/errors.js';
import type { UsersTable } from '../store/schema.js';
import { toNumber } from '../store/values.js';
import type { Principal } from './api-keys.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { sendMail } from './mail.js';
import { inTransaction } from './transaction.js';
import { normalEmail, type Role, scopesOfRole, userView } from './users.js';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export const LINK_TTL_MS = 15 * 60_000;
export const SESSION_TTL_MS = 14 * 24 * 3_600_000;
/** Links per person per link lifetime; more asks are answered the same but send nothing. */
const LINKS_PER_TTL = 5;
export const MIN_PASSWORD_LENGTH = 12;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

/** A signed-in person, as the HTTP edge needs it: the principal and who it is. */
export interface Session {
  principal: Principal;
  user: ReturnType<typeof userView>;
}

/**
 * Sends a sign-in link to `email` if it belongs to someone who may sign in:
 * a user, or a partner's contact email (its person is created on the first
 * ask). Answers nothing either way, so the form cannot tell who has an
 * account. `next` (a path in the app) rides along in the link.
 */
export async function requestSignInLink(
  deps: Deps,
  input: { email: string; next?: string | undefined },
  publicUrl: string,
): Promise<void> {
  const email = normalEmail(input.email);
  const user = (await findUser(deps, email)) ?? (await partnerContactUser(deps, email));
  if (!user || user.disabled_at !== null) return;
  if (user.partner_id && (await partnerBanned(deps, user.partner_id))) return;
  const now = deps.clock.now();
  const recent = await deps.store.db
    .selectFrom('sign_in_links')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', user.id)
    .where('created_at', '>', now - LINK_TTL_MS)
    .executeTakeFirstOrThrow();
  if (toNumber(recent.n) >= LINKS_PER_TTL) {
    deps.log.warn({ user: user.id }, 'sign-in link not sent: too many asked for recently');
    return;
  }
  const token = newToken();
  await deps.store.db
    .insertInto('sign_in_links')
    .values({
      token_hash: digest(token),
      user_id: user.id,
      created_at: now,
      expires_at: now + LINK_TTL_MS,
      used_at: null,
    })
    .execute();
  const link = new URL('/sign-in/verify', publicUrl);
  link.searchParams.set('token', token);
  if (input.next && safeNext(input.next)) link.searchParams.set('next', input.next);
  await sendMail(deps, {
    to: user.email,
    subject: 'Your Tandem sign-in link',
    text: [
      `Hello ${user.name},`,
      '',
      'Open this link to sign in to Tandem. It works once, for 15 minutes:',
      '',
      link.toString(),
      '',
      'If you did not ask to sign in, ignore this mail: nothing happens without the link.',
    ].join('\n'),
  });
}

/** A path inside the app: starts with one slash, so never another site. */
export const safeNext = (next: string) => /^\/(?![/\\])/.test(next);

/**
 * Exchanges a sign-in link's token for a session; the token works once
 * (a conditional update claims it). Errors: `sign_in_link_invalid`
 * (unknown, used, expired, or its person disabled or banned).
 */
export async function signInWithLink(
  deps: Deps,
  token: string,
): Promise<{ token: string; session: Session }> {
  const now = deps.clock.now();
  const userId = await inTransaction(deps, async (tx) => {
    const claimed = await tx
      .updateTable('sign_in_links')
      .set({ used_at: now })
      .where('token_hash', '=', digest(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    return claimed?.user_id;
  });
  const invalid = new TandemError(
    'sign_in_link_invalid',
    'this sign-in link is unknown, used or expired; ask for a new one',
  );
  if (!userId) throw invalid;
  const user = await deps.store.db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || !(await maySignIn(deps, user))) throw invalid;
  return openSession(deps, user, 'link');
}

/** Errors: `sign_in_failed` (no such person, no password set, wrong password, disabled). */
export async function signInWithPassword(
  deps: Deps,
  input: { email: string; password: string },
): Promise<{ token: string; session: Session }> {
  const user = await findUser(deps, normalEmail(input.email));
  const ok = user?.password_hash
    ? await verifyPassword(input.password, user.password_hash)
    : await burnTime(input.password);
  if (!user || !ok || !(await maySignIn(deps, user)))
    throw new TandemError('sign_in_failed', 'the email or password is not right');
  return openSession(deps, user, 'password');
}

/** The session behind a cookie's token; undefined when unknown, expired, revoked or disabled. */
export async function authenticateSession(deps: Deps, token: string): Promise<Session | undefined> {
  const row = await deps.store.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.expires_at', 'sessions.revoked_at'])
    .where('sessions.token_hash', '=', digest(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || row.disabled_at !== null) return undefined;
  if (toNumber(row.expires_at) <= deps.clock.now()) return undefined;
  return sessionOf(row);
}

/** Ends the session of this cookie token (signing out). */
export async function endSession(deps: Deps, token: string): Promise<void> {
  await deps.store.db
    .updateTable('sessions')
    .set({ revoked_at: deps.clock.now() })
    .where('token_hash', '=', digest(token))
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * Sets (or changes) the signed-in person's password; when one is set the
 * current one is required. Other sessions of the person end.
 * Errors: `password_too_short`, `sign_in_failed` (current password wrong).
 */
export async function setPassword(
  deps: Deps,
  userId: string,
  input: { password: string; current_password?: string | undefined },
  keepToken: string,
): Promise<void> {
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw new TandemError(
      'password_too_short',
      `a password has at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  const user = await deps.store.db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  if (
    user.password_hash &&
    !(await verifyPassword(input.current_password ?? '', user.password_hash))
  )
    throw new TandemError('sign_in_failed', 'the current password is not right');
  const hash = await hashPassword(input.password);
  const now = deps.clock.now();
  await inTransaction(deps, async (tx) => {
    await tx
      .updateTable('users')
      .set({ password_hash: hash, updated_at: now })
      .where('id', '=', userId)
      .execute();
    await tx
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('token_hash', '<>', digest(keepToken))
      .execute();
    await audit(deps, tx, { actor: userId, action: 'user.password_set', subject: userId });
  });
}

async function openSession(
  deps: Deps,
  user: UsersTable,
  how: 'link' | 'password',
): Promise<{ token: string; session: Session }> {
  const token = newToken();
  const now = deps.clock.now();
  await inTransaction(deps, async (tx) => {
    await tx
      .insertInto('sessions')
      .values({
        id: deps.ids.next('ses'),
        token_hash: digest(token),
        user_id: user.id,
        created_at: now,
        expires_at: now + SESSION_TTL_MS,
        revoked_at: null,
      })
      .execute();
    await tx.updateTable('users').set({ last_sign_in_at: now }).where('id', '=', user.id).execute();
    await audit(deps, tx, {
      actor: user.id,
      action: 'user.signed_in',
      subject: user.id,
      data: { how },
    });
  });
  return { token, session: sessionOf({ ...user, last_sign_in_at: now }) };
}

function sessionOf(user: UsersTable): Session {
  const role = user.role as Role;
  return {
    principal: {
      // The person is the actor: audit entries and four-eyes checks name the user.
      keyId: user.id,
      name: user.name,
      scopes: [...scopesOfRole[role]],
      partnerId: user.partner_id,
      mode: 'live',
    },
    user: userView(user),
  };
}

async function maySignIn(deps: Deps, user: UsersTable): Promise<boolean> {
  if (user.disabled_at !== null) return false;
  return !(user.partner_id && (await partnerBanned(deps, user.partner_id)));
}

async function partnerBanned(deps: Deps, partnerId: string): Promise<boolean> {
  const p = await deps.store.db
    .selectFrom('partners')
    .select('status')
    .where('id', '=', partnerId)
    .executeTakeFirst();
  return !p || p.status === 'banned';
}

const findUser = (deps: Deps, email: string) =>
  deps.store.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();

/**
 * A partner's contact email signs in as that partner's person, created on
 * its first ask (a concurrent first ask loses the insert and reads the row).
 */
async function partnerContactUser(deps: Deps, email: string): Promise<UsersTable | undefined> {
  const partners = await deps.store.db
    .selectFrom('partners')
    .select(['id', 'name'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
    .limit(2)
    .execute();
  const partner = partners[0];
  if (!partner || partners.length > 1) return undefined;
  const now = deps.clock.now();
  await deps.store.db
    .insertInto('users')
    .values({
      id: deps.ids.next('usr'),
      email,
      name: partner.name,
      role: 'partner',
      partner_id: partner.id,
      password_hash: null,
      created_at: now,
      updated_at: now,
      disabled_at: null,
      last_sign_in_at: null,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  return findUser(deps, email);
}

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFKC'), salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(
    password.normalize('NFKC'),
    Buffer.from(salt, 'base64url'),
    expected.length,
    {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: SCRYPT.maxmem,
    },
  );
  return timingSafeEqual(actual, expected);
}

/** Spends a hash's time when there is no password to check, so timing does not tell who exists. */
async function burnTime(password: string): Promise<false> {
  await scryptAsync(password, Buffer.alloc(16), 32, SCRYPT);
  return false;
}
