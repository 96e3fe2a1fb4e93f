import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/** A partner's name (the children) as a link to its page in the console. */
export function PartnerLink({ id, children }: { id: string; children: ReactNode }) {
  return (
    <Link to="/console/partners/$partnerId" params={{ partnerId: id }}>
      {children}
    </Link>
  );
}
