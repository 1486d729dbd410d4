import type { ReactNode } from "react";

import { messageOf } from "@/api/problem";

type Tone = "error" | "info" | "success" | "warn";

/** A message box: errors are announced at once (role=alert), the rest politely. */
export function Notice({ tone = "info", children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return (
    <div className={`notice ${tone}`} role={tone === "error" ? "alert" : "status"}>
      {title ? <strong>{title} </strong> : null}
      {children}
    </div>
  );
}

export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return <Notice tone="error" {...(title ? { title } : {})}>{messageOf(error)}</Notice>;
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {label}
    </p>
  );
}
