import type { Accrual } from '../api/accruals';
import { Badge } from '../ui/badge';
import { formatDate } from '../ui/format';

/** Pending (with the day it becomes available) or Available. */
export function AccrualStatus({ accrual }: { accrual: Pick<Accrual, 'status' | 'available_at'> }) {
  if (accrual.status === 'available') return <Badge tone="ok">Available</Badge>;
  return (
    <span>
      <Badge tone="warn">Pending</Badge>{' '}
      <span className="small muted">until {formatDate(accrual.available_at)}</span>
    </span>
  );
}
