import { useState, type FormEvent } from "react";
import { Link, useLocation } from "react-router-dom";

import { splitFieldErrors } from "@/api/problem";
import { Button, Notice, TextField } from "@/components/ui";
import { isValidTenant, tenantFromHost } from "@/lib/tenant";

import { forgotPassword } from "../api/publicLinks";

/** What the sign-in page hands over: the company and address already typed. */
export interface ForgotState {
  tenant?: string;
  email?: string;
}

/** Forgotten password: an e-mailed reset link; the same answer whether or not the address is known. */
export default function ForgotPasswordPage() {
  const hostTenant = tenantFromHost(window.location.hostname);
  const handed = (useLocation().state ?? {}) as ForgotState;
  const [tenant, setTenant] = useState(hostTenant ?? handed.tenant ?? "");
  const [email, setEmail] = useState(handed.email ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const slug = tenant.trim().toLowerCase();
    const address = email.trim();
    setErrors({});
    setFailure(null);
    setSent(null);
    if (!isValidTenant(slug)) {
      setErrors({ tenant: "enter your company's WellOS name, e.g. acme" });
      return;
    }
    if (!address) {
      setErrors({ email: "enter the e-mail address you sign in with" });
      return;
    }
    setBusy(true);
    try {
      const outcome = await forgotPassword(slug, { email: address });
      if (outcome.ok) {
        setSent(address);
        return;
      }
      const { byField, other } = splitFieldErrors(outcome.problem, ["email"]);
      setErrors(byField);
      setFailure(outcome.problem.status === 404 ? `There is no company "${slug}".` : other);
    } catch {
      setFailure("The server cannot be reached: check the connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <div className="card stack">
        <h1>Forgot your password?</h1>
        <p>Enter the e-mail address you sign in with: we send a link to choose a new password.</p>
        {failure ? <Notice tone="error">{failure}</Notice> : null}
        {sent ? (
          <Notice tone="success">If {sent} belongs to a user of this company, a link to reset the password is on its way. It works once and expires soon.</Notice>
        ) : null}
        <form className="stack" onSubmit={(e) => void submit(e)} noValidate aria-label="Reset my password">
          {hostTenant ? (
            <p className="muted">Company: <strong>{hostTenant}</strong></p>
          ) : (
            <TextField label="Company" name="tenant" autoComplete="organization" value={tenant} required
              hint="Your company's WellOS name, as in acme.wellos.example" error={errors.tenant} onChange={(e) => setTenant(e.target.value)} />
          )}
          <TextField label="E-mail" name="email" type="email" autoComplete="username" value={email} required
            error={errors.email} onChange={(e) => setEmail(e.target.value)} />
          <Button type="submit" busy={busy}>Email me a reset link</Button>
        </form>
        <p><Link to="/sign-in">Back to sign-in</Link></p>
      </div>
    </main>
  );
}
