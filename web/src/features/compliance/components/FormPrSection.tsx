import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { Button, ErrorNotice, Notice, StatusBadge, TextField } from "@/components/ui";

import { exportFormPr, useCreateFormPr, useMoveFormPr, type FormPr } from "../api/compliance";
import { ProblemList } from "./ProblemList";

/** Texas Form PR of the month: draft, validate (problems listed), file, amend, and its files. */
export function FormPrSection({ period }: { period: string }) {
  const [operator, setOperator] = useState("");
  const [filing, setFiling] = useState<FormPr | null>(null);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const create = useCreateFormPr();
  const move = useMoveFormPr();
  const { byField, other } = splitFieldErrors(create.error, ["operator_number", "period"]);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ operator_number: operator.trim(), period }, { onSuccess: setFiling });
  }

  function step(name: "validate" | "file" | "amend") {
    if (filing) move.mutate({ id: filing.id, step: name }, { onSuccess: setFiling });
  }

  async function download(format?: "csv") {
    if (!filing) return;
    setDownloadError(null);
    try {
      await exportFormPr(filing.id, format);
    } catch (failure) {
      setDownloadError(failure);
    }
  }

  return (
    <section className="card" aria-labelledby="form-pr-title">
      <form className="stack" onSubmit={submit} noValidate aria-labelledby="form-pr-title">
        <h2 id="form-pr-title">Form PR {period} (Texas)</h2>
        <div className="form-grid">
          <TextField label="RRC operator number" inputMode="numeric" value={operator} error={byField.operator_number ?? byField.period}
            hint="Up to 6 digits; the leases with this operator in their compliance profile are included"
            onChange={(e) => setOperator(e.target.value)} />
        </div>
        {other ? <Notice tone="error">{other}</Notice> : null}
        <div><Button type="submit" busy={create.isPending}>Prepare Form PR</Button></div>
      </form>
      {filing ? (
        <div className="stack" style={{ marginTop: "var(--space-4)" }}>
          <p>
            Filing for operator {filing.operator_number}, {filing.period}: <StatusBadge value={filing.status} />
            {filing.due_date ? <span className="muted small"> due {filing.due_date}</span> : null}
          </p>
          {filing.problems.length > 0 ? (
            <Notice tone="warn" title={`${filing.problems.length} problems to fix before filing:`}>
              <ProblemList problems={filing.problems} />
            </Notice>
          ) : <Notice tone="success">No lease has a balance problem.</Notice>}
          <ErrorNotice error={move.error ?? downloadError} />
          <div className="actions-inline">
            {filing.status === "draft" || filing.status === "amended" ? <Button busy={move.isPending} onClick={() => step("validate")}>Validate</Button> : null}
            {filing.status === "validated" ? <Button busy={move.isPending} onClick={() => step("file")}>Mark as filed</Button> : null}
            {filing.status === "filed" ? <Button variant="secondary" busy={move.isPending} onClick={() => step("amend")}>Amend</Button> : null}
            <Button variant="secondary" onClick={() => void download()}>Download the Form PR file</Button>
            <Button variant="secondary" onClick={() => void download("csv")}>Download Form PR rows (CSV)</Button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
