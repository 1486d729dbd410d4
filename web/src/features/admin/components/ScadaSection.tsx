import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { useWellNames } from "@/api/wellNames";
import { Button, Checkbox, ErrorNotice, Notice, StatusBadge, TextField } from "@/components/ui";
import { formatDateTime } from "@/lib/format";

import { useConnections, useGateways, useRegisterGateway, useRevokeGateway, useTags, useToggleTag } from "../api/admin";

function Tags({ connectionId, canWrite }: { connectionId: string; canWrite: boolean }) {
  const tags = useTags(connectionId);
  const toggle = useToggleTag(connectionId);
  const names = useWellNames();
  return (
    <>
      <ErrorNotice error={tags.error ?? toggle.error} />
      {tags.data ? (
        <div className="table-wrap">
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
        <div className="table-wrap">
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
        </section>
      ))}
    </section>
  );
}
