import { ApiError } from '../../api/client';
import { messageOf } from '../../api/messages';
import { formatDateTime } from '../../ui/format';

/** Payout refusals in words a finance person acts on. */
export function payoutErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const p = error.problem;
    switch (error.code) {
      case 'four_eyes_required':
        return 'This program needs a second person to approve payout runs: you created this run, so someone else with approval rights must approve it.';
      case 'period_not_ended':
        return typeof p.ends_at === 'string'
          ? `That period has not ended yet: it ends ${formatDateTime(p.ends_at)}.`
          : 'That period has not ended yet.';
      case 'payout_run_exists':
        return 'A payout run for this program and period exists already.';
      case 'rail_not_configured':
        return `${error.detail}. Nothing was sent; configure the rail or change those partners' payout method first.`;
      case 'invalid_payout_transition':
        return `Not possible in the run's current state: ${error.detail}.`;
      case 'invalid_result_file':
        return `The file could not be read: ${error.detail}.`;
    }
  }
  return messageOf(error);
}
