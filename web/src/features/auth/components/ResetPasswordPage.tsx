import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { splitFieldErrors } from "@/api/problem";
import { Notice } from "@/components/ui";

import { isDeadLink, linkParams, resetPassword, type SignInNoticeState } from "../api/publicLinks";
import { NewPasswordForm } from "./NewPasswordForm";

export const RESET_DONE = "Your password is changed and every other session has ended: sign in with the new password.";

/** The page an e-mailed reset link opens: a new password, then sign in with it. */
export default function ResetPasswordPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { tenant, token, usable } = linkParams(params);
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | null>(null);
  const [dead, setDead] = useState(false);

  async function reset(password: string) {
    setBusy(true);
    setFailure(null);
    setFieldError(undefined);
    try {
      const outcome = await resetPassword(tenant, { token, new_password: password });
      if (outcome.ok) {
        const state: SignInNoticeState = { notice: RESET_DONE };
        navigate("/sign-in", { replace: true, state });
        return;
      }
      if (isDeadLink(outcome.problem)) {
        setDead(true);
        return;
      }
      const { byField, other } = splitFieldErrors(outcome.problem, ["new_password"]);
      setFieldError(byField.new_password);
      setFailure(other);
    } catch {
      setFailure("The server cannot be reached: check the connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <div className="card stack">
        <h1>Choose a new password</h1>
        {!usable ? (
          <Notice tone="error">This reset link is incomplete: open the whole link from the e-mail, or ask for a new one.</Notice>
        ) : dead ? (
          <Notice tone="error">This reset link has expired or was already used: each link works once and for a short time. Ask for a new one.</Notice>
        ) : (
          <>
            {failure ? <Notice tone="error">{failure}</Notice> : null}
            <NewPasswordForm submitLabel="Set the new password" busy={busy} error={fieldError} onSubmit={(p) => void reset(p)} />
          </>
        )}
        <p>
          {!usable || dead ? <><Link to="/sign-in/forgot" state={{ tenant }}>Ask for a new reset link</Link>{" · "}</> : null}
          <Link to="/sign-in">Go to sign-in</Link>
        </p>
      </div>
    </main>
  );
}
