import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { Button, ErrorNotice, Loading, Notice, SelectField } from "@/components/ui";

import { MFA_REQUIREMENTS, useMfaRequirement, useSaveMfaPolicy, type MfaRequirement } from "../api/settings";

const LABELS: Record<MfaRequirement, string> = {
  none: "Optional for everyone",
  admins: "Required for admins",
  everyone: "Required for everyone",
};

function MfaForm({ current }: { current: MfaRequirement }) {
  const save = useSaveMfaPolicy();
  const [value, setValue] = useState<MfaRequirement>(current);
  const { byField, other } = splitFieldErrors(save.error, ["mfa_required"]);
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(value);
  }
  return (
    <form className="stack" onSubmit={submit} noValidate aria-labelledby="mfa-policy-title">
      <h2 id="mfa-policy-title">Two-factor sign-in</h2>
      <p className="muted">Users who must use an authenticator app and have none set it up at their next sign-in.</p>
      <div className="form-grid">
        <SelectField label="Authenticator codes" value={value} error={byField.mfa_required}
          options={MFA_REQUIREMENTS.map((r) => ({ value: r, label: LABELS[r] }))} onChange={(e) => setValue(e.target.value as MfaRequirement)} />
      </div>
      {other ? <Notice tone="error">{other}</Notice> : null}
      {save.data ? <Notice tone="success">Two-factor sign-in: {LABELS[save.data.mfa_required].toLowerCase()}.</Notice> : null}
      <div><Button type="submit" busy={save.isPending} disabled={value === current && !save.data}>Save two-factor policy</Button></div>
    </form>
  );
}

export function MfaPolicySection() {
  const requirement = useMfaRequirement();
  return (
    <section className="card">
      <ErrorNotice error={requirement.error} />
      {requirement.isLoading ? <Loading /> : null}
      {requirement.data ? <MfaForm current={requirement.data} /> : null}
    </section>
  );
}
