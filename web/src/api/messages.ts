import { formatDateTime } from '../ui/format';
import { ApiError } from './client';

type Message = string | ((error: ApiError) => string);

/** A string the problem carries in `key`, if it does. */
const detail = (error: ApiError, key: string) => {
  const value = error.problem[key];
  return typeof value === 'string' ? value : null;
};

// Plain-language messages for the codes a person is likely to meet; others
// fall back to the server's `detail`, which already says what to change. A
// function reads the problem's details (a date, the current status).
const messages: Record<string, Message> = {
  network_error: 'Tandem could not be reached. Check your connection and try again.',
  unauthorized: 'Your session has ended. Please sign in again.',
  forbidden: 'Your role does not allow this. Ask an owner or admin for access.',
  csrf_header_missing: 'Tandem refused a request that did not come from this app. Reload the page.',
  rate_limited: 'Too many requests in a short time. Wait a few minutes, then try again.',
  idempotency_conflict:
    'This was already sent with other details. Reload the page to see where it stands.',
  not_found: 'This page or record does not exist or is not visible to you.',
  partner_not_found: 'This partner does not exist or is not visible to you.',
  validation_failed: 'Some fields need attention.',
  sign_in_link_invalid: 'This sign-in link is invalid, expired or already used. Ask for a new one.',
  sign_in_failed: 'The email or password is not right.',
  password_too_short: 'A password needs at least 12 characters.',
  user_exists: 'Someone with this email address can sign in already.',
  last_owner: 'Tandem needs an owner: make someone else an owner first.',
  invalid_partner_transition: (e) => {
    const now = detail(e, 'from');
    return now
      ? `It is ${now} now (someone may have decided it meanwhile), and that change is not possible from there. The list shows its current status.`
      : 'That status change is not possible from the partner’s current status.';
  },
  destination_not_allowed:
    'Links may only point to the destinations your program allows. Use an address on the program’s own site.',
  code_taken: 'That code is already taken. Choose another or leave it empty.',
  notice_period: (e) => {
    const earliest = detail(e, 'earliest_effective_from');
    return earliest
      ? `The terms in force give partners ${String(e.problem.notice_days)} days' notice: the earliest effective date is ${formatDateTime(earliest)}. Pick that day or later, or leave the date empty.`
      : e.detail;
  },
  version_in_past:
    'A new version cannot take effect in the past. Pick a later date, or publish a correction with a reason.',
  invalid_program: (e) =>
    `The terms are invalid: ${e.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
  four_eyes_required:
    'This program needs a second person to approve payout runs: you created this run, so someone else with approval rights must approve it.',
  period_not_ended: (e) => {
    const endsAt = detail(e, 'ends_at');
    return endsAt
      ? `That period has not ended yet: it ends ${formatDateTime(endsAt)}.`
      : 'That period has not ended yet.';
  },
  payout_run_exists: 'A payout run for this program and period exists already.',
  rail_not_configured: (e) =>
    `${e.detail}. Nothing was sent; configure the rail or change those partners' payout method first.`,
  invalid_payout_transition: (e) => `Not possible in the run's current state: ${e.detail}.`,
  invalid_result_file: (e) => `The file could not be read: ${e.detail}.`,
  mdf_pool_exhausted: 'The pool has less left than this: approve less, or raise the pool.',
  invalid_mdf_transition: 'This request changed meanwhile. Reload the page to see where it stands.',
  invalid_campaign_transition:
    'This campaign changed meanwhile. Reload the page to see where it stands.',
  submission_not_pending: 'This submission was reviewed meanwhile.',
  kb_page_not_found: 'This page does not exist or is no longer published.',
  kb_page_conflict: 'Someone else saved this page while you were editing it.',
  kb_slug_taken: 'Another page has this address: choose another one.',
};

/** What to show a person for an error: never a stack trace. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'validation_failed' && error.detail) return error.detail;
    const message = messages[error.code];
    if (typeof message === 'function') return message(error);
    return message ?? error.detail ?? 'Something went wrong.';
  }
  return 'Something went wrong. Please try again.';
}
