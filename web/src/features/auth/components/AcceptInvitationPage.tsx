import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { session } from "@/api/client";
import { splitFieldErrors } from "@/api/problem";
import { Notice } from "@/components/ui";

import { acceptInvitation, isDeadLink, linkParams } from "../api/publicLinks";
import { NewPasswordForm } from "./NewPasswordForm";

const UNREACHABLE = "The server cannot be reached: check the connection and try again.";

/** The page an e-mailed invitation opens: choose a password, and you are signed in. */
export default function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { tenant, token, usable } = linkParams(params);
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | null>(null);
  const [dead, setDead] = useState(false);
  const [ssoOnly, setSsoOnly] = useState(false);

  async function accept(password: string) {
    setBusy(true);
    setFailure(null);
    setFieldError(undefined);
    try {
      const outcome = await acceptInvitation(tenant, { token, password });
      if (outcome.ok) {
        session.adoptTokens(tenant, outcome.body);
        queryClient.clear();
        navigate("/wells", { replace: true });
        return;
      }
      const { problem } = outcome;
      if (isDeadLink(problem)) {
        setDead(true);
        return;
      }
      if (problem.code === "sso_required") {
        setSsoOnly(true);
        return;
      }
      const { byField, other } = splitFieldErrors(problem, ["password"]);
      setFieldError(byField.password);
      setFailure(other);
    } catch {
      setFailure(UNREACHABLE);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <div className="card stack">
        <h1>Welcome to WellOS</h1>
        {!usable ? (
          <Notice tone="error">This invitation link is incomplete: open the whole link from the e-mail, or ask your administrator to send the invitation again.</Notice>
        ) : dead ? (
          <Notice tone="error">
            This invitation link has expired or was already used. Ask your WellOS administrator to send the invitation again
            (Admin, Users: “Re-send”); each invitation works once. If you already chose a password, sign in with it.
          </Notice>
        ) : ssoOnly ? (
          <Notice tone="info">Your company signs in with its own accounts, not a WellOS password: sign in with your company&apos;s account.</Notice>
        ) : (
          <>
            <p>You are invited to <strong>{tenant}</strong>. Choose your password to finish; you are signed in right after.</p>
            {failure ? <Notice tone="error">{failure}</Notice> : null}
            <NewPasswordForm submitLabel="Set my password and sign in" busy={busy} error={fieldError} onSubmit={(p) => void accept(p)} />
          </>
        )}
        <p><Link to="/sign-in">Go to sign-in</Link></p>
      </div>
    </main>
  );
}
