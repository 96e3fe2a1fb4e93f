import { typeid } from 'typeid-js';
import type { Store } from '../store/database.js';
import type { Faults } from './faults.js';
import type { Mailer } from './mail.js';
import type { PayoutRails } from './payout-rail.js';

/** Where time comes from. Domain code never reads the clock itself. */
export interface Clock {
  now(): number;
}

/** Where ids come from: prefixed and time-sortable (`prt_01h…`). */
export interface Ids {
  next(prefix: string): string;
}

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** Everything a use case needs, passed as one frozen object (no container). */
export interface Deps {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly log: Logger;
  /** Secret mixed into hashed visitor IPs; stable per installation. */
  readonly secret: string;
  /** API payout rails (Stripe Connect), when configured. */
  readonly rails?: PayoutRails;
  /** Crash points for reliability tests; absent in production. */
  readonly faults?: Faults;
  /** An SMTP server; absent: mail is kept in the local outbox (`/outbox`). */
  readonly mailer?: Mailer;
}

export const systemClock: Clock = { now: () => Date.now() };

export const typeidIds: Ids = { next: (prefix) => typeid(prefix).toString() };

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export type FixedClock = Clock & { set(t: number): void; advance(ms: number): void };

/** A clock tests can move. */
export function fixedClock(start: number): FixedClock {
  let t = start;
  return {
    now: () => t,
    set(v) {
      t = v;
    },
    advance(ms) {
      t += ms;
    },
  };
}
