import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router-dom";

import { splitFieldErrors } from "@/api/problem";
import { Button, ErrorNotice, Loading, Notice, PageHeader, Pager, TextField } from "@/components/ui";
import { can, useMe } from "@/features/auth/api/session";
import { formatDateTime } from "@/lib/format";

import { downloadAuditCsv, useAudit, type AuditEntry, type AuditFilters } from "../api/audit";

const LIMIT = 50;
const FILTERS = ["entity_type", "actor", "action", "from", "to"] as const;

function changes(entry: AuditEntry): string {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .slice(0, 6)
    .map((key) => `${key}: ${JSON.stringify(before[key] ?? null)} → ${JSON.stringify(after[key] ?? null)}`)
    .join("; ");
}

/** Who did what, newest first: filter by entity, actor, action and days; export as CSV. */
export default function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filters: AuditFilters = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? undefined]));
  const offset = Number(params.get("offset") ?? 0) || 0;
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? ""])));
  const audit = useAudit(filters, LIMIT, offset);
  const me = useMe();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const { byField, other } = splitFieldErrors(audit.error, [...FILTERS]);

  function apply(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const key of FILTERS) if (draft[key]) next.set(key, draft[key] ?? "");
    setParams(next, { replace: true });
  }

  function page(nextOffset: number) {
    const next = new URLSearchParams(params);
    if (nextOffset) next.set("offset", String(nextOffset));
    else next.delete("offset");
    setParams(next, { replace: true });
  }

  async function exportCsv() {
    setExporting(true);
    setExportError(null);
    try {
      await downloadAuditCsv(filters);
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  }

  const field = (key: (typeof FILTERS)[number]) => ({
    value: draft[key] ?? "",
    error: byField[key],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }),
  });

  return (
    <>
      <PageHeader
        title="Audit log"
        actions={can(me.data, "reports:export") ? (
          <Button variant="secondary" busy={exporting} onClick={() => void exportCsv()}>Export CSV</Button>
        ) : null}
      />
      <ErrorNotice error={exportError} title="The export failed:" />
      <section className="card" aria-label="Filters">
        <form className="stack" onSubmit={apply} aria-label="Audit filters">
          <div className="form-grid">
            <TextField label="Entity type" placeholder="e.g. well, user" {...field("entity_type")} />
            <TextField label="Actor (e-mail)" type="email" {...field("actor")} />
            <TextField label="Action" placeholder="e.g. user.invited" {...field("action")} />
            <TextField label="From day" type="date" {...field("from")} />
            <TextField label="To day" type="date" {...field("to")} />
          </div>
          <div><Button type="submit">Apply filters</Button></div>
        </form>
      </section>
      {other ? <Notice tone="error">{other}</Notice> : null}
      {audit.isLoading ? <Loading label="Loading the audit log…" /> : null}
      {audit.data ? (
        <section className="card" aria-labelledby="audit-title">
          <h2 id="audit-title">{audit.data.total} entries</h2>
          {audit.data.items.length === 0 ? <p>No entries match.</p> : (
            <div className="table-wrap" role="region" aria-label="Audit table" tabIndex={0}>
              <table className="data">
                <thead>
                  <tr><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Entity</th><th scope="col">Change</th><th scope="col">Source</th></tr>
                </thead>
                <tbody>
                  {audit.data.items.map((entry, index) => (
                    <tr key={`${entry.request_id}-${index}`}>
                      <td>{formatDateTime(entry.at)}</td>
                      <td>{entry.actor}</td>
                      <td><code>{entry.action}</code></td>
                      <td>{entry.entity_type}<div className="small muted">{entry.entity_id}</div></td>
                      <td className="small">{changes(entry)}</td>
                      <td>{entry.source}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager offset={offset} limit={LIMIT} total={audit.data.total} label="Audit pages" onChange={page} />
        </section>
      ) : null}
    </>
  );
}
