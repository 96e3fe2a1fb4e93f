import type { ReactNode } from 'react';

/**
 * A rendered page in a card of bounded height that scrolls on its own (the
 * preview beside the editor, an older version). Focusable and named, so
 * keyboard users can scroll it too.
 */
export function KbScroll({ labelledBy, children }: { labelledBy: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="card kb-scroll" aria-labelledby={labelledBy} tabIndex={0}>
      {children}
    </section>
  );
}
