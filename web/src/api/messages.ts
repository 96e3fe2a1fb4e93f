import { ApiError } from './client';

// Plain-language messages for the codes a person is likely to meet; others
// fall back to the server's `detail`, which already says what to change.
const messages: Record<string, string> = {
  network_error: 'Tandem could not be reached. Check your connection and try again.',
  unauthorized: 'Your session has ended. Please sign in again.',
  forbidden: 'Your role does not allow this. Ask an owner or admin for access.',
  partner_not_found: 'This partner does not exist or is not visible to you.',
  not_found: 'This page or record does not exist or is not visible to you.',
  validation_failed: 'Some fields need attention.',
  sign_in_link_invalid: 'This sign-in link is invalid, expired or already used. Ask for a new one.',
  sign_in_failed: 'The email or password is not right.',
};

/** What to show a person for an error: never a stack trace. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'validation_failed' && error.detail) return error.detail;
    return messages[error.code] ?? error.detail ?? 'Something went wrong.';
  }
  return 'Something went wrong. Please try again.';
}
