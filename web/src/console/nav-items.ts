/**
 * The console's sections. Every operator role may read them all except
 * Settings (API keys and users), which is for owners and admins; what a role
 * may change is decided on each page with `can(me, scope)`.
 */
export const navItems = [
  { to: '/console', label: 'Overview', scope: 'read' },
  { to: '/console/partners', label: 'Partners', scope: 'read' },
  { to: '/console/programs', label: 'Programs', scope: 'read' },
  { to: '/console/payout-runs', label: 'Payout runs', scope: 'read' },
  { to: '/console/ledger', label: 'Ledger', scope: 'read' },
  { to: '/console/events', label: 'Events', scope: 'read' },
  { to: '/console/integrations', label: 'Integrations', scope: 'read' },
  { to: '/console/campaigns', label: 'Campaigns & MDF', scope: 'read' },
  { to: '/console/knowledge-base', label: 'Knowledge base', scope: 'read' },
  { to: '/console/settings', label: 'Settings', scope: 'admin' },
] as const;

export const roleLabels: Record<string, string> = {
  owner: 'Owner',
  admin: 'Admin',
  finance: 'Finance',
  partner_manager: 'Partner manager',
  analyst: 'Analyst',
};

/** What a restricted role may do, said once at the top of every page. */
export const roleNotes: Record<string, string> = {
  finance: 'you can run, approve and send payouts; other areas are read only',
  partner_manager:
    'you can manage partners, programs, integrations and campaigns; payouts are read only',
  analyst: 'read only: you can look at everything but change nothing',
};
