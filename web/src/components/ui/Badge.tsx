import type { ReactNode } from "react";

export type BadgeTone = "neutral" | "green" | "red" | "amber" | "blue";

export function Badge({ tone = "neutral", children }: { tone?: BadgeTone; children: ReactNode }) {
  return <span className={`badge ${tone === "neutral" ? "" : tone}`}>{children}</span>;
}

const STATUS_TONES: Record<string, BadgeTone> = {
  PRODUCING: "green", ACTIVE: "green", succeeded: "green", RESOLVED: "green", resolved: "green", auto_resolved: "green",
  SHUT_IN: "amber", DRILLING: "blue", COMPLETED: "blue", PERMITTED: "blue", PLANNED: "neutral",
  INVITED: "blue", DEACTIVATED: "neutral", ABANDONED: "red", PLUGGED: "neutral", CANCELLED: "neutral", failed: "red", REVOKED: "red", INACTIVE: "neutral",
  OPEN: "red", open: "amber", ACKNOWLEDGED: "amber", running: "blue", queued: "blue", previewed: "neutral", undone: "neutral",
  CRITICAL: "red", HIGH: "red", MEDIUM: "amber", LOW: "blue",
  draft: "neutral", submitted: "blue", under_review: "blue", approved: "green", rejected: "red", denied: "red", closed: "neutral",
  validated: "blue", filed: "green", amended: "amber", scheduled: "blue", in_progress: "blue", done: "green", cancelled: "neutral",
  available: "green", unscanned: "amber", quarantined: "red", expired: "red", revoked: "red", withdrawn: "neutral", surrendered: "neutral",
};

/** A status or severity as a coloured pill, its text always spelled out. */
export function StatusBadge({ value }: { value: string }) {
  return <Badge tone={STATUS_TONES[value] ?? "neutral"}>{value.replace(/_/g, " ")}</Badge>;
}
