import { z } from 'zod';
import {
  campaignChannels,
  campaignCodeSchema,
  channelOf,
  normalizeCampaignCode,
} from './campaign.js';
import { type Currency, isCurrency } from './currency.js';
import type { ErrorCode, Issue } from './errors.js';
import {
  type AttributeValue,
  type EventType,
  eventTypes,
  isIntegrationEventType,
  type TandemEvent,
} from './event.js';
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
const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  message: 'must be lowercase letters, digits, - or _ (max 63)',
});
const percentFigure = z.number().gte(0).lte(100);

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
      .strict()
      .optional(),
    click_id: text(100).optional(),
    referral_code: text(100).optional(),
    coupon: text(100).optional(),
    currency: z.string().max(10).optional(),
    gross: decimal.optional(),
    revenue: decimal.optional(),
    payment_id: text(200).optional(),
    attributes: attributes.optional(),
    integration_id: text(100).optional(),
    milestone: slug.optional(),
    metric: slug.optional(),
    quantity: z
      .union([z.number().int().min(0).max(1e12), z.string().regex(/^\d{1,12}$/)])
      .optional(),
    campaign: campaignCodeSchema.optional(),
    utm: z
      .object({
        source: text(200).optional(),
        medium: text(200).optional(),
        campaign: text(200).optional(),
        term: text(200).optional(),
        content: text(200).optional(),
      })
      .strict()
      .optional(),
    channel: z.enum(campaignChannels).optional(),
    partner_id: text(100).optional(),
    quality: z
      .object({ uptime: percentFigure.optional(), error_rate: percentFigure.optional() })
      .strict()
      .refine((q) => q.uptime !== undefined || q.error_rate !== undefined, {
        message: 'report uptime, error_rate or both',
      })
      .optional(),
  })
  .strict();

export type EventInput = z.input<typeof eventInputSchema>;

export type ParsedEvent =
  | { ok: true; event: IncomingEvent }
  | { ok: false; code: ErrorCode; message: string; issues: Issue[] };

const MONEY_EVENTS = new Set<EventType>(['payment', 'refund', 'chargeback', 'usage']);
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
  const integrationProblem = checkIntegrationFields(input, type, amounts);
  if (integrationProblem) return integrationProblem;
  const campaignProblem = checkCampaignFields(input, type);
  if (campaignProblem) return campaignProblem;
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

  const c: NonNullable<z.output<typeof eventInputSchema>['customer']> = input.customer ?? {
    id: input.integration_id as string,
  };
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
    ...(input.integration_id ? { integrationId: input.integration_id } : {}),
    ...(input.milestone ? { milestone: input.milestone } : {}),
    ...(type === 'usage'
      ? { metric: input.metric ?? 'usage', quantity: BigInt(input.quantity ?? 1) }
      : {}),
    ...(type === 'campaign.touch'
      ? {
          campaignCode: normalizeCampaignCode(input.campaign ?? (input.utm?.campaign as string)),
          channel: channelOf(input.channel, input.utm?.medium),
          ...(input.utm ? { utm: input.utm } : {}),
          ...(input.partner_id ? { touchPartnerId: input.partner_id } : {}),
        }
      : {}),
    ...(input.quality
      ? {
          quality: {
            ...(input.quality.uptime !== undefined
              ? { uptime: Math.round(input.quality.uptime * 100) }
              : {}),
            ...(input.quality.error_rate !== undefined
              ? { errorRate: Math.round(input.quality.error_rate * 100) }
              : {}),
          },
        }
      : {}),
  };
  return { ok: true, event };
}

type Input = z.output<typeof eventInputSchema>;

/**
 * Which fields each kind of event carries: customer events name a customer;
 * integration events name an integration, and usage names the install (a
 * customer) that used it; milestones name the milestone; quality reports
 * carry figures. Fields of another kind are refused rather than ignored.
 */
function checkIntegrationFields(
  input: Input,
  type: EventType,
  amounts: { gross?: bigint; revenue?: bigint },
): ParsedEvent | undefined {
  const only = (field: keyof Input, types: string) =>
    fail('validation_failed', field, `only ${types} events carry ${field}`);
  if (!isIntegrationEventType(type)) {
    if (input.customer === undefined) return fail('validation_failed', 'customer', 'required');
    for (const f of ['integration_id', 'milestone', 'metric', 'quantity', 'quality'] as const)
      if (input[f] !== undefined) return only(f, 'integration');
    return undefined;
  }
  if (input.integration_id === undefined)
    return fail('validation_failed', 'integration_id', `required for ${type} events`);
  if (type === 'usage' && input.customer === undefined)
    return fail(
      'validation_failed',
      'customer',
      'usage names the install (customer) that used the integration',
    );
  if (type !== 'usage' && input.customer !== undefined)
    return only('customer', 'usage (among integration)');
  if (type === 'usage' && amounts.gross !== undefined)
    return only('gross', 'payment, refund and chargeback');
  if (type !== 'usage' && (input.metric !== undefined || input.quantity !== undefined))
    return only(input.metric !== undefined ? 'metric' : 'quantity', 'usage');
  if (type === 'integration.milestone' && input.milestone === undefined)
    return fail('validation_failed', 'milestone', 'required: the milestone reached');
  if (type !== 'integration.milestone' && input.milestone !== undefined)
    return only('milestone', 'integration.milestone');
  if (type === 'integration.quality' && input.quality === undefined)
    return fail('validation_failed', 'quality', 'required: { uptime, error_rate } in percent');
  if (type !== 'integration.quality' && input.quality !== undefined)
    return only('quality', 'integration.quality');
  for (const f of ['click_id', 'referral_code', 'coupon'] as const)
    if (input[f] !== undefined) return only(f, 'customer');
  return undefined;
}

/**
 * Campaign touches name their campaign by code (`campaign`) or UTM
 * (`utm.campaign`), may say through which channel and which of the
 * campaign's partners delivered them, and carry nothing else of money or
 * codes; no other event carries these fields.
 */
function checkCampaignFields(input: Input, type: EventType): ParsedEvent | undefined {
  const fields = ['campaign', 'utm', 'channel', 'partner_id'] as const;
  if (type !== 'campaign.touch') {
    for (const f of fields)
      if (input[f] !== undefined)
        return fail('validation_failed', f, `only campaign.touch events carry ${f}`);
    return undefined;
  }
  const code = input.campaign ?? input.utm?.campaign;
  if (code === undefined)
    return fail('validation_failed', 'campaign', "required: the campaign's code (or utm.campaign)");
  if (input.campaign === undefined && !campaignCodeSchema.safeParse(code).success)
    return fail(
      'validation_failed',
      'utm.campaign',
      'must be a campaign code (2–40 letters, digits, - or _)',
    );
  if (
    input.campaign !== undefined &&
    input.utm?.campaign !== undefined &&
    normalizeCampaignCode(input.utm.campaign) !== normalizeCampaignCode(input.campaign)
  )
    return fail('validation_failed', 'utm.campaign', 'names another campaign than campaign');
  for (const f of ['click_id', 'referral_code', 'coupon', 'currency', 'gross', 'revenue'] as const)
    if (input[f] !== undefined)
      return fail('validation_failed', f, `campaign.touch events carry no ${f}`);
  return undefined;
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
