import { useState, type FormEvent } from "react";

import { Button, TextField } from "@/components/ui";

export const PASSWORD_HINT = "At least 12 characters (or your company's minimum), not a common password";

/**
 * A new password typed twice; `error` is the API's problem for the password, shown at the
 * field. A mismatch is caught here, before anything is sent (a link works once).
 */
export function NewPasswordForm({ submitLabel, busy, error, onSubmit }: {
  submitLabel: string;
  busy: boolean;
  error: string | undefined;
  onSubmit: (password: string) => void;
}) {
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [local, setLocal] = useState<{ password?: string; repeat?: string }>({});

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!password) {
      setLocal({ password: "enter the password you want" });
      return;
    }
    if (password !== repeat) {
      setLocal({ repeat: "the two passwords differ: type the same one twice" });
      return;
    }
    setLocal({});
    onSubmit(password);
  }

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label={submitLabel}>
      <TextField label="New password" name="new_password" type="password" autoComplete="new-password" value={password} required
        hint={PASSWORD_HINT} error={local.password ?? error} onChange={(e) => setPassword(e.target.value)} />
      <TextField label="Repeat the new password" name="repeat_password" type="password" autoComplete="new-password" value={repeat}
        required error={local.repeat} onChange={(e) => setRepeat(e.target.value)} />
      <Button type="submit" busy={busy}>{submitLabel}</Button>
    </form>
  );
}
