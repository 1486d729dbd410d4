import { useState } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { splitFieldErrors } from "@/api/problem";
import { useWellNames } from "@/api/wellNames";
import { Button, ErrorNotice, Loading, Notice, PageHeader, Pager, SelectField, StatusBadge, TextAreaField } from "@/components/ui";
import { useMe } from "@/features/auth/api/session";
import { ACTING_ROLES, WORK_ORDER_ALERT_SOURCES, useWorkOrderFromAlert } from "@/features/workorders/api/workOrders";
import { formatDateTime, formatNumber } from "@/lib/format";

import { useAcknowledge, useAlerts, useResolve, type Alert, type AlertSeverity, type AlertStatus } from "../api/alerts";

const LIMIT = 25;
const STATUSES: AlertStatus[] = ["OPEN", "ACKNOWLEDGED", "RESOLVED"];
const SEVERITIES: AlertSeverity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];

export function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, v]) => v !== null && typeof v !== "object")
    .slice(0, 4)
    .map(([k, v]) => `${k.replace(/_/g, " ")}: ${typeof v === "number" ? formatNumber(v, 3) : String(v)}`)
    .join(" · ");
}

/** Resolve with a note: the note is kept if the resolve fails. */
export function ResolveForm({ alert, onDone }: { alert: Alert; onDone: () => void }) {
  const [note, setNote] = useState("");
  const resolve = useResolve();
  const { byField, other } = splitFieldErrors(resolve.error, ["note"]);
  return (
    <form className="stack" onSubmit={(e) => { e.preventDefault(); resolve.mutate({ alertId: alert.id, note }, { onSuccess: onDone }); }}>
      <TextAreaField label={`What was done about “${alert.title}”`} value={note} error={byField.note} maxLength={2000}
        onChange={(e) => setNote(e.target.value)} />
      {other ? <Notice tone="error">{other}</Notice> : null}
      <div className="row">
        <Button type="submit" busy={resolve.isPending}>Resolve</Button>
        <Button variant="secondary" onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}

/** The alert's work order (made once; asking again shows the same one). */
function WorkOrderButton({ alert, wellName, stale }: { alert: Alert; wellName: string; stale: boolean }) {
  const create = useWorkOrderFromAlert();
  if (create.data) {
    return (
      <span role="status" className="small">
        Work order created: <Link to={`/work-orders?well=${alert.well_id}`}>{create.data.title}</Link>
      </span>
    );
  }
  return (
    <>
      <Button size="small" variant="secondary" busy={create.isPending} disabled={stale} onClick={() => create.mutate(alert.id)}
        aria-label={`Create a work order from ${alert.title} on ${wellName}`}>Create work order</Button>
      <ErrorNotice error={create.error} />
    </>
  );
}

/** One alert; `stale` (the previous filter's rows, shown while the new ones load) disables its actions. */
function AlertRow({ alert, wellName, canAct, stale }: { alert: Alert; wellName: string; canAct: boolean; stale: boolean }) {
  const acknowledge = useAcknowledge();
  const [resolving, setResolving] = useState(false);
  return (
    <tr>
      <td><StatusBadge value={alert.severity} /></td>
      <td>
        <strong>{alert.title}</strong>
        <div className="small muted">{detailsText(alert.details)}</div>
        {alert.note ? <div className="small">Note: {alert.note}</div> : null}
        {acknowledge.error ? <Notice tone="error">{(acknowledge.error as Error).message}</Notice> : null}
        {resolving ? <ResolveForm alert={alert} onDone={() => setResolving(false)} /> : null}
      </td>
      <td><Link to={`/wells/${alert.well_id}`}>{wellName}</Link></td>
      <td><StatusBadge value={alert.status} /></td>
      <td>{formatDateTime(alert.created_at)}</td>
      <td>
        <div className="row">
          {alert.status === "OPEN" ? (
            <Button size="small" variant="secondary" busy={acknowledge.isPending} disabled={stale} onClick={() => acknowledge.mutate(alert.id)}
              aria-label={`Acknowledge ${alert.title} on ${wellName}`}>Acknowledge</Button>
          ) : null}
          {alert.status !== "RESOLVED" && !resolving ? (
            <Button size="small" variant="secondary" disabled={stale} onClick={() => setResolving(true)} aria-label={`Resolve ${alert.title} on ${wellName}`}>
              Resolve…
            </Button>
          ) : null}
          {canAct && WORK_ORDER_ALERT_SOURCES.includes(alert.source) ? <WorkOrderButton alert={alert} wellName={wellName} stale={stale} /> : null}
        </div>
      </td>
    </tr>
  );
}

/** The inbox: filter by status, severity and well; acknowledge; resolve with a note. */
export default function AlertsPage() {
  const [params, setParams] = useSearchParams();
  const status = (params.get("status") ?? "OPEN") as AlertStatus | "ALL";
  const severity = (params.get("severity") as AlertSeverity | null) ?? undefined;
  const wellId = params.get("well") ?? undefined;
  const offset = Number(params.get("offset") ?? 0) || 0;
  const alerts = useAlerts({ status: status === "ALL" ? undefined : status, severity, well_id: wellId, limit: LIMIT, offset });
  const names = useWellNames();
  const me = useMe();
  const canAct = ACTING_ROLES.includes(me.data?.role ?? "");

  function update(key: string, value: string | undefined) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== "offset") next.delete("offset");
    setParams(next, { replace: true });
  }

  return (
    <>
      <PageHeader title="Alerts" />
      <section className="card" aria-label="Filters">
        <div className="form-grid">
          <SelectField label="Status" value={status} options={[...STATUSES.map((s) => ({ value: s, label: s.toLowerCase() })), { value: "ALL", label: "all" }]}
            onChange={(e) => update("status", e.target.value)} />
          <SelectField label="Severity" value={severity ?? ""} placeholder="Any severity" options={SEVERITIES.map((s) => ({ value: s, label: s.toLowerCase() }))}
            onChange={(e) => update("severity", e.target.value || undefined)} />
          <SelectField label="Well" value={wellId ?? ""} placeholder="Any well"
            options={[...(names.data ?? new Map<string, string>()).entries()].sort((a, b) => a[1].localeCompare(b[1])).map(([id, name]) => ({ value: id, label: name }))}
            onChange={(e) => update("well", e.target.value || undefined)} />
        </div>
      </section>
      <ErrorNotice error={alerts.error} />
      {alerts.isLoading ? <Loading label="Loading alerts…" /> : null}
      {alerts.data ? (
        <section className="card" aria-labelledby="alerts-title">
          <header><h2 id="alerts-title">{alerts.data.total} {status === "ALL" ? "" : status.toLowerCase()} alerts</h2></header>
          {alerts.data.items.length === 0 ? <p>No alerts match.</p> : (
            <div className="table-wrap" role="region" aria-label="Alerts table" tabIndex={0} aria-busy={alerts.isPlaceholderData || undefined}>
              <table className="data">
                <thead>
                  <tr><th scope="col">Severity</th><th scope="col">Alert</th><th scope="col">Well</th><th scope="col">Status</th><th scope="col">Raised</th><th scope="col">Actions</th></tr>
                </thead>
                <tbody>
                  {alerts.data.items.map((alert) => (
                    <AlertRow key={alert.id} alert={alert} wellName={names.data?.get(alert.well_id) ?? "well"} canAct={canAct} stale={alerts.isPlaceholderData} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager offset={offset} limit={LIMIT} total={alerts.data.total} label="Alert pages" onChange={(o) => update("offset", o ? String(o) : undefined)} />
        </section>
      ) : null}
    </>
  );
}
