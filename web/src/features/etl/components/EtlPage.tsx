import { useState, type FormEvent } from "react";

import { ApiProblem, messageOf } from "@/api/problem";
import { ENTITIES, type EntityName } from "@/api/targetFields";
import { Button, Checkbox, ErrorNotice, Loading, Notice, PageHeader, SelectField, StatusBadge, TextField } from "@/components/ui";
import { useMe } from "@/features/auth/api/session";
import { formatDateTime } from "@/lib/format";
import { useDraft } from "@/lib/useDraft";

import { usePreview, useQuarantine, useRunNow, useRuns, useSaveEtlConfig, useEtlConfig, useTestConnection, type EntityMapping, type EtlConfig, type EtlConfigInput } from "../api/etl";
import { EntityEditor, type EntityForm } from "./EntityEditor";

interface SourceForm {
  source_kind: EtlConfigInput["source_kind"];
  connection_url: string;
  interval_minutes: string;
  enabled: boolean;
  entities: Partial<Record<EntityName, EntityForm>>;
}

function entityForm(mapping: EntityMapping | undefined): EntityForm {
  return {
    source_schema: mapping?.source_schema ?? "",
    source_table: mapping?.source_table ?? "",
    key_columns: (mapping?.key_columns ?? []).join(", "),
    cursor_column: mapping?.cursor_column ?? "",
    detect_deletions: mapping?.detect_deletions ?? false,
    look_back_minutes: String(mapping?.look_back_minutes ?? 0),
    column_mapping: Object.entries(mapping?.column_mapping ?? {}),
    transforms: mapping?.transforms && Object.keys(mapping.transforms).length ? JSON.stringify(mapping.transforms, null, 2) : "",
  };
}

export function formOf(config: EtlConfig | null): SourceForm {
  const entities: SourceForm["entities"] = {};
  for (const [name, mapping] of Object.entries(config?.entities ?? {})) entities[name as EntityName] = entityForm(mapping);
  if (!config) entities.production = entityForm(undefined);
  return {
    source_kind: config?.source_kind ?? "mysql",
    connection_url: "",
    interval_minutes: String(config?.interval_minutes ?? 15),
    enabled: config?.enabled ?? true,
    entities,
  };
}

/** The body to PUT; a transforms box that is not JSON is an error by its field. */
export function bodyOf(form: SourceForm): { body: EtlConfigInput | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const entities: Record<string, EntityMapping> = {};
  for (const [name, e] of Object.entries(form.entities)) {
    let transforms: EntityMapping["transforms"] = {};
    if (e.transforms.trim()) {
      try {
        transforms = JSON.parse(e.transforms) as EntityMapping["transforms"];
      } catch {
        errors[`entities.${name}.transforms`] = "not valid JSON";
      }
    }
    entities[name] = {
      source_schema: e.source_schema.trim() || null,
      source_table: e.source_table.trim(),
      key_columns: e.key_columns.split(",").map((c) => c.trim()).filter(Boolean),
      cursor_column: e.cursor_column.trim() || null,
      detect_deletions: e.detect_deletions,
      look_back_minutes: Number(e.look_back_minutes || 0),
      column_mapping: Object.fromEntries(e.column_mapping.filter(([, column]) => column.trim()).map(([f, c]) => [f, c.trim()])),
      transforms,
      chunk_rows: 20_000,
    };
  }
  if (Object.keys(errors).length) return { body: null, errors };
  const body: EtlConfigInput = {
    source_kind: form.source_kind,
    interval_minutes: Number(form.interval_minutes),
    enabled: form.enabled,
    entities,
    ...(form.connection_url.trim() ? { connection_url: form.connection_url.trim() } : {}),
  };
  return { body, errors };
}

