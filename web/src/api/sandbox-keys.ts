/** GET /v1/partners/{id}/sandbox-keys (src/engine/api-keys.ts listPartnerTestKeys): never the secret. */
export interface SandboxKey {
  id: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
}

/** POST /v1/partners/{id}/sandbox-keys: the one answer that carries the secret `key`. */
export interface CreatedSandboxKey {
  id: string;
  key: string;
  name: string;
  scopes: string[];
  partner_id: string | null;
  mode: 'live' | 'test';
  created_at: string;
}
