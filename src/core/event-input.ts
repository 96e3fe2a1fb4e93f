import { z } from 'zod';
import { type Currency, isCurrency } from './currency.js';
import type { ErrorCode, Issue } from './errors.js';
import { type AttributeValue, type EventType, eventTypes, type TandemEvent } from './event.js';
import { formatPath } from './issues.js';
import { parseAmount } from './money.js';
import { parseInstant } from './time.js';
import { unstorableText } from './unstorable-text.js';

/** An event as received, validated and normalized, before it has a Tandem id. */
export type IncomingEvent = Omit<TandemEvent, 'id'>;

const scalar = z.union([z.string().max(500), z.number().finite(), z.boolean()]);
const attributes = z
  .record(z.string().min(1).max(64), scalar)
  .refine((r) => Object.keys(r).length <= 50, {
    message: 'at most 50 attributes',
  });
const text = (max: number) => z.string().min(1).max(max);
const decimal = z.string().max(40);

export const eventInputSchema = z
  .object({
    id: text(200),
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/)
      .optional(),
    type: z.string(),
    occurred_at: z.string().max(40),
    customer: z
      .object({
        id: text(200),
        side: z.enum(['buyer', 'seller']).optional(),
        country: z
          .string()
          .regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166 alpha-2 code such as US' })
          .optional(),
        segment: text(100).optional(),
        attributes: attributes.optional(),
      })
      .strict(),
    click_id: text(100).optional(),
    referral_code: text(100).optional(),
    coupon: text(100).optional(),
    currency: z.string().max(10).optional(),
    gross: decimal.optional(),
    revenue: decimal.optional(),
    payment_id: text(200).optional(),
    attributes: attributes.optional(),
  })
  .strict();

export type EventInput = z.input<typeof eventInputSchema>;

export type ParsedEvent =
  | { ok: true; event: IncomingEvent }
  | { ok: false; code: ErrorCode; message: string; issues: Issue[] };

const MONEY_EVENTS = new Set<EventType>(['payment', 'refund', 'chargeback']);
/** Events may be at most this far ahead of the server's clock (senders' clocks drift). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

const fail = (code: ErrorCode, path: string, message: string): ParsedEvent => ({
  ok: false,
  code,
  message: `${path}: ${message}`,
  issues: [{ path, message }],
});

/**
 * Validates one raw event and normalizes it: amounts to minor units, times to
 * epoch milliseconds, codes kept as sent. Every failure has a stable code.
 * Accepting an event never depends on other events (a refund of a payment not
 * seen yet is accepted and waits), which keeps ingestion order-free.
 */
export function parseEventInput(raw: unknown, now: number): ParsedEvent {
  const r = eventInputSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
    return {
      ok: false,
      code: 'validation_failed',
      message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      issues,
    };
  }
  const input = r.data;
  const unstorable = findUnstorable(input);
  if (unstorable) return fail('validation_failed', unstorable.path, unstorable.message);
  if (!(eventTypes as readonly string[]).includes(input.type)) {
    return fail(
      'unknown_event_type',
      'type',
      `must be one of ${eventTypes.join(', ')}; got "${input.type}"`,
    );
  }
  const type = input.type as EventType;
  const occurredAt = parseInstant(input.occurred_at);
  if (occurredAt === undefined)
    return fail('validation_failed', 'occurred_at', 'must be an ISO 8601 date-time');
  if (occurredAt > now + FUTURE_TOLERANCE_MS) {
    return fail('occurred_at_in_future', 'occurred_at', 'must not be in the future');
  }

  let cur: Currency | undefined;
  if (input.currency !== undefined) {
    if (!isCurrency(input.currency))
      return fail('unknown_currency', 'currency', `unknown currency "${input.currency}"`);
    cur = input.currency;
  }
  const amounts: { gross?: bigint; revenue?: bigint } = {};
  for (const field of ['gross', 'revenue'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (!MONEY_EVENTS.has(type))
      return fail('validation_failed', field, `${type} events carry no amounts`);
    if (!cur) return fail('validation_failed', 'currency', `required with ${field}`);
    if (/^\s*-/.test(value)) return fail('invalid_amount', field, 'must not be negative');
    try {
      amounts[field] = parseAmount(value, cur);
    } catch (e) {
      return fail('invalid_amount', field, (e as Error).message);
    }
  }
  if (type === 'payment' && amounts.gross === undefined && amounts.revenue === undefined) {
    return fail('validation_failed', 'revenue', 'a payment needs revenue or gross');
  }
  if ((type === 'refund' || type === 'chargeback') && input.payment_id === undefined) {
    return fail(
      'validation_failed',
      'payment_id',
      `a ${type} must reference the payment it reverses`,
    );
  }
  if (type !== 'refund' && type !== 'chargeback' && input.payment_id !== undefined) {
    return fail(
      'validation_failed',
      'payment_id',
      'only refunds and chargebacks reference a payment',
    );
  }

  const c = input.customer;
  const event: IncomingEvent = {
    source: input.source ?? 'api',
    externalId: input.id,
    type,
    occurredAt,
    customerId: c.id,
    customer: {
      ...(c.side ? { side: c.side } : {}),
      ...(c.country ? { country: c.country } : {}),
      ...(c.segment ? { segment: c.segment } : {}),
      ...(c.attributes ? { attributes: c.attributes as Record<string, AttributeValue> } : {}),
    },
    ...(input.click_id ? { clickId: input.click_id } : {}),
    ...(input.referral_code ? { referralCode: input.referral_code } : {}),
    ...(input.coupon ? { coupon: input.coupon } : {}),
    ...(cur ? { currency: cur } : {}),
    ...amounts,
    ...(input.payment_id ? { paymentId: input.payment_id } : {}),
    ...(input.attributes ? { attributes: input.attributes as Record<string, AttributeValue> } : {}),
  };
  return { ok: true, event };
}

/** The first text of a validated (so shallow) event that no backend can store alike. */
function findUnstorable(value: unknown, path: (string | number)[] = []): Issue | undefined {
  if (typeof value === 'string') {
    const message = unstorableText(value);
    return message ? { path: formatPath(path), message } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    const message = unstorableText(k);
    const found = message
      ? { path: formatPath([...path, k]), message }
      : findUnstorable(v, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

/**
 * A canonical text of an event's content (sorted keys, amounts as strings),
 * hashed by the engine to tell "same id, same content" from "same id,
 * different content". Not part of the content: when it was received.
 */
export function canonicalEvent(e: IncomingEvent): string {
  return canonicalJson(e);
}

export function canonicalJson(value: unknown): string {
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
