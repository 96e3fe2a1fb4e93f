import { type ReactNode, useId } from 'react';

/**
 * A form in a card, named by its heading: an h3 inside a page's section, an
 * h2 when the form is a section of its own. Submitting calls `onSubmit`
 * instead of loading a page.
 */
export function FormCard({
  title,
  level = 3,
  className,
  onSubmit,
  children,
}: {
  title: string;
  level?: 2 | 3;
  className?: string;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const id = useId();
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <form
      className={className ? `card ${className}` : 'card'}
      aria-labelledby={id}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <Heading id={id}>{title}</Heading>
      {children}
    </form>
  );
}
