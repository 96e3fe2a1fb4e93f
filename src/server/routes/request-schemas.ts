import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInstant } from '../../core/time.js';
import type { Principal } from '../../engine/api-keys.js';

/**
 * The request pieces every route file shares: who is calling, an `:id`
 * path, an instant, an http(s) URL and a decimal amount. One definition, so
 * a rule or a message reads the same everywhere.
 */

/** The authenticated caller (the /v1 auth hook has set it). */
export const principal = (r: Pick<FastifyRequest, 'principal'>): Principal =>
  r.principal as Principal;

export const idParams = z.object({ id: z.string().max(100) });

/** An ISO 8601 date or date-time, as `parseInstant` reads it. */
export const instant = z.string().refine((s) => parseInstant(s) !== undefined, {
  message: 'must be an ISO 8601 date or date-time',
});

export const httpUrl = z
  .string()
  .max(2000)
  .regex(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' });

/** A non-negative decimal amount (its currency's decimals are checked where the currency is known). */
export const amountText = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,3})?$/, { message: 'must be a decimal amount such as "1200.00"' });
