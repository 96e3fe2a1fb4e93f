import type { ReactNode } from 'react';

export type NoticeTone = 'ok' | 'info' | 'warn' | 'error';

/**
 * A message in a box coloured by what it is: done, good to know, careful, or
 * refused. A refusal is an alert, announced when it appears; put the others
 * in a live region where they appear after an action.
 */
export function Notice({ tone, children }: { tone: NoticeTone; children: ReactNode }) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : undefined}>
      <p>{children}</p>
    </div>
  );
}
