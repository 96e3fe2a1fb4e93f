import { type CSSProperties, type ReactNode, useId } from 'react';

/** What a Field hands its control: the id its label names, and its descriptions. */
export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

/**
 * One form row: a label, the control it names, a hint and an error below.
 * The control is rendered by `children` with the props that wire these up,
 * so a screen reader reads the label, the error and the hint with it:
 * `<Field label="Name">{(p) => <input {...p} value={name} … />}</Field>`.
 */
export function Field({
  label,
  hint,
  error,
  invalid,
  describedBy,
  id,
  className,
  style,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  /** Shown under the control, which it marks invalid. */
  error?: ReactNode;
  /** Marks the control invalid when the error is said elsewhere (see `describedBy`). */
  invalid?: boolean;
  /** Ids of other elements that describe the control (a form's error, a check beside it). */
  describedBy?: string;
  /** The control's id, for code that finds it (default: a unique one). */
  id?: string;
  className?: string;
  style?: CSSProperties;
  children: (control: ControlProps) => ReactNode;
}) {
  const generated = useId();
  const controlId = id ?? generated;
  const hintId = `${controlId}-hint`;
  const errorId = `${controlId}-error`;
  const descriptions = [error ? errorId : null, hint ? hintId : null, describedBy ?? null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={className ? `field ${className}` : 'field'} style={style}>
      <label htmlFor={controlId}>{label}</label>
      {children({
        id: controlId,
        ...(descriptions ? { 'aria-describedby': descriptions } : {}),
        ...(error || invalid ? { 'aria-invalid': true } : {}),
      })}
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
