/**
 * Response shapes of the routes that do not (yet) declare a response schema
 * in OpenAPI. Amounts are decimal strings in the currency's major unit;
 * instants are ISO 8601 strings.
 */

export type Role = 'owner' | 'admin' | 'finance' | 'partner_manager' | 'analyst' | 'partner';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  partner_id: string | null;
}

/** GET /v1/me: the caller (a signed-in user or an API key). */
export interface Me {
  mode: 'live' | 'test';
  scopes: string[];
  partner_id: string | null;
  /** The signed-in person; null for an API key. */
  user: User | null;
  name: string;
}
