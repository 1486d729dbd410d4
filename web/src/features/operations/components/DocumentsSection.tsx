import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { useWellNames } from "@/api/wellNames";
import { Button, ErrorNotice, Loading, Notice, SelectField, StatusBadge, TextField } from "@/components/ui";
import { formatDateTime, formatNumber, humanize } from "@/lib/format";

import { DOCUMENT_OWNERS, sameOriginBlobUrl, useDocuments, useUploadDocument, type DocumentOwner } from "../api/operations";
import { wellOptions } from "./shared";

function size(bytes: number): string {
  if (bytes >= 1_048_576) return `${formatNumber(bytes / 1_048_576)} MB`;
  if (bytes >= 1024) return `${formatNumber(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** Documents of a well, lease, permit, AFE, work order or incident: upload (checked and scanned), download. */
export function DocumentsSection({ canWrite }: { canWrite: boolean }) {
  const names = useWellNames();
  const [ownerKind, setOwnerKind] = useState<DocumentOwner>("well");
  const [ownerId, setOwnerId] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const documents = useDocuments(ownerKind, ownerId.trim());
  const upload = useUploadDocument();
  const { byField, other } = splitFieldErrors(upload.error, ["owner_kind", "owner_id", "filename", "content_type", "size"]);
  const fileError = byField.filename ?? byField.content_type ?? byField.size;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!file || !ownerId.trim()) return;
    upload.mutate({ ownerKind, ownerId: ownerId.trim(), file }, { onSuccess: () => { setFile(null); setInputKey(inputKey + 1); } });
  }

  const items = documents.data ?? [];
  return (
    <section className="card" aria-labelledby="documents-title">
      <header><h2 id="documents-title">Documents</h2></header>
      <div className="form-grid">
        <SelectField label="Attached to" value={ownerKind} options={DOCUMENT_OWNERS.map((o) => ({ value: o, label: humanize(o) }))}
          error={byField.owner_kind} onChange={(e) => { setOwnerKind(e.target.value as DocumentOwner); setOwnerId(""); }} />
        {ownerKind === "well" ? (
          <SelectField label="Documents' well" value={ownerId} placeholder="Choose a well" options={wellOptions(names.data)} error={byField.owner_id}
            onChange={(e) => setOwnerId(e.target.value)} />
        ) : (
          <TextField label={`${humanize(ownerKind)} id`} value={ownerId} hint="The record's id, as on its page" error={byField.owner_id}
            onChange={(e) => setOwnerId(e.target.value)} />
        )}
      </div>
      <ErrorNotice error={documents.error} />
      {!ownerId ? <p className="muted">Choose what the documents are attached to.</p> : null}
      {documents.isLoading && ownerId ? <Loading label="Loading documents…" /> : null}
      {documents.data && items.length === 0 ? <p>No documents yet.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap" role="region" aria-label="Documents table" tabIndex={0}>
          <table className="data">
            <thead>
              <tr><th scope="col">File</th><th scope="col">Type</th><th scope="col" className="num">Size</th><th scope="col">Status</th><th scope="col">Added</th><th scope="col">By</th></tr>
            </thead>
            <tbody>
              {items.map((doc) => (
                <tr key={doc.id}>
                  <td>{doc.download_url ? <a href={sameOriginBlobUrl(doc.download_url)} download={doc.filename}>{doc.filename}</a> : doc.filename}</td>
                  <td>{doc.content_type}</td>
                  <td className="num">{size(doc.size)}</td>
                  <td><StatusBadge value={doc.status} /></td>
                  <td>{formatDateTime(doc.created_at)}</td>
                  <td>{doc.created_by}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canWrite && ownerId ? (
        <form className="stack" onSubmit={submit} noValidate aria-labelledby="upload-title" style={{ marginTop: "var(--space-4)" }}>
          <h3 id="upload-title">Upload a document</h3>
          <TextField key={inputKey} label="File" type="file" accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff,.heic,.docx,.xlsx"
            hint="PDF, images or Office files; the content is checked against its type, then scanned" error={fileError}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          {other ? <Notice tone="error">{other}</Notice> : null}
          {upload.data ? <Notice tone="success">{upload.data.filename} uploaded ({humanize(upload.data.status)}).</Notice> : null}
          <div><Button type="submit" busy={upload.isPending} disabled={!file}>Upload document</Button></div>
        </form>
      ) : null}
    </section>
  );
}
