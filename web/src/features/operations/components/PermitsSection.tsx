import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { useWellNames } from "@/api/wellNames";
import { Button, ErrorNotice, Loading, Notice, Pager, SelectField, StatusBadge, TextField } from "@/components/ui";
import { humanize } from "@/lib/format";

import { PERMIT_APPROVABLE, PERMIT_TRANSITIONS, PERMIT_TYPES, useApprovePermit, useCreatePermit, usePermitStatus, usePermits, type Permit, type PermitStatus, type PermitType } from "../api/operations";
import { wellOptions } from "./shared";

const LIMIT = 25;

function CreatePermit({ names }: { names: Map<string, string> | undefined }) {
  const create = useCreatePermit();
  const [form, setForm] = useState({ permit_type: "drilling" as PermitType, agency: "", well_id: "", condition: "" });
  const { byField, other } = splitFieldErrors(create.error, ["permit_type", "agency", "well_id", "conditions"]);
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      {
        permit_type: form.permit_type, agency: form.agency, well_id: form.well_id || null,
        conditions: form.condition.trim() ? [{ text: form.condition.trim() }] : [],
      },
      { onSuccess: () => setForm({ ...form, agency: "", condition: "" }) },
    );
  }
  return (
    <form className="stack" onSubmit={submit} noValidate aria-labelledby="new-permit-title">
      <h3 id="new-permit-title">Apply for a permit</h3>
      <div className="form-grid">
        <SelectField label="Permit type" value={form.permit_type} options={PERMIT_TYPES.map((t) => ({ value: t, label: humanize(t) }))}
          error={byField.permit_type} onChange={(e) => setForm({ ...form, permit_type: e.target.value as PermitType })} />
        <TextField label="Agency" value={form.agency} hint="e.g. Texas RRC" error={byField.agency} onChange={(e) => setForm({ ...form, agency: e.target.value })} />
        <SelectField label="Permit's well" value={form.well_id} placeholder="Choose a well" options={wellOptions(names)}
          error={byField.well_id} onChange={(e) => setForm({ ...form, well_id: e.target.value })} />
        <TextField label="Condition" value={form.condition} hint="Optional: one condition of approval" error={byField.conditions}
          onChange={(e) => setForm({ ...form, condition: e.target.value })} />
      </div>
      {other ? <Notice tone="error">{other}</Notice> : null}
      {create.data ? <Notice tone="success">{humanize(create.data.permit_type)} permit with {create.data.agency} recorded.</Notice> : null}
      <div><Button type="submit" busy={create.isPending}>Record permit application</Button></div>
    </form>
  );
}

