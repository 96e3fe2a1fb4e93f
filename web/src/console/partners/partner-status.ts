import type { PartnerStatus } from '../../api/partners';
import type { Tone } from '../../ui/badge';

/** The status changes the API allows (src/engine/partners.ts), as buttons. */
export const statusActions: Record<
  PartnerStatus,
  readonly { to: PartnerStatus; label: string; needsReason: boolean }[]
> = {
  applied: [
    { to: 'approved', label: 'Approve', needsReason: false },
    { to: 'rejected', label: 'Reject', needsReason: true },
  ],
  approved: [
    { to: 'suspended', label: 'Suspend', needsReason: true },
    { to: 'banned', label: 'Ban', needsReason: true },
  ],
  rejected: [{ to: 'approved', label: 'Approve', needsReason: false }],
  suspended: [
    { to: 'approved', label: 'Reinstate', needsReason: false },
    { to: 'banned', label: 'Ban', needsReason: true },
  ],
  banned: [],
};

export const statusTones: Record<PartnerStatus, Tone> = {
  applied: 'info',
  approved: 'ok',
  rejected: 'neutral',
  suspended: 'warn',
  banned: 'danger',
};

export const statusLabels: Record<PartnerStatus, string> = {
  applied: 'Applied',
  approved: 'Approved',
  rejected: 'Rejected',
  suspended: 'Suspended',
  banned: 'Banned',
};

/** What a finished change says: "Northwind Reviews is approved." */
export function changedMessage(name: string, status: PartnerStatus): string {
  return `${name} is ${statusLabels[status].toLowerCase()}.`;
}
