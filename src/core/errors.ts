/**
 * The one error type of Tandem. Every failure a caller can act on carries a
 * stable snake_case code from `ErrorCode`; only the HTTP layer maps codes to
 * statuses. `details` is machine-readable (for validation: a list of issues).
 */
export const errorCodes = [
  'validation_failed',
  'invalid_json',
  'invalid_amount',
  'unknown_currency',
  'unknown_event_type',
  'occurred_at_in_future',
  'batch_too_large',
  'idempotency_conflict',
  'not_found',
  'unknown_api_version',
  'endpoint_sunset',
  'program_not_found',
  'program_exists',
  'version_not_found',
  'version_in_past',
  'notice_period',
  'invalid_period',
  'invalid_range',
  'no_terms_in_force',
  'invalid_program',
  'partner_not_found',
  'partner_exists',
  'partner_not_approved',
  'invalid_partner_transition',
  'link_not_found',
  'destination_not_allowed',
  'code_not_found',
  'code_taken',
  'accrual_not_found',
  'customer_not_found',
  'unauthorized',
  'forbidden',
  'live_mode_only',
  'test_mode_only',
  'rate_limited',
  'payload_too_large',
  'unsupported_media_type',
  'payout_run_not_found',
  'payout_not_found',
  'payout_run_exists',
  'period_not_ended',
  'invalid_payout_transition',
  'four_eyes_required',
  'invalid_result_file',
  'rail_not_configured',
  'integration_not_found',
  'submission_not_found',
  'unknown_milestone',
  'milestone_out_of_order',
  'milestone_completed_by_other',
  'submission_pending',
  'submission_not_pending',
  'insufficient_credits',
  'unknown_credit_asset',
  'not_enrolled',
  'campaign_not_found',
  'campaign_code_taken',
  'invalid_campaign_transition',
  'campaign_locked',
  'campaign_not_running',
  'unknown_campaign',
  'mdf_pool_not_found',
  'mdf_pool_exists',
  'mdf_pool_exhausted',
  'mdf_pool_not_eligible',
  'mdf_pool_below_committed',
  'mdf_request_not_found',
  'invalid_mdf_transition',
  'claim_exceeds_approved',
  'calendar_feed_not_found',
  'report_not_found',
  'kb_page_not_found',
  'kb_page_conflict',
  'kb_slug_taken',
  'sign_in_link_invalid',
  'sign_in_failed',
  'password_too_short',
  'user_not_found',
  'user_exists',
  'last_owner',
  'csrf_header_missing',
  'internal_error',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface Issue {
  path: string;
  message: string;
}

export class TandemError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'TandemError';
    this.code = code;
    this.details = details;
  }
}

export function isTandemError(e: unknown): e is TandemError {
  return e instanceof TandemError;
}
