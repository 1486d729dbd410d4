import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { Button, Checkbox, ErrorNotice, Loading, Notice, PageHeader, SelectField, StatusBadge, TextField } from "@/components/ui";
import { useMe } from "@/features/auth/api/session";
import { formatDateTime, humanize } from "@/lib/format";

import {
  useApiKeys, useChangePassword, useConfirmTotp, useCreateApiKey, useDisableTotp, useEndOtherSessions, useEndSession, useMfaStatus,
  useMySessions, useRevokeApiKey, useStartTotp,
} from "../api/account";

const ROLES = ["ADMIN", "MANAGER", "FIELD_OPERATOR", "VIEWER"] as const;
type Role = (typeof ROLES)[number];

function PasswordSection() {
  const [form, setForm] = useState({ current_password: "", new_password: "" });
  const change = useChangePassword();
  const { byField, other } = splitFieldErrors(change.error, ["current_password", "new_password"]);
  function submit(event: FormEvent) {
    event.preventDefault();
    change.mutate(form, { onSuccess: () => setForm({ current_password: "", new_password: "" }) });
  }
  return (
    <section className="card" aria-labelledby="password-title">
      <form className="stack" onSubmit={submit} noValidate aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <div className="form-grid">
          <TextField label="Current password" type="password" autoComplete="current-password" value={form.current_password}
            error={byField.current_password} onChange={(e) => setForm({ ...form, current_password: e.target.value })} />
          <TextField label="New password" type="password" autoComplete="new-password" value={form.new_password}
            error={byField.new_password} onChange={(e) => setForm({ ...form, new_password: e.target.value })} />
        </div>
        {other ? <Notice tone="error">{other}</Notice> : null}
        {change.isSuccess ? <Notice tone="success">Password changed. Your other sessions have ended.</Notice> : null}
        <div><Button type="submit" busy={change.isPending}>Change password</Button></div>
      </form>
    </section>
  );
}

