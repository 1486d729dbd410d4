import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";

import { splitFieldErrors } from "@/api/problem";
import { ENTITIES, type EntityName } from "@/api/targetFields";
import { Button, ErrorNotice, Loading, Notice, PageHeader, SelectField, StatusBadge } from "@/components/ui";
import { formatDateTime } from "@/lib/format";

import { useConfirm, useImport, useUndo, useUpload, type ImportPreview } from "../api/imports";
import { MappingEditor } from "./MappingEditor";

const STEPS = ["Upload", "Check the mapping", "Import", "Done"];

function Steps({ current }: { current: number }) {
  return (
    <ol className="steps" aria-label="Import steps">
      {STEPS.map((step, index) => (
        <li key={step} aria-current={index === current ? "step" : undefined}>{index + 1}. {step}</li>
      ))}
    </ol>
  );
}

function UploadStep({ onPreview }: { onPreview: (preview: ImportPreview) => void }) {
  const [kind, setKind] = useState<EntityName>("production");
  const [file, setFile] = useState<File | null>(null);
  const upload = useUpload();
  const { byField, other } = splitFieldErrors(upload.error, ["file", "kind", "filename"]);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (file) upload.mutate({ file, kind }, { onSuccess: onPreview });
  }
  return (
    <form className="card stack" onSubmit={submit}>
      <h2>Upload a spreadsheet</h2>
      <SelectField label="The file holds" value={kind} options={ENTITIES.map((e) => ({ value: e, label: e }))}
        onChange={(e) => setKind(e.target.value as EntityName)} error={byField.kind} />
      <div className="field">
        <label htmlFor="import-file">CSV or XLSX file</label>
        <input id="import-file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          aria-invalid={byField.file ? true : undefined} onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        {byField.file ? <span className="error">{byField.file}</span> : null}
      </div>
      {other ? <Notice tone="error">{other}</Notice> : null}
      <div><Button type="submit" busy={upload.isPending} disabled={!file}>Upload and preview</Button></div>
    </form>
  );
}

function MappingStep({ preview }: { preview: ImportPreview }) {
  const record = preview.import;
  const [mapping, setMapping] = useState<Record<string, string>>(
    (preview.suggested_mapping.column_mapping as Record<string, string> | undefined) ?? {},
  );
  const confirm = useConfirm(record.id);
  const navigate = useNavigate();
  const columnNames = preview.columns.map((c) => `column_mapping.${c.name}`);
  const { byField, other } = splitFieldErrors(confirm.error, [...Object.keys(mapping).map((f) => `column_mapping.${f}`), ...columnNames]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const transforms = (preview.suggested_mapping.transforms ?? {}) as Record<string, never>;
    const kept = Object.fromEntries(Object.entries(transforms).filter(([field]) => field in mapping));
    confirm.mutate({ column_mapping: mapping, transforms: kept }, { onSuccess: () => navigate(`/imports/${record.id}`) });
  }

  return (
    <form className="stack" onSubmit={submit}>
      <section className="card">
        <h2>{record.filename}: {preview.columns.length} columns</h2>
        {preview.warnings.map((w, i) => (
          <Notice key={i} tone="warn">{w.column ? `${w.column}: ` : ""}{w.message}</Notice>
        ))}
        <MappingEditor kind={record.kind} columns={preview.columns} mapping={mapping} onChange={setMapping} errors={byField} />
      </section>
      <section className="card" aria-labelledby="problems-title">
        <h2 id="problems-title">Problems in the first rows ({preview.problems.length})</h2>
        {preview.problems.length === 0 ? <p>No problems found with the suggested mapping.</p> : (
          <div className="table-wrap" role="region" aria-label="Problems table" tabIndex={0}>
            <table className="data">
              <thead><tr><th scope="col">Line</th><th scope="col">Field</th><th scope="col">Problem</th></tr></thead>
              <tbody>
                {preview.problems.slice(0, 50).map((p, i) => (
                  <tr key={i}><td>{p.line}</td><td>{p.field}</td><td>{p.reason}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="muted small">Rows with problems are rejected; the others are imported.</p>
      </section>
      {other ? <Notice tone="error" title="Not started.">{other}</Notice> : null}
      <div className="row"><Button type="submit" busy={confirm.isPending}>Confirm and import</Button></div>
    </form>
  );
}

function ProgressStep({ importId }: { importId: string }) {
  const record = useImport(importId);
  const undo = useUndo(importId);
  if (record.isLoading) return <Loading />;
  if (!record.data) return <ErrorNotice error={record.error} />;
  const job = record.data;
  const running = job.status === "queued" || job.status === "running";
  return (
    <>
      <Steps current={running ? 2 : 3} />
      <section className="card stack" aria-labelledby="job-title">
        <h2 id="job-title">{job.filename} <StatusBadge value={job.status} /></h2>
        {running ? (
          <div>
            <label htmlFor="import-progress">Importing…</label>
            <progress id="import-progress" aria-label="Import progress" />
          </div>
        ) : null}
        <p role="status">{job.summary}</p>
        {job.error ? <Notice tone="error">{job.error}</Notice> : null}
        {undo.data ? <Notice tone="success">Undone: {undo.data.reverted} rows reverted, {undo.data.skipped} left as they were (changed since).</Notice> : null}
        <ErrorNotice error={undo.error} />
        <p className="muted small">Started by {job.created_by}, {formatDateTime(job.created_at)}.</p>
        <div className="row">
          {job.status === "succeeded" ? <Button variant="danger" busy={undo.isPending} onClick={() => undo.mutate()}>Undo this import</Button> : null}
          <Link className="btn secondary" to="/imports">Import another file</Link>
        </div>
      </section>
      {job.rows.length > 0 ? (
        <section className="card" aria-labelledby="rejected-title">
          <h2 id="rejected-title">Rejected rows</h2>
          <div className="table-wrap" role="region" aria-label="Rejected rows table" tabIndex={0}>
            <table className="data">
              <thead><tr><th scope="col">Line</th><th scope="col">Field</th><th scope="col">Reason</th></tr></thead>
              <tbody>
                {job.rows.map((row) => <tr key={row.line}><td>{row.line}</td><td>{row.field ?? "—"}</td><td>{row.reason ?? "—"}</td></tr>)}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}

/** Upload → detected columns and suggested mapping → fix → confirm → progress → undo. */
export default function ImportsPage() {
  const { importId } = useParams();
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  return (
    <>
      <PageHeader title="Import a spreadsheet" />
      {importId ? <ProgressStep importId={importId} /> : preview ? (
        <>
          <Steps current={1} />
          <MappingStep preview={preview} />
        </>
      ) : (
        <>
          <Steps current={0} />
          <UploadStep onPreview={setPreview} />
        </>
      )}
    </>
  );
}
