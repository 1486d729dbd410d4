import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router-dom";

import { session, type Schemas } from "@/api/client";
import { asProblem, splitFieldErrors } from "@/api/problem";
import { Button, Notice, TextField } from "@/components/ui";
import { isValidTenant, tenantFromHost } from "@/lib/tenant";

import type { SignInNoticeState } from "../api/publicLinks";
import { useSessionStatus } from "../api/session";

/** Only paths inside the app: never an open redirect to another origin. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/sign-in")) return "/wells";
  return next;
}

type SignInOptions = Schemas["SignInOptionsOut"];

/** What the tenant's sign-in page offers (public: the kinds of sign-in, never configuration). */
function useSignInOptions(tenant: string | null) {
  return useQuery({
    queryKey: ["sign-in-options", tenant],
    enabled: tenant !== null,
    retry: false,
    staleTime: 60_000,
    queryFn: async (): Promise<SignInOptions | null> => {
      const answer = await fetch("/api/v1/auth/options", { headers: { "X-WellOS-Tenant": tenant ?? "" } });
      return answer.ok ? ((await answer.json()) as SignInOptions) : null;
    },
  });
}

/** The tenant's single sign-on, when it has one: a plain link, the server redirects onwards. */
export function SsoSignIn({ options }: { options: SignInOptions | null | undefined }) {
  if (!options?.sso) return null;
  const label = options.sso.kind === "entra" ? "Sign in with Microsoft" : `Sign in with ${options.tenant_name}'s account`;
  return (
    <div className="stack">
      {options.sso_required ? (
        <Notice tone="info">{options.tenant_name} signs in with its own accounts; a password works only for its emergency administrator.</Notice>
      ) : null}
      <a className="btn" href={options.sso.start_path}>{label}</a>
    </div>
  );
}

export function SignInPage() {
  const hostTenant = tenantFromHost(window.location.hostname);
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const status = useSessionStatus();
  const [tenant, setTenant] = useState(hostTenant ?? session.tenant ?? "");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [mustChange, setMustChange] = useState(false);
  const [mfaCode, setMfaCode] = useState("");
  const [needsCode, setNeedsCode] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [linkSent, setLinkSent] = useState<string | null>(null);
  const [sendingLink, setSendingLink] = useState(false);
  const expired = status === "expired" || params.get("expired") === "1";
  const next = safeNext(params.get("next") ?? (location.state as { from?: string } | null)?.from ?? null);
  const options = useSignInOptions(hostTenant);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const slug = tenant.trim().toLowerCase();
    if (!isValidTenant(slug)) {
      setErrors({ tenant: "enter your company's WellOS name, e.g. acme" });
      return;
    }
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      const failed = await session.signIn(
        slug,
        email.trim(),
        password,
        mustChange ? newPassword : undefined,
        needsCode ? mfaCode.trim() : undefined,
      );
      if (failed) {
        const body: unknown = await failed.json().catch(() => null);
        const problem = asProblem(failed.status, body);
        if (problem.code === "mfa_required" || problem.code === "mfa_code_invalid") {
          setNeedsCode(true);
          setFailure(
            problem.code === "mfa_required"
              ? "Enter the code of your authenticator app (or a recovery code)."
              : "That code is not right or was already used: enter the current one.",
          );
          return;
        }
        if (problem.code === "password_change_required") {
          setMustChange(true);
          setFailure("Your administrator set this password: choose your own to continue.");
          return;
        }
        const { byField, other } = splitFieldErrors(problem, ["email", "password", "new_password", "mfa_code"]);
        setErrors(byField);
        setFailure(
          failed.status === 401 ? "The e-mail or password is not right." : failed.status === 404 ? `There is no company "${slug}".` : other,
        );
        return;
      }
      queryClient.clear();
      navigate(next, { replace: true });
    } catch {
      setFailure("The server cannot be reached: check the connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  /** The passwordless way in: a single-use link to the address, if it belongs to a user. */
  async function sendLink() {
    const slug = tenant.trim().toLowerCase();
    const address = email.trim();
    setErrors({});
    setFailure(null);
    setLinkSent(null);
    if (!isValidTenant(slug)) {
      setErrors({ tenant: "enter your company's WellOS name, e.g. acme" });
      return;
    }
    if (!address) {
      setErrors({ email: "enter your e-mail address to get a sign-in link" });
      return;
    }
    setSendingLink(true);
    try {
      const answer = await session.requestMagicLink(slug, address);
      if (!answer.ok) {
        const problem = asProblem(answer.status, await answer.json().catch(() => null));
        const { byField, other } = splitFieldErrors(problem, ["email"]);
        setErrors(byField);
        setFailure(answer.status === 404 ? `There is no company "${slug}".` : other);
        return;
      }
      setLinkSent(address);
    } catch {
      setFailure("The server cannot be reached: check the connection and try again.");
    } finally {
      setSendingLink(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <div className="card">
        <h1>Sign in to WellOS</h1>
        {expired ? <Notice tone="info">Your session has ended. Sign in again to continue where you were.</Notice> : null}
        {(location.state as SignInNoticeState | null)?.notice ? <Notice tone="success">{(location.state as SignInNoticeState).notice}</Notice> : null}
        {failure ? <Notice tone="error">{failure}</Notice> : null}
        {linkSent ? (
          <Notice tone="success">If {linkSent} belongs to a user of this company, a sign-in link is on its way. It works once and expires soon.</Notice>
        ) : null}
        <SsoSignIn options={options.data} />
        <form className="stack" onSubmit={submit} noValidate>
          {hostTenant ? (
            <p className="muted">
              Company: <strong>{hostTenant}</strong>
            </p>
          ) : (
            <TextField label="Company" name="tenant" autoComplete="organization" value={tenant} required
              hint="Your company's WellOS name, as in acme.wellos.example" error={errors.tenant}
              onChange={(e) => setTenant(e.target.value)} />
          )}
          <TextField label="E-mail" name="email" type="email" autoComplete="username" value={email} required
            error={errors.email} onChange={(e) => setEmail(e.target.value)} />
          <TextField label="Password" name="password" type="password" autoComplete="current-password" value={password} required
            error={errors.password} onChange={(e) => setPassword(e.target.value)} />
          <Link className="small" to="/sign-in/forgot" state={{ tenant, email }}>Forgot your password?</Link>
          {mustChange ? (
            <TextField label="New password" name="new_password" type="password" autoComplete="new-password" value={newPassword}
              required hint="At least 12 characters, not a common password" error={errors.new_password}
              onChange={(e) => setNewPassword(e.target.value)} />
          ) : null}
          {needsCode ? (
            <TextField label="Authenticator code" name="mfa_code" autoComplete="one-time-code" inputMode="numeric"
              value={mfaCode} required error={errors.mfa_code} onChange={(e) => setMfaCode(e.target.value)} />
          ) : null}
          <Button type="submit" busy={busy}>Sign in</Button>
        </form>
        {options.data?.magic_link === false ? null : (
          <div className="stack" style={{ marginTop: "var(--space-4)" }}>
            <p className="muted small" style={{ margin: 0 }}>No password at hand? Enter your e-mail above and get a link instead.</p>
            <Button variant="secondary" busy={sendingLink} onClick={() => void sendLink()}>Email me a sign-in link</Button>
          </div>
        )}
      </div>
    </main>
  );
}