function ConfigForm({ config, canWrite }: { config: EtlConfig | null; canWrite: boolean }) {
  const [form, setForm, clearDraft] = useDraft<SourceForm>("etl-config", formOf(config));
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const save = useSaveEtlConfig();
  const test = useTestConnection();
  const serverErrors = save.error instanceof ApiProblem ? save.error.fieldErrors() : {};
  const errors = { ...serverErrors, ...localErrors };
  const shown = new Set<string>(["source_kind", "connection_url", "interval_minutes"]);
  for (const name of Object.keys(form.entities)) {
    for (const key of ["source_table", "source_schema", "key_columns", "cursor_column", "look_back_minutes", "column_mapping", "transforms"]) shown.add(`entities.${name}.${key}`);
    for (const [field] of form.entities[name as EntityName]?.column_mapping ?? []) shown.add(`entities.${name}.column_mapping.${field}`);
  }
  const unplaced = Object.entries(errors).filter(([path]) => !shown.has(path));

  function submit(event: FormEvent) {
    event.preventDefault();
    const { body, errors: found } = bodyOf(form);
    setLocalErrors(found);
    if (body) save.mutate(body, { onSuccess: () => { clearDraft(); setForm((f) => ({ ...f, connection_url: "" })); } });
  }

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-labelledby="etl-source-title">
      <h2 id="etl-source-title">Source and mappings</h2>
      {save.isSuccess ? <Notice tone="success">Saved: every table and column was found in the source.</Notice> : null}
      {save.error && Object.keys(serverErrors).length ? <Notice tone="error" title="Not saved.">Fix the settings marked below; your changes are kept.</Notice> : null}
      {save.error && !Object.keys(serverErrors).length ? <Notice tone="error" title="Not saved.">{messageOf(save.error)}</Notice> : null}
      {unplaced.map(([path, reason]) => <Notice key={path} tone="error">{path}: {reason}</Notice>)}
      <fieldset disabled={!canWrite}>
        <legend>Source</legend>
        <div className="form-grid">
          <SelectField label="Database" value={form.source_kind} error={errors.source_kind}
            options={[{ value: "mysql", label: "MySQL / MariaDB" }, { value: "postgresql", label: "PostgreSQL" }, { value: "mssql", label: "SQL Server" }, { value: "oracle", label: "Oracle" }]}
            onChange={(e) => setForm({ ...form, source_kind: e.target.value as SourceForm["source_kind"] })} />
          <TextField label="Connection URL" type="password" autoComplete="off" value={form.connection_url} error={errors.connection_url}
            hint={config ? "Write-only: leave blank to keep the stored one" : "e.g. mysql+pymysql://reader:…@db.example:3306/ops"}
            onChange={(e) => setForm({ ...form, connection_url: e.target.value })} />
          <TextField label="Every (minutes)" inputMode="numeric" value={form.interval_minutes} error={errors.interval_minutes}
            onChange={(e) => setForm({ ...form, interval_minutes: e.target.value })} />
        </div>
        <Checkbox label="Scheduled runs enabled" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} />
      </fieldset>
      <fieldset disabled={!canWrite} style={{ border: "none", padding: 0 }}>
        {ENTITIES.filter((name) => form.entities[name]).map((name) => (
          <EntityEditor key={name} entity={name} form={form.entities[name] as EntityForm} errors={errors}
            onChange={(next) => setForm({ ...form, entities: { ...form.entities, [name]: next } })} />
        ))}
        <div className="row">
          {ENTITIES.filter((name) => !form.entities[name]).map((name) => (
            <Button key={name} variant="secondary" size="small" onClick={() => setForm({ ...form, entities: { ...form.entities, [name]: entityForm(undefined) } })}>
              Map {name}
            </Button>
          ))}
        </div>
      </fieldset>
      <div className="form-actions">
        {canWrite ? <Button type="submit" busy={save.isPending}>Save</Button> : <p className="muted">Only admins change the ETL settings.</p>}
        <Button variant="secondary" busy={test.isPending} onClick={() => test.mutate(form.connection_url.trim() || null)}>Test connection</Button>
      </div>
      <ErrorNotice error={test.error} />
      {test.data ? (
        <Notice tone={test.data.ok ? "success" : "error"} title={test.data.ok ? "Connected." : "Connection failed."}>
          {test.data.ok ? `${test.data.dialect ?? ""} ${test.data.server_version ?? ""}${test.data.read_only ? ", read-only session" : ""}.` : test.data.error}
          {test.data.tables.length ? (
            <ul>{test.data.tables.map((t) => <li key={t.entity}>{t.entity}: {t.table} {t.found ? `found (${t.columns} columns)` : `— ${t.problem ?? "missing"}`}</li>)}</ul>
          ) : null}
        </Notice>
      ) : null}
    </form>
  );
}

