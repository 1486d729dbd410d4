import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, call, session, type Schemas } from "@/api/client";
import { asProblem } from "@/api/problem";

export type AuditEntry = Schemas["AuditOut"];

export interface AuditFilters {
  entity_type?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  /** `YYYY-MM-DD`, inclusive */
  from?: string | undefined;
  /** `YYYY-MM-DD`, inclusive (the API's `to` is the next midnight) */
  to?: string | undefined;
}

/** The API's query for the filters: days become UTC instants, the last day included. */
export function auditQuery(filters: AuditFilters): Record<string, string> {
  const out: Record<string, string> = {};
  if (filters.entity_type) out.entity_type = filters.entity_type;
  if (filters.actor) out.actor = filters.actor;
  if (filters.action) out.action = filters.action;
  if (filters.from) out.from = `${filters.from}T00:00:00Z`;
  if (filters.to) {
    const next = new Date(`${filters.to}T00:00:00Z`);
    if (!Number.isNaN(next.getTime())) {
      next.setUTCDate(next.getUTCDate() + 1);
      out.to = next.toISOString();
    }
  }
  return out;
}

export function useAudit(filters: AuditFilters, limit: number, offset: number) {
  return useQuery({
    queryKey: ["audit", filters, limit, offset],
    queryFn: () => call(api.GET("/api/v1/audit", { params: { query: { ...auditQuery(filters), limit, offset } } })),
    placeholderData: keepPreviousData,
  });
}

/** The CSV of the same entries, fetched with the session's token and saved by the browser. */
export async function downloadAuditCsv(filters: AuditFilters): Promise<void> {
  const query = new URLSearchParams(auditQuery(filters)).toString();
  const response = await session.fetch(new Request(`${location.origin}/api/v1/audit/export.csv${query ? `?${query}` : ""}`));
  if (!response.ok) {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    throw asProblem(response.status, body);
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `audit-${session.tenant}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
