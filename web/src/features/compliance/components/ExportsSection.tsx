import { useState } from "react";

import { Button, ErrorNotice, Notice, SelectField } from "@/components/ui";

import { EXPORT_FORMATS, STATES, exportReport, type ExportFormat, type ReportExport } from "../api/compliance";

const REPORTS: { report: ReportExport; label: string }[] = [
  { report: "month-end", label: "Month-end balances" },
  { report: "run-tickets", label: "Run tickets (hauling register)" },
  { report: "severance", label: "Severance taxes" },
  { report: "revenue", label: "Payment register (owner revenue)" },
];

/** The month's reports as CSV or XLSX files, fetched with the user's session. */
export function ExportsSection({ period, state, leaseId }: { period: string; state: string | undefined; leaseId: string | undefined }) {
  const [format, setFormat] = useState<ExportFormat>("csv");
  const [taxState, setTaxState] = useState(state ?? "TX");
  const [busy, setBusy] = useState<ReportExport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);

  async function download(report: ReportExport) {
    setBusy(report);
    setError(null);
    setSaved(null);
    try {
      const name = await exportReport(report, period, format, report === "severance" ? taxState : state, leaseId);
      setSaved(name);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="card" aria-labelledby="exports-title">
      <header><h2 id="exports-title">Reports of {period}</h2></header>
      <div className="form-grid">
        <SelectField label="File format" value={format} options={EXPORT_FORMATS.map((f) => ({ value: f, label: f.toUpperCase() }))}
          onChange={(e) => setFormat(e.target.value as ExportFormat)} />
        <SelectField label="Severance state" value={taxState} options={STATES.map((s) => ({ value: s, label: s }))}
          onChange={(e) => setTaxState(e.target.value)} />
      </div>
      <ul className="actions-inline" style={{ listStyle: "none", padding: 0, margin: "var(--space-3) 0 0" }}>
        {REPORTS.map(({ report, label }) => (
          <li key={report}>
            <Button variant="secondary" busy={busy === report} onClick={() => void download(report)}>
              Download {label}
            </Button>
          </li>
        ))}
      </ul>
      <div style={{ marginTop: "var(--space-3)" }}>
        <ErrorNotice error={error} />
        {saved ? <Notice tone="success">Saved {saved}.</Notice> : null}
      </div>
    </section>
  );
}
