import type { ReactNode } from 'react';
import { TableScroll } from './table-scroll';

/** A column heading: its words, or them with how the column reads. */
export type Column =
  | string
  | {
      label: string;
      /** Amounts and counts: aligned right, in tabular digits. */
      numeric?: boolean;
      /** Named for assistive technology only (a column of buttons). */
      hidden?: boolean;
    };

/**
 * A table in its scrolling frame (TableScroll), with a row of column
 * headings; `children` are its body rows. A falsy column is left out, so a
 * column only some roles see reads `may('x') && 'Next step'`.
 */
export function DataTable({
  label,
  caption,
  columns,
  className,
  children,
}: {
  /** Names the frame, a region that screen readers list. */
  label: string;
  /** Says what the rows are, to screen readers only. */
  caption?: ReactNode;
  columns: (Column | false | null | undefined)[];
  className?: string;
  children: ReactNode;
}) {
  return (
    <TableScroll label={label}>
      <table className={className}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((column) => {
              if (!column) return null;
              const c = typeof column === 'string' ? { label: column } : column;
              return (
                <th key={c.label} scope="col" className={c.numeric ? 'num' : undefined}>
                  {c.hidden ? <span className="visually-hidden">{c.label}</span> : c.label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </TableScroll>
  );
}
