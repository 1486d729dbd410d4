import { useEffect, type ReactNode } from "react";

/** The page's h1, its document title, and its actions. */
export function PageHeader({ title, actions, children }: { title: string; actions?: ReactNode; children?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · WellOS`;
  }, [title]);
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {children}
      </div>
      {actions ? <div className="actions">{actions}</div> : null}
    </div>
  );
}
