import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { useWellNames } from "@/api/wellNames";
import { Button, Checkbox, ErrorNotice, Notice, SelectField, StatusBadge, TextField } from "@/components/ui";
import { formatDateTime } from "@/lib/format";

import { useAddTag, useConnections, useGateways, useRegisterGateway, useRevokeGateway, useTags, useToggleTag } from "../api/admin";

function Tags({ connectionId, canWrite }: { connectionId: string; canWrite: boolean }) {
  const tags = useTags(connectionId);
  const toggle = useToggleTag(connectionId);
  const names = useWellNames();
  return (
    <>
      <ErrorNotice error={tags.error ?? toggle.error} />
      {tags.data ? (
        <div className="table-wrap" role="region" aria-label="Tags table" tabIndex={0}>
          <table className="data">
            <thead><tr><th scope="col">Tag</th><th scope="col">Well</th><th scope="col">Node</th><th scope="col">Unit</th><th scope="col">Deadband</th><th scope="col">Enabled</th></tr></thead>
            <tbody>
              {tags.data.map((t) => (
                <tr key={t.tag_id}>
                  <td>{t.tag_name}</td><td>{names.data?.get(t.well_id) ?? "—"}</td><td className="mono small">{t.node_id}</td><td>{t.unit ?? "—"}</td>
                  <td>{t.deadband_type === "none" ? "—" : `${t.deadband_value} (${t.deadband_type})`}</td>
                  <td><Checkbox label={<span className="visually-hidden">Read {t.tag_name}</span>} checked={t.enabled} disabled={!canWrite}
                    onChange={(e) => toggle.mutate({ tagId: t.tag_id, enabled: e.target.checked })} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

const EMPTY_TAG = { node_id: "", well_id: "", tag_name: "", unit: "", deadband_type: "none", deadband_value: "0" };

/** Map one more OPC-UA node to a well's tag; the API's refusal shows by its field. */
function AddTag({ connectionId }: { connectionId: string }) {
  const [form, setForm] = useState(EMPTY_TAG);
  const add = useAddTag(connectionId);
  const names = useWellNames();
  const { byField, other } = splitFieldErrors(add.error, Object.keys(EMPTY_TAG));
  const wells = [...(names.data ?? new Map<string, string>()).entries()].sort((a, b) => a[1].localeCompare(b[1]));
  const set = (key: keyof typeof EMPTY_TAG, value: string) => setForm((f) => ({ ...f, [key]: value }));
  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate(
      {
        node_id: form.node_id.trim(), well_id: form.well_id, tag_name: form.tag_name.trim(), unit: form.unit.trim() || null,
        deadband_type: form.deadband_type as "none" | "absolute" | "percent", deadband_value: Number(form.deadband_value || 0),
        data_type: "float", sampling_interval_ms: 1000, enabled: true,
      },
      { onSuccess: () => setForm(EMPTY_TAG) },
    );
  }
  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Add a tag">
      <div className="form-grid">
        <TextField label="Node id" value={form.node_id} error={byField.node_id} placeholder="ns=2;s=Well07.TP" onChange={(e) => set("node_id", e.target.value)} />
        <SelectField label="Tag's well" value={form.well_id} error={byField.well_id} placeholder="Choose a well"
          options={wells.map(([id, name]) => ({ value: id, label: name }))} onChange={(e) => set("well_id", e.target.value)} />
        <TextField label="Tag name" value={form.tag_name} error={byField.tag_name} placeholder="tubing_pressure" onChange={(e) => set("tag_name", e.target.value)} />
        <TextField label="Unit" value={form.unit} error={byField.unit} onChange={(e) => set("unit", e.target.value)} />
        <SelectField label="Deadband" value={form.deadband_type} error={byField.deadband_type}
          options={[{ value: "none", label: "none" }, { value: "absolute", label: "absolute" }, { value: "percent", label: "percent" }]}
          onChange={(e) => set("deadband_type", e.target.value)} />
        <TextField label="Deadband value" inputMode="decimal" value={form.deadband_value} error={byField.deadband_value} onChange={(e) => set("deadband_value", e.target.value)} />
      </div>
      {other ? <Notice tone="error">{other}</Notice> : null}
      <div><Button type="submit" variant="secondary" busy={add.isPending}>Add tag</Button></div>
    </form>
  );
}

function RegisterGateway() {
  const [name, setName] = useState("");
  const register = useRegisterGateway();
  const { byField, other } = splitFieldErrors(register.error, ["name"]);
  function submit(event: FormEvent) {
    event.preventDefault();
    register.mutate(name.trim(), { onSuccess: () => setName("") });
  }
  return (
    <form className="row" onSubmit={submit} noValidate>
      <TextField label="New gateway name" value={name} error={byField.name} onChange={(e) => setName(e.target.value)} />
      <Button type="submit" busy={register.isPending}>Register gateway</Button>
      {other ? <Notice tone="error">{other}</Notice> : null}
      {register.data ? (
        <Notice tone="success" title="Registered.">
          Its credential, shown once (put it in the gateway's settings): <code>{register.data.credential.authorization}</code>
        </Notice>
      ) : null}
    </form>
  );
}

export function ScadaSection({ canWrite }: { canWrite: boolean }) {
  const gateways = useGateways();
  const connections = useConnections();
  const revoke = useRevokeGateway();
  return (
    <section className="card" aria-labelledby="scada-admin-title">
      <h2 id="scada-admin-title">SCADA gateways and tags</h2>
      <ErrorNotice error={gateways.error ?? revoke.error} />
      {gateways.data ? (
        <div className="table-wrap" role="region" aria-label="Gateways table" tabIndex={0}>
          <table className="data">
            <thead><tr><th scope="col">Gateway</th><th scope="col">Status</th><th scope="col">Last seen</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {gateways.data.map((g) => (
                <tr key={g.id}>
                  <td>{g.name}</td><td><StatusBadge value={g.status} /></td><td>{formatDateTime(g.last_seen_at)}</td>
                  <td>{canWrite && g.status === "ACTIVE" ? <Button variant="danger" size="small" onClick={() => revoke.mutate(g.id)} aria-label={`Revoke ${g.name}`}>Revoke</Button> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canWrite ? <RegisterGateway /> : null}
      <ErrorNotice error={connections.error} />
      {(connections.data ?? []).map((c) => (
        <section key={c.id} aria-label={`Connection ${c.name}`}>
          <h3 style={{ marginTop: 16 }}>{c.name} <span className="muted small mono">{c.endpoint_url}</span> {c.enabled ? null : <StatusBadge value="INACTIVE" />}</h3>
          <Tags connectionId={c.id} canWrite={canWrite} />
          {canWrite ? <AddTag connectionId={c.id} /> : null}
        </section>
      ))}
    </section>
  );
}
