import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { session } from "@/api/client";
import { asProblem } from "@/api/problem";
import { Button, Loading, Notice, TextField } from "@/components/ui";
import { isValidTenant, tenantFromHost } from "@/lib/tenant";

/** Tokens already sent: a link works once, so a re-render must not spend it again. */
const spent = new Set<string>();

/** The page an e-mailed sign-in link opens: it signs in (asking for an authenticator code if needed). */
export default function MagicLinkPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const token = params.get("token") ?? "";
  const tenant = (tenantFromHost(window.location.hostname) ?? params.get("tenant") ?? "").toLowerCase();
  const [needsCode, setNeedsCode] = useState(false);
  const [code, setCode] = useState("");
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const started = useRef(false);

  async function spend(mfaCode?: string) {
    setBusy(true);
    setFailure(null);
    try {
      const failed = await session.signInWithLink(tenant, token, mfaCode);
      if (!failed) {
        queryClient.clear();
        navigate("/wells", { replace: true });
        return;
      }
      const problem = asProblem(failed.status, await failed.json().catch(() => null));
      if (problem.code === "mfa_required" || problem.code === "mfa_code_invalid") {
        setNeedsCode(true);
        setFailure(problem.code === "mfa_required" ? "Enter the code of your authenticator app (or a recovery code)." : "That code is not right: enter the current one.");
        return;
      }
      setFailure(`This sign-in link cannot be used (${problem.message}). Links work once and expire: ask for a new one.`);
    } catch {
      setFailure("The server cannot be reached: check the connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  const usable = Boolean(token) && isValidTenant(tenant);
  useEffect(() => {
    if (!usable || started.current || spent.has(token)) return;
    started.current = true;
    spent.add(token);
    void spend();
    // the link is spent once, when the page opens
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [usable, token]);

  function submit(event: FormEvent) {
    event.preventDefault();
    void spend(code.trim());
  }

  return (
    <main className="sign-in" id="main">
      <div className="card stack">
        <h1>Signing in to WellOS</h1>
        {!usable ? <Notice tone="error">This sign-in link is incomplete: open the whole link from the e-mail, or ask for a new one.</Notice> : null}
        {busy && !needsCode ? <Loading label="Checking your sign-in link…" /> : null}
        {failure ? <Notice tone={needsCode ? "info" : "error"}>{failure}</Notice> : null}
        {needsCode ? (
          <form className="stack" onSubmit={submit} noValidate>
            <TextField label="Authenticator code" autoComplete="one-time-code" inputMode="numeric" value={code} required onChange={(e) => setCode(e.target.value)} />
            <Button type="submit" busy={busy}>Sign in</Button>
          </form>
        ) : null}
        <p><Link to="/sign-in">Sign in with a password instead</Link></p>
      </div>
    </main>
  );
}
