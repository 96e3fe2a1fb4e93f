import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { type ErrorCode, type Issue, isTandemError } from '../core/errors.js';

/** The only place where error codes become HTTP statuses. */
export const statusOf: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_json: 400,
  invalid_amount: 422,
  unknown_currency: 422,
  unknown_event_type: 422,
  occurred_at_in_future: 422,
  batch_too_large: 413,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_conflict: 409,
  not_found: 404,
  unknown_api_version: 404,
  endpoint_sunset: 410,
  program_not_found: 404,
  program_exists: 409,
  version_not_found: 404,
  version_in_past: 422,
  notice_period: 422,
  invalid_period: 400,
  invalid_range: 400,
  no_terms_in_force: 422,
  invalid_program: 422,
  partner_not_found: 404,
  partner_exists: 409,
  partner_not_approved: 422,
  invalid_partner_transition: 422,
  link_not_found: 404,
  destination_not_allowed: 422,
  code_not_found: 404,
  code_taken: 409,
  accrual_not_found: 404,
  customer_not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  live_mode_only: 403,
  test_mode_only: 403,
  rate_limited: 429,
  payout_run_not_found: 404,
  payout_not_found: 404,
  payout_run_exists: 409,
  period_not_ended: 422,
  invalid_payout_transition: 409,
  four_eyes_required: 403,
  invalid_result_file: 422,
  rail_not_configured: 422,
  integration_not_found: 404,
  submission_not_found: 404,
  unknown_milestone: 422,
  milestone_out_of_order: 409,
  milestone_completed_by_other: 422,
  submission_pending: 409,
  submission_not_pending: 409,
  insufficient_credits: 409,
  unknown_credit_asset: 422,
  not_enrolled: 422,
  campaign_not_found: 404,
  campaign_code_taken: 409,
  invalid_campaign_transition: 409,
  campaign_locked: 409,
  campaign_not_running: 409,
  unknown_campaign: 422,
  mdf_pool_not_found: 404,
  mdf_pool_exists: 409,
  mdf_pool_exhausted: 409,
  mdf_pool_not_eligible: 422,
  mdf_pool_below_committed: 409,
  mdf_request_not_found: 404,
  invalid_mdf_transition: 409,
  claim_exceeds_approved: 422,
  calendar_feed_not_found: 404,
  report_not_found: 404,
  kb_page_not_found: 404,
  kb_page_conflict: 409,
  kb_slug_taken: 409,
  sign_in_link_invalid: 401,
  sign_in_failed: 401,
  password_too_short: 422,
  user_not_found: 404,
  user_exists: 409,
  last_owner: 409,
  csrf_header_missing: 403,
  internal_error: 500,
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  issues?: Issue[];
  [k: string]: unknown;
}

export function problem(
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
): Problem {
  // Details never override the fields a client dispatches on.
  return {
    ...extra,
    type: `urn:tandem:error:${code}`,
    title: code.replaceAll('_', ' '),
    status: statusOf[code],
    code,
    detail,
  };
}

export function sendProblem(reply: FastifyReply, p: Problem) {
  return reply.code(p.status).type('application/problem+json').send(p);
}

/**
 * One error handler for every route: our errors keep their code, Fastify's
 * own (bad JSON, oversized body, schema validation) get one, anything else is
 * a 500 that is logged and never leaks internals.
 */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (isTandemError(error))
    return sendProblem(reply, problem(error.code, error.message, error.details ?? {}));
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      path: [error.validationContext, ...v.instancePath.split('/').filter(Boolean)]
        .join('.')
        .replace(/\.(\d+)(?=\.|$)/g, '[$1]'),
      message: v.message ?? 'invalid',
    }));
    return sendProblem(
      reply,
      problem('validation_failed', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
        issues,
      }),
    );
  }
  const code = error.code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return sendProblem(reply, problem('payload_too_large', 'the request body is too large'));
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return sendProblem(
      reply,
      problem('unsupported_media_type', 'send JSON (Content-Type: application/json)'),
    );
  }
  if (
    error instanceof SyntaxError ||
    code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    code === 'FST_ERR_CTP_INVALID_JSON_BODY'
  ) {
    return sendProblem(
      reply,
      problem('invalid_json', `the body is not valid JSON: ${error.message}`),
    );
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return sendProblem(reply, problem('validation_failed', error.message));
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(
    reply,
    problem('internal_error', 'something went wrong on our side; it has been logged'),
  );
}
