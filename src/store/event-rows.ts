import type { Currency } from '../core/currency.js';
import type { AttributeValue, CustomerFacts, EventType, TandemEvent } from '../core/event.js';
import type { IncomingEvent } from '../core/event-input.js';
import { normalizeCode } from '../core/touch.js';
import type { EventsTable } from './schema.js';
import { jsonIn, jsonOut, toBigInt, toNumber } from './values.js';

interface EventBody {
  customer: CustomerFacts;
  attributes?: Record<string, AttributeValue>;
  referral_code?: string;
  coupon?: string;
  milestone?: string;
  metric?: string;
  quantity?: string;
  quality?: { uptime?: number; errorRate?: number };
  campaign?: string;
  channel?: string;
  utm?: TandemEvent['utm'];
  partner_id?: string;
}

/**
 * An event row. Evidence codes are stored normalized in their own columns
 * (indexed, so a code created later finds the events that quoted it) and as
 * sent in the body.
 */
export function eventToRow(
  e: IncomingEvent & { campaignId?: string },
  id: string,
  receivedAt: number,
  contentHash: string,
): EventsTable {
  const body: EventBody = {
    customer: e.customer,
    ...(e.attributes ? { attributes: e.attributes } : {}),
    ...(e.referralCode ? { referral_code: e.referralCode } : {}),
    ...(e.coupon ? { coupon: e.coupon } : {}),
    ...(e.milestone ? { milestone: e.milestone } : {}),
    ...(e.metric ? { metric: e.metric } : {}),
    ...(e.quantity !== undefined ? { quantity: e.quantity.toString() } : {}),
    ...(e.quality ? { quality: e.quality } : {}),
    ...(e.campaignCode ? { campaign: e.campaignCode } : {}),
    ...(e.channel ? { channel: e.channel } : {}),
    ...(e.utm ? { utm: e.utm } : {}),
    ...(e.touchPartnerId ? { partner_id: e.touchPartnerId } : {}),
  };
  return {
    id,
    source: e.source,
    external_id: e.externalId,
    type: e.type,
    occurred_at: e.occurredAt,
    received_at: receivedAt,
    customer_id: e.customerId,
    click_id: e.clickId ?? null,
    referral_code: e.referralCode ? normalizeCode(e.referralCode) : null,
    coupon: e.coupon ? normalizeCode(e.coupon) : null,
    currency: e.currency ?? null,
    gross: e.gross ?? null,
    revenue: e.revenue ?? null,
    payment_id: e.paymentId ?? null,
    body: jsonIn(body),
    content_hash: contentHash,
    integration_id: e.integrationId ?? null,
    campaign_id: e.campaignId ?? null,
  };
}

export function eventFromRow(r: EventsTable): TandemEvent {
  const body = jsonOut<EventBody>(r.body);
  return {
    id: r.id,
    source: r.source,
    externalId: r.external_id,
    type: r.type as EventType,
    occurredAt: toNumber(r.occurred_at),
    customerId: r.customer_id,
    customer: body.customer ?? {},
    ...(r.click_id ? { clickId: r.click_id } : {}),
    ...(body.referral_code ? { referralCode: body.referral_code } : {}),
    ...(body.coupon ? { coupon: body.coupon } : {}),
    ...(r.currency ? { currency: r.currency as Currency } : {}),
    ...(r.gross !== null ? { gross: toBigInt(r.gross) } : {}),
    ...(r.revenue !== null ? { revenue: toBigInt(r.revenue) } : {}),
    ...(r.payment_id ? { paymentId: r.payment_id } : {}),
    ...(body.attributes ? { attributes: body.attributes } : {}),
    ...(r.integration_id ? { integrationId: r.integration_id } : {}),
    ...(body.milestone ? { milestone: body.milestone } : {}),
    ...(body.metric ? { metric: body.metric } : {}),
    ...(body.quantity !== undefined ? { quantity: BigInt(body.quantity) } : {}),
    ...(body.quality ? { quality: body.quality } : {}),
    ...(body.campaign ? { campaignCode: body.campaign } : {}),
    ...(r.campaign_id ? { campaignId: r.campaign_id } : {}),
    ...(body.channel ? { channel: body.channel } : {}),
    ...(body.utm ? { utm: body.utm } : {}),
    ...(body.partner_id ? { touchPartnerId: body.partner_id } : {}),
  };
}
