import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { Button, Checkbox, ErrorNotice, Loading, Notice, SelectField, TextField } from "@/components/ui";
import { formatDateTime, humanize } from "@/lib/format";

import { ROLES, useDeleteSso, useSaveSso, useSsoConfig, type SsoConfig, type SsoConfigIn } from "../api/settings";

const FIELDS = ["kind", "discovery_url", "entra_tenant_id", "client_id", "client_secret", "allowed_domains", "default_role", "role_claim", "require_sso", "break_glass_email"];

function initial(config: SsoConfig | null) {
  return {
    kind: (config?.kind ?? "oidc") as SsoConfigIn["kind"] & string,
    discovery_url: config?.discovery_url ?? "",
    entra_tenant_id: "",
    client_id: config?.client_id ?? "",
    client_secret: "",
    allowed_domains: (config?.allowed_domains ?? []).join(", "),
    default_role: (config?.default_role ?? "VIEWER") as SsoConfigIn["default_role"] & string,
    role_claim: config?.role_claim ?? "",
    require_sso: config?.require_sso ?? false,
    break_glass_email: config?.break_glass_email ?? "",
  };
}

function SsoForm({ config }: { config: SsoConfig | null }) {
  const save = useSaveSso();
  const remove = useDeleteSso();
  const [form, setForm] = useState(() => initial(config));
  const [confirming, setConfirming] = useState(false);
  const { byField, other } = splitFieldErrors(save.error, FIELDS);

  function submit(event: FormEvent) {
    event.preventDefault();
    const domains = form.allowed_domains.split(/[\s,;]+/).map((d) => d.trim()).filter(Boolean);
    save.mutate(
      {
        kind: form.kind,
        discovery_url: form.kind === "oidc" ? form.discovery_url.trim() || null : null,
        entra_tenant_id: form.kind === "entra" ? form.entra_tenant_id.trim() || null : null,
        client_id: form.client_id.trim(),
        // write-only: empty keeps the stored secret
        client_secret: form.client_secret || null,
        allowed_domains: domains,
        default_role: form.default_role,
        role_claim: form.role_claim.trim() || null,
        role_map: config?.role_map ?? {},
        require_sso: form.require_sso,
        break_glass_email: form.break_glass_email.trim() || null,
      },
      { onSuccess: () => setForm((f) => ({ ...f, client_secret: "" })) },
    );
  }

  return (
    <form className="stack" onSubmit={submit} noValidate aria-labelledby="sso-title">
      <h2 id="sso-title">Single sign-on</h2>
      {config ? (
        <p className="muted">Configured for issuer <code>{config.issuer}</code>{config.updated_at ? `, changed ${formatDateTime(config.updated_at)}` : ""}.</p>
      ) : <p className="muted">Not configured: users sign in with a password or an e-mailed link.</p>}
      <div className="form-grid">
        <SelectField label="Identity provider" value={form.kind} error={byField.kind}
          options={[{ value: "oidc", label: "OpenID Connect (Okta, Google, Auth0…)" }, { value: "entra", label: "Microsoft Entra ID" }]}
          onChange={(e) => setForm({ ...form, kind: e.target.value as typeof form.kind })} />
        {form.kind === "oidc" ? (
          <TextField label="Issuer URL" type="url" value={form.discovery_url} hint="The issuer or its /.well-known/openid-configuration URL" error={byField.discovery_url}
            onChange={(e) => setForm({ ...form, discovery_url: e.target.value })} />
        ) : (
          <TextField label="Entra directory (tenant) id" value={form.entra_tenant_id} error={byField.entra_tenant_id}
            onChange={(e) => setForm({ ...form, entra_tenant_id: e.target.value })} />
        )}
        <TextField label="Client id" value={form.client_id} error={byField.client_id} onChange={(e) => setForm({ ...form, client_id: e.target.value })} />
        <TextField label="Client secret" type="password" autoComplete="new-password" value={form.client_secret} error={byField.client_secret}
          hint={config?.client_secret_set ? "A secret is stored and never shown; leave empty to keep it" : "Stored in the secret store, never shown again"}
          onChange={(e) => setForm({ ...form, client_secret: e.target.value })} />
        <TextField label="Allowed e-mail domains" value={form.allowed_domains} hint="Comma-separated, e.g. acme.com, acme.co.uk" error={byField.allowed_domains}
          onChange={(e) => setForm({ ...form, allowed_domains: e.target.value })} />
        <SelectField label="Role of new SSO users" value={form.default_role} options={ROLES.map((r) => ({ value: r, label: humanize(r) }))} error={byField.default_role}
          onChange={(e) => setForm({ ...form, default_role: e.target.value as typeof form.default_role })} />
        <TextField label="Role claim" value={form.role_claim} hint="Optional: a claim such as groups mapped to roles" error={byField.role_claim}
          onChange={(e) => setForm({ ...form, role_claim: e.target.value })} />
        <TextField label="Break-glass admin e-mail" type="email" value={form.break_glass_email} hint="The one admin who may still use a password when SSO is required"
          error={byField.break_glass_email} onChange={(e) => setForm({ ...form, break_glass_email: e.target.value })} />
      </div>
      <Checkbox label="Require SSO (passwords and e-mailed links stop working, except for the break-glass admin)" checked={form.require_sso}
        onChange={(e) => setForm({ ...form, require_sso: e.target.checked })} />
      {byField.require_sso ? <p className="error">{byField.require_sso}</p> : null}
      {other ? <Notice tone="error">{other}</Notice> : null}
      {save.isSuccess ? <Notice tone="success">Single sign-on saved.</Notice> : null}
      <ErrorNotice error={remove.error} />
      <div className="actions-inline">
        <Button type="submit" busy={save.isPending}>Save single sign-on</Button>
        {config && !confirming ? <Button variant="secondary" onClick={() => setConfirming(true)}>Remove single sign-on…</Button> : null}
        {config && confirming ? (
          <>
            <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate(undefined, { onSuccess: () => setConfirming(false) })}>Yes, remove single sign-on</Button>
            <Button variant="ghost" onClick={() => setConfirming(false)}>Keep it</Button>
          </>
        ) : null}
      </div>
    </form>
  );
}

/** The tenant's OpenID Connect / Entra sign-in; the client secret is write-only. */
export function SsoSection() {
  const config = useSsoConfig();
  return (
    <section className="card">
      <ErrorNotice error={config.error} />
      {config.isLoading ? <Loading label="Loading the single sign-on settings…" /> : null}
      {config.data !== undefined ? <SsoForm key={config.data ? "set" : "none"} config={config.data} /> : null}
    </section>
  );
}
