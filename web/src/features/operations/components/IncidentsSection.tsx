import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { useWellNames } from "@/api/wellNames";
import { Badge, Button, Checkbox, ErrorNotice, Loading, Notice, Pager, SelectField, TextAreaField, TextField } from "@/components/ui";
import { formatDateTime, humanize } from "@/lib/format";

import { INCIDENT_KINDS, useIncidents, useReportIncident, type IncidentKind } from "../api/operations";
import { localToIso, wellOptions } from "./shared";

const LIMIT = 25;
const WATER = ["none", "surface", "coastal", "groundwater"] as const;
type Water = (typeof WATER)[number];

interface Due {
  agency: string;
  action: string;
  due_at: string | null;
  sent_at: string | null;
  overdue: boolean;
}

function ReportIncident({ names }: { names: Map<string, string> | undefined }) {
  const report = useReportIncident();
  const empty = {
    kind: "spill" as IncidentKind, occurred_at: "", discovered_at: "", state: "TX", county: "", well_id: "",
    description: "", cause: "", injuries: "0", water: "none" as Water, sensitive_area: false,
  };
  const [form, setForm] = useState(empty);
  const { byField, other } = splitFieldErrors(report.error, [
    "kind", "occurred_at", "discovered_at", "location.state", "location.county", "location.well_id", "description", "cause", "injuries", "water",
  ]);
  function submit(event: FormEvent) {
    event.preventDefault();
    report.mutate(
      {
        kind: form.kind, occurred_at: localToIso(form.occurred_at), discovered_at: localToIso(form.discovered_at),
        location: { state: form.state, county: form.county, well_id: form.well_id || null },
        description: form.description, cause: form.cause, injuries: Number(form.injuries) || 0, water: form.water, sensitive_area: form.sensitive_area,
      },
      { onSuccess: () => setForm(empty) },
    );
  }
  return (
    <form className="stack" onSubmit={submit} noValidate aria-labelledby="new-incident-title">
      <h3 id="new-incident-title">Report an incident</h3>
      <div className="form-grid">
        <SelectField label="Kind" value={form.kind} options={INCIDENT_KINDS.map((k) => ({ value: k, label: humanize(k) }))} error={byField.kind}
          onChange={(e) => setForm({ ...form, kind: e.target.value as IncidentKind })} />
        <TextField label="Occurred at" type="datetime-local" value={form.occurred_at} error={byField.occurred_at} onChange={(e) => setForm({ ...form, occurred_at: e.target.value })} />
        <TextField label="Discovered at" type="datetime-local" value={form.discovered_at} error={byField.discovered_at} onChange={(e) => setForm({ ...form, discovered_at: e.target.value })} />
        <SelectField label="Incident's well" value={form.well_id} placeholder="Not at a well" options={wellOptions(names)} error={byField["location.well_id"]}
          onChange={(e) => setForm({ ...form, well_id: e.target.value })} />
        <TextField label="State" value={form.state} maxLength={2} hint="Two letters, e.g. TX" error={byField["location.state"]} onChange={(e) => setForm({ ...form, state: e.target.value.toUpperCase() })} />
        <TextField label="County" value={form.county} error={byField["location.county"]} onChange={(e) => setForm({ ...form, county: e.target.value })} />
        <TextField label="Injuries" type="number" min={0} value={form.injuries} error={byField.injuries} onChange={(e) => setForm({ ...form, injuries: e.target.value })} />
        <SelectField label="Water reached" value={form.water} options={WATER.map((w) => ({ value: w, label: humanize(w) }))} error={byField.water}
          onChange={(e) => setForm({ ...form, water: e.target.value as Water })} />
      </div>
      <TextAreaField label="What happened" value={form.description} error={byField.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
      <TextField label="Cause" value={form.cause} error={byField.cause} onChange={(e) => setForm({ ...form, cause: e.target.value })} />
      <Checkbox label="In or near a sensitive area" checked={form.sensitive_area} onChange={(e) => setForm({ ...form, sensitive_area: e.target.checked })} />
      {other ? <Notice tone="error">{other}</Notice> : null}
      {report.data ? <Notice tone="success">{humanize(report.data.kind)} reported: {report.data.notifications_due.length} agency notifications due.</Notice> : null}
      <div><Button type="submit" busy={report.isPending}>Report incident</Button></div>
    </form>
  );
}

/** Incidents with the agency notifications each one still owes; field and office roles report. */
export function IncidentsSection({ canWrite }: { canWrite: boolean }) {
  const names = useWellNames();
  const [offset, setOffset] = useState(0);
  const incidents = useIncidents({ limit: LIMIT, offset });
  return (
    <section className="card" aria-labelledby="incidents-title">
      <header><h2 id="incidents-title">Incidents</h2></header>
      <ErrorNotice error={incidents.error} />
      {incidents.isLoading ? <Loading label="Loading incidents…" /> : null}
      {incidents.data && incidents.data.items.length === 0 ? <p>No incidents reported.</p> : null}
      {incidents.data && incidents.data.items.length > 0 ? (
        <div className="table-wrap" role="region" aria-label="Incidents table" tabIndex={0}>
          <table className="data">
            <thead>
              <tr><th scope="col">Kind</th><th scope="col">Occurred</th><th scope="col">Where</th><th scope="col">What happened</th><th scope="col" className="num">Injuries</th><th scope="col">Notifications due</th></tr>
            </thead>
            <tbody>
              {incidents.data.items.map((incident) => {
                const location = incident.location as { state?: string; county?: string; well_id?: string | null };
                const due = incident.notifications_due as unknown as Due[];
                return (
                  <tr key={incident.id}>
                    <td>{humanize(incident.kind)}</td>
                    <td>{formatDateTime(incident.occurred_at)}</td>
                    <td>{[location.well_id ? names.data?.get(location.well_id) : null, location.county, location.state].filter(Boolean).join(", ") || "—"}</td>
                    <td>{incident.description}</td>
                    <td className="num">{incident.injuries}</td>
                    <td>
                      {due.length === 0 ? "none" : (
                        <ul className="problems">
                          {due.map((item, index) => (
                            <li key={index}>
                              {item.sent_at ? <Badge tone="green">sent</Badge> : item.overdue ? <Badge tone="red">overdue</Badge> : <Badge tone="amber">due</Badge>}{" "}
                              {item.agency}: {item.action} {item.due_at && !item.sent_at ? <span className="muted small">by {formatDateTime(item.due_at)}</span> : null}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {incidents.data ? <Pager offset={offset} limit={LIMIT} total={incidents.data.total} label="Incident pages" onChange={setOffset} /> : null}
      {canWrite ? <ReportIncident names={names.data} /> : null}
    </section>
  );
}
