import { Link } from "react-router-dom";

import { useQuery } from "@tanstack/react-query";

import { api, call } from "@/api/client";
import { ErrorNotice, Loading, StatusBadge } from "@/components/ui";
import { formatDateTime, formatNumber, humanize } from "@/lib/format";

import { useDeferredSection } from "./firstScreen";
import { useAssignments, useEquipment, usePhotos, useTimeline, useWellAlerts, type TimelineEntry } from "../api/wellDetail";

export function WellAlerts({ wellId }: { wellId: string }) {
  const [box, seen] = useDeferredSection<HTMLElement>();
  const alerts = useWellAlerts(wellId, seen);
  return (
    <section className="card" aria-labelledby="well-alerts-title" ref={box}>
      <header>
        <h2 id="well-alerts-title">Alerts</h2>
        <Link to={`/alerts?well=${wellId}`}>Open in the alerts inbox</Link>
      </header>
      <ErrorNotice error={alerts.error} />
      {alerts.data && alerts.data.items.length === 0 ? <p>No alerts for this well.</p> : null}
      {alerts.data && alerts.data.items.length > 0 ? (
        <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {alerts.data.items.map((alert) => (
            <li key={alert.id}>
              <StatusBadge value={alert.severity} /> <StatusBadge value={alert.status} /> {alert.title}{" "}
              <span className="muted small">{formatDateTime(alert.created_at)}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

export function describeEntry(entry: TimelineEntry): string {
  const d = entry.details as Record<string, unknown>;
  switch (entry.kind) {
    case "note":
      return String(d.text ?? "");
    case "inspection":
      return `Inspection ${d.passed ? "passed" : "failed"}${d.notes ? `: ${String(d.notes)}` : ""}${d.status && d.status !== "applied" ? ` (${String(d.status)})` : ""}`;
    case "downtime":
      return `Down ${formatNumber(Number(d.hours))} h on ${String(d.downtime_date ?? "")}: ${humanize(String(d.reason_code ?? ""))}`;
    case "reading":
      return `${String(d.tag ?? "")} = ${formatNumber(Number(d.value), 2)} ${String(d.unit ?? "")}`;
    default:
      return "";
  }
}

export function Timeline({ wellId }: { wellId: string }) {
  const [box, seen] = useDeferredSection<HTMLElement>();
  const timeline = useTimeline(wellId, seen);
  return (
    <section className="card" aria-labelledby="timeline-title" ref={box}>
      <header><h2 id="timeline-title">Field timeline</h2></header>
      <ErrorNotice error={timeline.error} />
      {timeline.isLoading ? <Loading /> : null}
      {timeline.data && timeline.data.length === 0 ? <p>Nothing recorded in the field yet.</p> : null}
      {timeline.data && timeline.data.length > 0 ? (
        <ol className="timeline">
          {timeline.data.map((entry) => (
            <li key={`${entry.kind}-${entry.id}`}>
              <time dateTime={entry.occurred_at}>{formatDateTime(entry.occurred_at)}</time> · <strong>{humanize(entry.kind)}</strong>
              <div>{describeEntry(entry)}</div>
              <div className="muted small">by {entry.recorded_by} on {entry.device_id}</div>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

export function EquipmentList({ wellId }: { wellId: string }) {
  const [box, seen] = useDeferredSection<HTMLElement>();
  const equipment = useEquipment(wellId, seen);
  return (
    <section className="card" aria-labelledby="equipment-title" ref={box}>
      <header><h2 id="equipment-title">Equipment</h2></header>
      <ErrorNotice error={equipment.error} />
      {equipment.data && equipment.data.length === 0 ? <p>No equipment on this well.</p> : null}
      {equipment.data && equipment.data.length > 0 ? (
        <div className="table-wrap" role="region" aria-label="Equipment table" tabIndex={0}>
          <table className="data">
            <thead><tr><th scope="col">Tag</th><th scope="col">Type</th><th scope="col">Make / model</th><th scope="col">Status</th></tr></thead>
            <tbody>
              {equipment.data.map((item) => (
                <tr key={item.id}>
                  <td>{item.tag}</td>
                  <td>{humanize(item.equipment_type)}</td>
                  <td>{[item.manufacturer, item.model].filter(Boolean).join(" ") || "—"}</td>
                  <td><StatusBadge value={item.status ?? "ACTIVE"} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function useUserNames(enabled: boolean) {
  return useQuery({
    queryKey: ["users", "names"],
    queryFn: () => call(api.GET("/api/v1/users", { params: { query: { limit: 500 } } })),
    select: (page) => new Map(page.items.map((u) => [u.id, `${u.full_name} (${u.email})`])),
    enabled,
    staleTime: 60_000,
  });
}

export function Assignments({ wellId, canReadUsers }: { wellId: string; canReadUsers: boolean }) {
  const [box, seen] = useDeferredSection<HTMLElement>();
  const assignments = useAssignments(wellId, seen);
  const names = useUserNames(canReadUsers && seen);
  return (
    <section className="card" aria-labelledby="assignments-title" ref={box}>
      <header>
        <h2 id="assignments-title">Assignments</h2>
        {canReadUsers ? <Link to={`/admin?well=${wellId}#assignments`}>Change</Link> : null}
      </header>
      <ErrorNotice error={assignments.error} />
      {assignments.data && assignments.data.length === 0 ? <p>No field operator is assigned to this well.</p> : null}
      {assignments.data && assignments.data.length > 0 ? (
        <ul>
          {assignments.data.map((a) => (
            <li key={a.user_id}>
              {names.data?.get(a.user_id) ?? a.user_id} <span className="muted small">since {formatDateTime(a.assigned_at)}, by {a.assigned_by}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

export function Photos({ wellId }: { wellId: string }) {
  const [box, seen] = useDeferredSection<HTMLElement>();
  const photos = usePhotos(wellId, seen);
  return (
    <section className="card" aria-labelledby="photos-title" ref={box}>
      <header><h2 id="photos-title">Photos</h2></header>
      <ErrorNotice error={photos.error} />
      {photos.data && photos.data.length === 0 ? <p>No photos yet: pumpers attach them from the field app.</p> : null}
      {photos.data && photos.data.length > 0 ? (
        <ul className="photo-grid" style={{ listStyle: "none", padding: 0 }}>
          {photos.data.map((photo) => (
            <li key={photo.event_id}>
              <a href={photo.url} target="_blank" rel="noreferrer">
                <img src={photo.url} alt={photo.caption ?? `Photo by ${photo.recorded_by}`} loading="lazy" />
              </a>
              <div className="small muted">{formatDateTime(photo.occurred_at)}</div>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
