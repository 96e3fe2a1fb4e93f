import type { Scope } from '../../api/api-keys';

/** What each scope lets a key do, for the create form. */
export const scopeWords: Record<Scope, string> = {
  read: 'Read everything',
  'events:write': 'Send events',
  'programs:write': 'Publish programs',
  'partners:write': 'Manage partners',
  'payouts:write': 'Run and send payouts',
  'payouts:approve': 'Approve payout runs',
  'integrations:write': 'Review integrations',
  'credits:redeem': 'Redeem credits',
  'campaigns:write': 'Manage campaigns',
  'mdf:approve': 'Approve MDF',
  admin: 'Everything (admin)',
};