function ApprovePermit({ permit, onDone }: { permit: Permit; onDone: () => void }) {
  const approve = useApprovePermit();
  const [form, setForm] = useState({ number: "", issued_on: "", expires_on: "" });
  const { byField, other } = splitFieldErrors(approve.error, ["number", "issued_on", "expires_on"]);
  function submit(event: FormEvent) {
    event.preventDefault();
    approve.mutate({ id: permit.id, body: { number: form.number, issued_on: form.issued_on, expires_on: form.expires_on || null } }, { onSuccess: onDone });
  }
  return (
    <form className="stack card" onSubmit={submit} noValidate aria-label={`Approval of the ${permit.permit_type} permit`}>
      <h3>Record the approval of the {humanize(permit.permit_type).toLowerCase()} permit ({permit.agency})</h3>
      <div className="form-grid">
        <TextField label="Permit number" value={form.number} error={byField.number} onChange={(e) => setForm({ ...form, number: e.target.value })} />
        <TextField label="Issued on" type="date" value={form.issued_on} error={byField.issued_on} onChange={(e) => setForm({ ...form, issued_on: e.target.value })} />
        <TextField label="Expires on" type="date" value={form.expires_on} error={byField.expires_on} onChange={(e) => setForm({ ...form, expires_on: e.target.value })} />
      </div>
      {other ? <Notice tone="error">{other}</Notice> : null}
      <div className="actions-inline">
        <Button type="submit" busy={approve.isPending}>Record approval</Button>
        <Button variant="ghost" onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}

function PermitStatusChanger({ permit, onChange, busy }: { permit: Permit; onChange: (status: PermitStatus) => void; busy: boolean }) {
  const [status, setStatus] = useState("");
  const name = `${permit.agency} ${permit.permit_type} permit`;
  const next = PERMIT_TRANSITIONS[permit.status] ?? [];
  if (next.length === 0) return null;
  return (
    <div className="row">
      <SelectField label={`New status of the ${name}`} value={status} placeholder="Choose…"
        options={next.map((s) => ({ value: s, label: humanize(s) }))}
        onChange={(e) => setStatus(e.target.value)} />
      <Button size="small" variant="secondary" busy={busy} disabled={!status} onClick={() => { onChange(status as PermitStatus); setStatus(""); }}>Set status of the {name}</Button>
    </div>
  );
}

/** Permits of one well or all; office roles apply, record approvals and change statuses. */
export function PermitsSection({ canWrite }: { canWrite: boolean }) {
  const names = useWellNames();
  const [wellId, setWellId] = useState("");
  const [offset, setOffset] = useState(0);
  const [approving, setApproving] = useState<Permit | null>(null);
  const permits = usePermits({ well_id: wellId || undefined, limit: LIMIT, offset });
  const change = usePermitStatus();
  return (
    <section className="card" aria-labelledby="permits-title">
      <header>
        <h2 id="permits-title">Permits</h2>
        <SelectField label="Permits of well" value={wellId} placeholder="All wells" options={wellOptions(names.data)}
          onChange={(e) => { setWellId(e.target.value); setOffset(0); }} />
      </header>
      <ErrorNotice error={permits.error ?? change.error} />
      {permits.isLoading ? <Loading label="Loading permits…" /> : null}
      {permits.data && permits.data.items.length === 0 ? <p>No permits match.</p> : null}
      {permits.data && permits.data.items.length > 0 ? (
        <div className="table-wrap" role="region" aria-label="Permits table" tabIndex={0}>
          <table className="data">
            <thead>
              <tr><th scope="col">Type</th><th scope="col">Agency</th><th scope="col">Well</th><th scope="col">Status</th><th scope="col">Number</th><th scope="col">Issued</th><th scope="col">Expires</th><th scope="col">Conditions</th>{canWrite ? <th scope="col">Actions</th> : null}</tr>
            </thead>
            <tbody>
              {permits.data.items.map((permit) => (
                <tr key={permit.id}>
                  <td>{humanize(permit.permit_type)}</td>
                  <td>{permit.agency}</td>
                  <td>{permit.well_id ? names.data?.get(permit.well_id) ?? "well" : "—"}</td>
                  <td><StatusBadge value={permit.status} /></td>
                  <td>{permit.number ?? "—"}</td>
                  <td>{permit.issued_on ?? "—"}</td>
                  <td>{permit.expires_on ?? "—"}</td>
                  <td>{permit.conditions.length}</td>
                  {canWrite ? (
                    <td><div className="actions-inline">
                      {PERMIT_APPROVABLE.includes(permit.status) ? <Button size="small" onClick={() => setApproving(permit)}>Record approval of {permit.agency} {permit.permit_type} permit</Button> : null}
                      <PermitStatusChanger permit={permit} onChange={(status) => change.mutate({ id: permit.id, status })} busy={change.isPending} />
                    </div></td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {permits.data ? <Pager offset={offset} limit={LIMIT} total={permits.data.total} label="Permit pages" onChange={setOffset} /> : null}
      {approving ? <ApprovePermit key={approving.id} permit={approving} onDone={() => setApproving(null)} /> : null}
      {canWrite ? <CreatePermit names={names.data} /> : null}
    </section>
  );
}
