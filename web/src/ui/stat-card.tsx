import type { ReactNode } from 'react';

/**
 * A headline number. The card is a group named by its label, so a test or a
 * screen reader finds "Signups" and reads the number inside it.
 */
export function StatCard({
  label,
  value,
  hint,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a fieldset is for form controls; this is a labelled group of text
    <div className="stat-card" role="group" aria-label={label}>
      <p className="stat-label" aria-hidden="true">
        {label}
      </p>
      <p className="stat-value">{value}</p>
      {hint ? <p className="stat-hint">{hint}</p> : null}
    </div>
  );
}

/** A responsive grid of StatCards. */
export function StatGrid({ children }: { children: ReactNode }) {
  return <div className="stat-grid">{children}</div>;
}
