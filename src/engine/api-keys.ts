import { createHash, randomBytes } from 'node:crypto';
import { TandemError } from '../core/errors.js';
import { toIso } from '../core/time.js';
import { jsonIn, jsonOut, toNumber } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { getPartnerIn } from './partners.js';
import { inTransaction } from './transaction.js';

/**
 * Scopes an API key can hold. `admin` allows everything. A partner key (one
 * with a partner id) holds no scopes of its own: it reads that partner's data
 * and creates that partner's own tracking links (what a partner portal does),
 * and nothing else.
 */
export const scopes = [
  'admin',
  'events:write',
  'read',
  'programs:write',
  'partners:write',
  'payouts:write',
  'payouts:approve',
  'integrations:write',
  'credits:redeem',
  'campaigns:write',
  'mdf:approve',
] as const;
export type Scope = (typeof scopes)[number];

/**
 * `live` keys work on live data; `test` keys on the sandbox (test mode): its
 * own events, rewards and ledger beside a mirror of live configuration.
 */
export const keyModes = ['live', 'test'] as const;
export type KeyMode = (typeof keyModes)[number];

export interface Principal {
  keyId: string;
  name: string;
  scopes: Scope[];
  partnerId: string | null;
  mode: KeyMode;
}

const digest = (key: string) => createHash('sha256').update(key).digest('hex');

// Verified keys are remembered briefly so ingestion does not look them up per request.
const cache = new Map<string, { principal: Principal | undefined; until: number }>();
const CACHE_MS = 10_000;

/**
 * Creates an API key and returns its secret once; only a hash is stored.
 * Live keys look like `tdm_a_…` (operator) and `tdm_p_…` (partner), test keys
 * like `tdm_test_a_…` and `tdm_test_p_…`. Every key is stored in the live
 * database (`deps` must be live's). Errors: `partner_not_found`.
 */
export async function createApiKey(
  deps: Deps,
  input: {
    name: string;
    scopes: Scope[];
    partnerId?: string | undefined;
    mode?: KeyMode | undefined;
  },
  actor = 'system',
): Promise<{
  id: string;
  key: string;
  name: string;
  scopes: Scope[];
  partner_id: string | null;
  mode: KeyMode;
  created_at: string;
}> {
  const mode = input.mode ?? 'live';
  const key = `tdm_${mode === 'test' ? 'test_' : ''}${input.partnerId ? 'p' : 'a'}_${randomBytes(24).toString('base64url')}`;
  const id = deps.ids.next('key');
  const now = deps.clock.now();
  await inTransaction(deps, async (tx) => {
    if (input.partnerId) await getPartnerIn(tx, input.partnerId);
    await tx
      .insertInto('api_keys')
      .values({
        id,
        name: input.name,
        hash: digest(key),
        scopes: jsonIn(input.scopes),
        partner_id: input.partnerId ?? null,
        created_at: now,
        revoked_at: null,
        mode,
      })
      .execute();
    await audit(deps, tx, {
      actor,
      action: 'api_key.created',
      subject: id,
      data: { name: input.name, scopes: input.scopes, partner_id: input.partnerId, mode },
    });
  });
  return {
    id,
    key,
    name: input.name,
    scopes: input.scopes,
    partner_id: input.partnerId ?? null,
    mode,
    created_at: toIso(now),
  };
}

/** Revokes a key; it stops working on every node within the cache time (10 s). */
export async function revokeApiKey(deps: Deps, id: string, actor = 'system'): Promise<void> {
  await inTransaction(deps, async (tx) => {
    const r = await tx
      .updateTable('api_keys')
      .set({ revoked_at: deps.clock.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0)
      throw new TandemError('not_found', `no active API key ${id}`);
    await audit(deps, tx, { actor, action: 'api_key.revoked', subject: id });
  });
  cache.clear();
}

/** The principal behind a bearer token, or undefined for unknown and revoked keys. */
export async function authenticate(deps: Deps, token: string): Promise<Principal | undefined> {
  const h = digest(token);
  const now = Date.now();
  const hit = cache.get(h);
  if (hit && hit.until > now) return hit.principal;
  const row = await deps.store.db
    .selectFrom('api_keys')
    .selectAll()
    .where('hash', '=', h)
    .executeTakeFirst();
  const principal =
    row && row.revoked_at === null
      ? {
          keyId: row.id,
          name: row.name,
          scopes: jsonOut<Scope[]>(row.scopes),
          partnerId: row.partner_id,
          mode: row.mode === 'test' ? ('test' as const) : ('live' as const),
        }
      : undefined;
  if (cache.size > 10_000) cache.clear();
  cache.set(h, { principal, until: now + CACHE_MS });
  return principal;
}

export async function listApiKeys(deps: Deps) {
  const rows = await deps.store.db
    .selectFrom('api_keys')
    .selectAll()
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    scopes: jsonOut<Scope[]>(r.scopes),
    partner_id: r.partner_id,
    mode: r.mode,
    created_at: toIso(toNumber(r.created_at)),
    revoked_at: r.revoked_at === null ? null : toIso(toNumber(r.revoked_at)),
  }));
}

/** A partner's test (sandbox) keys, newest first, without secrets. */
export async function listPartnerTestKeys(deps: Deps, partnerId: string) {
  const rows = await deps.store.db
    .selectFrom('api_keys')
    .select(['id', 'name', 'created_at', 'revoked_at'])
    .where('partner_id', '=', partnerId)
    .where('mode', '=', 'test')
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    created_at: toIso(toNumber(r.created_at)),
    revoked_at: r.revoked_at === null ? null : toIso(toNumber(r.revoked_at)),
  }));
}
