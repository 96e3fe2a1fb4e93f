import { type ReactNode, useEffect } from 'react';

/** Sets the browser tab's title while a page is shown. */
export function useDocumentTitle(title: string) {
  useEffect(() => {
    const before = document.title;
    document.title = `${title} · Tandem`;
    return () => {
      document.title = before;
    };
  }, [title]);
}

/** A page's one h1, an optional lead sentence and actions on the right. */
export function PageHeader({
  title,
  lead,
  actions,
}: {
  title: string;
  lead?: ReactNode;
  actions?: ReactNode;
}) {
  useDocumentTitle(title);
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {actions ? <div className="actions">{actions}</div> : null}
      {lead ? <p className="lead">{lead}</p> : null}
    </div>
  );
}