function SessionsSection() {
  const sessions = useMySessions();
  const end = useEndSession();
  const endOthers = useEndOtherSessions();
  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">My sessions</h2>
      <ErrorNotice error={sessions.error ?? end.error ?? endOthers.error} />
      {sessions.isLoading ? <Loading label="Loading sessions…" /> : null}
      {sessions.data ? (
        <div className="table-wrap" role="region" aria-label="Sessions table" tabIndex={0}>
          <table className="data">
            <thead><tr><th scope="col">Device</th><th scope="col">Address</th><th scope="col">Started</th><th scope="col">Last used</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {sessions.data.map((s) => (
                <tr key={s.id}>
                  <td>{s.device || "unknown device"}</td>
                  <td>{s.address}</td>
                  <td>{formatDateTime(s.created_at)}</td>
                  <td>{formatDateTime(s.last_used_at)}</td>
                  <td>
                    {s.current ? <span className="muted">This session</span> : (
                      <Button size="small" variant="secondary" busy={end.isPending && end.variables === s.id} onClick={() => end.mutate(s.id)}
                        aria-label={`End the session on ${s.device || "unknown device"} started ${formatDateTime(s.created_at)}`}>End</Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {endOthers.data ? <Notice tone="success">{endOthers.data.ended} other session(s) ended.</Notice> : null}
      <div><Button variant="secondary" busy={endOthers.isPending} onClick={() => endOthers.mutate()}>End my other sessions</Button></div>
    </section>
  );
}

function MfaSection() {
  const status = useMfaStatus();
  const start = useStartTotp();
  const confirm = useConfirmTotp();
  const disable = useDisableTotp();
  const [code, setCode] = useState("");
  const [offCode, setOffCode] = useState("");
  const confirmErrors = splitFieldErrors(confirm.error, ["code"]);
  const disableErrors = splitFieldErrors(disable.error, ["code"]);
  const enrolled = status.data?.enrolled ?? false;
  return (
    <section className="card stack" aria-labelledby="mfa-title">
      <h2 id="mfa-title">Two-factor sign-in</h2>
      <ErrorNotice error={status.error ?? start.error} />
      {status.data ? (
        <p>
          Status: <StatusBadge value={enrolled ? "ACTIVE" : "INACTIVE"} /> {enrolled ? "An authenticator app is set up." : "Not set up."}
          {status.data.required ? " Your organisation requires it for your role." : ""}
        </p>
      ) : null}
      {confirm.data && enrolled ? (
        <Notice tone="success" title="Two-factor sign-in is on.">
          Recovery codes (shown once; keep them somewhere safe, each works once):
          <ul className="recovery-codes" aria-label="Recovery codes">
            {confirm.data.recovery_codes.map((c) => <li key={c}><code>{c}</code></li>)}
          </ul>
        </Notice>
      ) : null}
      {!enrolled && (!start.data || confirm.data) ? (
        <div><Button busy={start.isPending} onClick={() => { confirm.reset(); setCode(""); start.mutate(); }}>Set up an authenticator app</Button></div>
      ) : null}
      {!enrolled && start.data && !confirm.data ? (
        <form className="stack" noValidate aria-label="Confirm the authenticator"
          onSubmit={(e) => { e.preventDefault(); confirm.mutate(code.trim()); }}>
          <p>Add this key to your authenticator app (or open the link on your phone), then type the code it shows.</p>
          <p>Key: <code className="secret" data-testid="totp-secret">{start.data.secret}</code></p>
          <p className="secret small" aria-label="Authenticator link">{start.data.otpauth_uri}</p>
          <TextField label="Code from the app" inputMode="numeric" autoComplete="one-time-code" value={code} error={confirmErrors.byField.code}
            onChange={(e) => setCode(e.target.value)} />
          {confirmErrors.other ? <Notice tone="error">{confirmErrors.other}</Notice> : null}
          <div><Button type="submit" busy={confirm.isPending}>Confirm</Button></div>
        </form>
      ) : null}
      {enrolled && !status.data?.required ? (
        <form className="stack" noValidate aria-label="Turn off two-factor sign-in"
          onSubmit={(e) => { e.preventDefault(); disable.mutate(offCode.trim(), { onSuccess: () => setOffCode("") }); }}>
          <TextField label="Code or recovery code" value={offCode} error={disableErrors.byField.code} onChange={(e) => setOffCode(e.target.value)} />
          {disableErrors.other ? <Notice tone="error">{disableErrors.other}</Notice> : null}
          <div><Button type="submit" variant="secondary" busy={disable.isPending}>Turn off two-factor sign-in</Button></div>
        </form>
      ) : null}
    </section>
  );
}

function ApiKeysSection() {
  const keys = useApiKeys(true);
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [form, setForm] = useState({ name: "", role: "VIEWER" as Role, read_only: true });
  const { byField, other } = splitFieldErrors(create.error, ["name", "role", "read_only"]);
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(form, { onSuccess: () => setForm({ ...form, name: "" }) });
  }
  return (
    <section className="card stack" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <ErrorNotice error={keys.error ?? revoke.error} />
      {keys.isLoading ? <Loading label="Loading API keys…" /> : null}
      {keys.data && keys.data.length ? (
        <div className="table-wrap" role="region" aria-label="API keys table" tabIndex={0}>
          <table className="data">
            <thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td><code>{k.prefix}</code></td>
                  <td>{humanize(k.role)}{k.read_only ? " (read only)" : ""}</td>
                  <td>{formatDateTime(k.created_at)}</td>
                  <td>{formatDateTime(k.last_used_at)}</td>
                  <td><StatusBadge value={k.revoked_at ? "REVOKED" : "ACTIVE"} /></td>
                  <td>
                    {k.revoked_at ? null : (
                      <Button size="small" variant="secondary" busy={revoke.isPending && revoke.variables === k.id} onClick={() => revoke.mutate(k.id)}
                        aria-label={`Revoke the key ${k.name}`}>Revoke</Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : keys.data ? <p>No API keys yet.</p> : null}
      <form className="stack" onSubmit={submit} noValidate aria-labelledby="new-key-title">
        <h3 id="new-key-title">Create an API key</h3>
        <div className="form-grid">
          <TextField label="Key name" value={form.name} error={byField.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          <SelectField label="Key's role" value={form.role} error={byField.role} options={ROLES.map((r) => ({ value: r, label: humanize(r) }))}
            onChange={(e) => setForm({ ...form, role: e.target.value as Role })} />
        </div>
        <Checkbox label="Read only" checked={form.read_only} onChange={(e) => setForm({ ...form, read_only: e.target.checked })} />
        {other ? <Notice tone="error">{other}</Notice> : null}
        {create.data ? (
          <Notice tone="success" title={`Key ${create.data.name} created.`}>
            Copy it now, it is shown once (send it as <code>Authorization: Bearer …</code>): <code className="secret" data-testid="api-key">{create.data.key}</code>
          </Notice>
        ) : null}
        <div><Button type="submit" busy={create.isPending}>Create key</Button></div>
      </form>
    </section>
  );
}

/** Your password, sessions and authenticator; API keys for admins. */
export default function AccountPage() {
  const me = useMe();
  return (
    <>
      <PageHeader title="My account">{me.data ? <p className="muted">{me.data.full_name} · {me.data.email}</p> : null}</PageHeader>
      <PasswordSection />
      <SessionsSection />
      <MfaSection />
      {me.data?.role === "ADMIN" ? <ApiKeysSection /> : null}
    </>
  );
}
