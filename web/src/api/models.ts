/**
 * Response shapes of the Tandem API that its OpenAPI document does not
 * declare (most routes declare no response schema), written from the engine
 * functions the routes return. This file holds what every area shares; the
 * files beside it hold one domain each (accruals.ts, payouts.ts, …). Amounts
 * are decimal strings in the currency's major unit; instants are ISO 8601
 * strings.
 */

/** Amounts keyed by currency code: `{ USD: "12.50", EUR: "3.00" }`. */
export type AmountsByCurrency = Record<string, string>;

/** A page of a cursor-paged list. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

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

/** src/engine/users.ts UserView (GET /v1/users): a person who signs in. */
export interface UserAccount extends User {
  has_password: boolean;
  disabled: boolean;
  created_at: string;
  last_sign_in_at: string | null;
}