function Tools({ entities }: { entities: EntityName[] }) {
  const [entity, setEntity] = useState<EntityName>(entities[0] ?? "production");
  const preview = usePreview();
  const run = useRunNow();
  const rows = preview.data?.rows ?? [];
  const columns = rows.length ? Object.keys(rows[0] as object) : [];
  return (
    <section className="card stack" aria-labelledby="etl-tools-title">
      <h2 id="etl-tools-title">Preview and run</h2>
      <div className="row">
        <SelectField label="Entity" value={entity} options={entities.map((e) => ({ value: e, label: e }))} onChange={(e) => setEntity(e.target.value as EntityName)} />
        <Button variant="secondary" busy={preview.isPending} onClick={() => preview.mutate(entity)}>Preview</Button>
        <Button busy={run.isPending} onClick={() => run.mutate()}>Run now</Button>
      </div>
      <ErrorNotice error={preview.error ?? run.error} />
      {run.data && "status" in run.data ? <Notice tone={run.data.status === "succeeded" ? "success" : "error"}>Run {run.data.status}: {run.data.rows_read} read, {run.data.rows_written} written, {run.data.rows_quarantined} quarantined.</Notice> : null}
      {preview.data ? (
        <>
          <p>{preview.data.scanned} source rows read; {preview.data.errors.length} mapping errors.</p>
          {preview.data.errors.length ? (
            <ul>{preview.data.errors.slice(0, 20).map((e, i) => <li key={i}><strong>{e.field}</strong>: {e.reason} (key {e.source_key.join(", ")})</li>)}</ul>
          ) : null}
          {rows.length ? (
            <div className="table-wrap" role="region" aria-label="Preview rows table" tabIndex={0}>
              <table className="data">
                <thead><tr>{columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
                <tbody>{rows.map((row, i) => <tr key={i}>{columns.map((c) => <td key={c}>{String((row as Record<string, unknown>)[c] ?? "")}</td>)}</tr>)}</tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function History() {
  const runs = useRuns();
  const quarantine = useQuarantine();
  return (
    <div className="grid-2">
      <section className="card" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        <ErrorNotice error={runs.error} />
        {runs.data && runs.data.length === 0 ? <p>No runs yet.</p> : null}
        {runs.data && runs.data.length > 0 ? (
          <div className="table-wrap" role="region" aria-label="Runs table" tabIndex={0}>
            <table className="data">
              <thead><tr><th scope="col">Started</th><th scope="col">Status</th><th scope="col" className="num">Read</th><th scope="col" className="num">Written</th><th scope="col" className="num">Quarantined</th></tr></thead>
              <tbody>
                {runs.data.map((r) => (
                  <tr key={r.id}><td>{formatDateTime(r.started_at)}</td><td><StatusBadge value={r.status} />{r.error ? <div className="small">{r.error}</div> : null}</td>
                    <td className="num">{r.rows_read}</td><td className="num">{r.rows_written}</td><td className="num">{r.rows_quarantined}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <section className="card" aria-labelledby="quarantine-title">
        <h2 id="quarantine-title">Quarantine</h2>
        <ErrorNotice error={quarantine.error} />
        {quarantine.data && quarantine.data.length === 0 ? <p>No rows quarantined.</p> : null}
        {quarantine.data && quarantine.data.length > 0 ? (
          <div className="table-wrap" role="region" aria-label="Quarantine table" tabIndex={0}>
            <table className="data">
              <thead><tr><th scope="col">Entity</th><th scope="col">Key</th><th scope="col">Field</th><th scope="col">Reason</th></tr></thead>
              <tbody>{quarantine.data.map((q, i) => <tr key={i}><td>{q.entity}</td><td>{q.source_key}</td><td>{q.field}</td><td>{q.reason}</td></tr>)}</tbody>
            </table>
          </div>
        ) : null}
      </section>
    </div>
  );
}

/** ETL from the operator's own database: source and mappings, test, preview, run, history. */
export default function EtlPage() {
  const config = useEtlConfig();
  const me = useMe();
  const canWrite = Boolean(me.data?.permissions.includes("settings:write"));
  return (
    <>
      <PageHeader title="ETL from your database" />
      {config.isLoading ? <Loading /> : null}
      <ErrorNotice error={config.error} />
      {config.data !== undefined ? (
        <>
          {config.data === null ? <Notice tone="info">No source is configured yet: describe your database and its tables below.</Notice> : null}
          <ConfigForm config={config.data} canWrite={canWrite} />
          {config.data ? <Tools entities={Object.keys(config.data.entities) as EntityName[]} /> : null}
          <History />
        </>
      ) : null}
    </>
  );
}
