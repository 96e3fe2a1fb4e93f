/** What an API key (or a signed-in person's role) may do. */
export const scopes = [
  'read',
  'events:write',
  'programs:write',
  'partners:write',
  'payouts:write',
  'payouts:approve',
  'integrations:write',
  'credits:redeem',
  'campaigns:write',
  'mdf:approve',
  'admin',
] as const;
export type Scope = (typeof scopes)[number];

/** GET /v1/api-keys (never the secret). */
export interface ApiKey {
  id: string;
  name: string;
  scopes: Scope[];
  partner_id: string | null;
  mode: 'live' | 'test';
  created_at: string;
  revoked_at: string | null;
}

/** POST /v1/api-keys: the key with its secret, shown once. */
export interface CreatedApiKey extends Omit<ApiKey, 'revoked_at'> {
  key: string;
}
