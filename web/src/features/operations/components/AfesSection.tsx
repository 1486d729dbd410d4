import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { useWellNames } from "@/api/wellNames";
import { Button, ErrorNotice, Loading, Notice, Pager, SelectField, StatusBadge, TextAreaField, TextField } from "@/components/ui";
import { humanize } from "@/lib/format";

import { AFE_CATEGORIES, AFE_STATUSES, useAfeAction, useAfes, useCreateAfe, type Afe, type AfeStatus } from "../api/operations";
import { money, wellOptions } from "./shared";

const LIMIT = 25;

interface Line {
  category: string;
  amount: string;
}

function CreateAfe() {
  const names = useWellNames();
  const create = useCreateAfe();
  const [form, setForm] = useState({ number: "", title: "", well_id: "" });
  const [lines, setLines] = useState<Line[]>([{ category: "idc", amount: "" }]);
  const { byField, other } = splitFieldErrors(create.error, ["number", "title", "well_id", "estimate"]);
  const lineErrors = splitFieldErrors(create.error, lines.flatMap((_, i) => [`estimate.${i}.amount`, `estimate.${i}.category`])).byField;

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { number: form.number, title: form.title, well_id: form.well_id || null, estimate: lines.map((l) => ({ category: l.category, amount: l.amount, note: "" })), partners: [] },
      { onSuccess: () => { setForm({ number: "", title: "", well_id: "" }); setLines([{ category: "idc", amount: "" }]); } },
    );
  }
  const setLine = (index: number, change: Partial<Line>) => setLines(lines.map((line, i) => (i === index ? { ...line, ...change } : line)));

  return (
    <form className="stack" onSubmit={submit} noValidate aria-labelledby="new-afe-title">
      <h3 id="new-afe-title">Propose an AFE</h3>
      <div className="form-grid">
        <TextField label="AFE number" value={form.number} error={byField.number} onChange={(e) => setForm({ ...form, number: e.target.value })} />
        <TextField label="AFE title" value={form.title} error={byField.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
        <SelectField label="AFE's well" value={form.well_id} placeholder="No well (lease or field work)" options={wellOptions(names.data)}
          error={byField.well_id} onChange={(e) => setForm({ ...form, well_id: e.target.value })} />
      </div>
      <fieldset>
        <legend>Estimate</legend>
        {lines.map((line, index) => (
          <div className="form-grid" key={index}>
            <SelectField label={`Category of line ${index + 1}`} value={line.category} options={AFE_CATEGORIES}
              error={lineErrors[`estimate.${index}.category`]} onChange={(e) => setLine(index, { category: e.target.value })} />
            <TextField label={`Amount of line ${index + 1} (USD)`} inputMode="decimal" value={line.amount}
              error={lineErrors[`estimate.${index}.amount`]} onChange={(e) => setLine(index, { amount: e.target.value })} />
          </div>
        ))}
        {byField.estimate ? <p className="error" role="alert">{byField.estimate}</p> : null}
        <div className="actions-inline">
          <Button variant="secondary" size="small" onClick={() => setLines([...lines, { category: "contingency", amount: "" }])}>Add an estimate line</Button>
          {lines.length > 1 ? <Button variant="ghost" size="small" onClick={() => setLines(lines.slice(0, -1))}>Remove the last line</Button> : null}
        </div>
      </fieldset>
      {other && !Object.keys(lineErrors).length ? <Notice tone="error">{other}</Notice> : null}
      {create.data ? <Notice tone="success">AFE {create.data.number} drafted: submit it for approval.</Notice> : null}
      <div><Button type="submit" busy={create.isPending}>Create AFE</Button></div>
    </form>
  );
}

function Decide({ afe, onDone }: { afe: Afe; onDone: () => void }) {
  const action = useAfeAction();
  const [note, setNote] = useState("");
  const { byField, other } = splitFieldErrors(action.error, ["note"]);
  const decide = (approve: boolean) => action.mutate({ id: afe.id, action: { kind: "decide", approve, note } }, { onSuccess: onDone });
  return (
    <div className="stack card" role="group" aria-label={`Decision on AFE ${afe.number}`}>
      <h3>Decide on AFE {afe.number}: {afe.title} ({money(afe.total_estimate)})</h3>
      <TextAreaField label="Decision note" value={note} hint="Shown in the AFE's history; say why when you reject"
        error={byField.note} onChange={(e) => setNote(e.target.value)} />
      {other ? <Notice tone="error">{other}</Notice> : null}
      <div className="actions-inline">
        <Button busy={action.isPending} onClick={() => decide(true)}>Approve AFE {afe.number}</Button>
        <Button variant="danger" busy={action.isPending} onClick={() => decide(false)}>Reject AFE {afe.number}</Button>
        <Button variant="ghost" onClick={onDone}>Cancel</Button>
      </div>
    </div>
  );
}

/** AFEs by status with their approval level; submit, approve or reject, close; propose one. */
export function AfesSection({ role }: { role: string }) {
  const [status, setStatus] = useState<AfeStatus | undefined>();
  const [offset, setOffset] = useState(0);
  const [deciding, setDeciding] = useState<Afe | null>(null);
  const afes = useAfes({ status, limit: LIMIT, offset });
  const action = useAfeAction();
  return (
    <section className="card" aria-labelledby="afes-title">
      <header>
        <h2 id="afes-title">AFEs</h2>
        <SelectField label="AFE status" value={status ?? ""} placeholder="Any status" options={AFE_STATUSES.map((s) => ({ value: s, label: humanize(s) }))}
          onChange={(e) => { setStatus((e.target.value || undefined) as AfeStatus | undefined); setOffset(0); }} />
      </header>
      <ErrorNotice error={afes.error ?? action.error} />
      {afes.isLoading ? <Loading label="Loading AFEs…" /> : null}
      {afes.data && afes.data.items.length === 0 ? <p>No AFEs match.</p> : null}
      {afes.data && afes.data.items.length > 0 ? (
        <div className="table-wrap" role="region" aria-label="AFEs table" tabIndex={0}>
          <table className="data">
            <thead>
              <tr><th scope="col">Number</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col" className="num">Estimate</th><th scope="col" className="num">Actual</th><th scope="col">Waiting for</th><th scope="col">Actions</th></tr>
            </thead>
            <tbody>
              {afes.data.items.map((afe) => (
                <tr key={afe.id}>
                  <td>{afe.number}</td>
                  <td>{afe.title}</td>
                  <td><StatusBadge value={afe.status} /></td>
                  <td className="num">{money(afe.total_estimate)}</td>
                  <td className="num">{money(afe.total_actual)}</td>
                  <td>{afe.waiting_for ? humanize(afe.waiting_for) : "—"}</td>
                  <td><div className="actions-inline">
                    {afe.status === "draft" ? (
                      <Button size="small" busy={action.isPending} onClick={() => action.mutate({ id: afe.id, action: { kind: "submit" } })}>Submit AFE {afe.number}</Button>
                    ) : null}
                    {afe.status === "submitted" && afe.waiting_for === role ? (
                      <Button size="small" onClick={() => setDeciding(afe)}>Decide on AFE {afe.number}</Button>
                    ) : null}
                    {afe.status === "approved" ? (
                      <Button size="small" variant="secondary" busy={action.isPending} onClick={() => action.mutate({ id: afe.id, action: { kind: "close" } })}>Close AFE {afe.number}</Button>
                    ) : null}
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {afes.data ? <Pager offset={offset} limit={LIMIT} total={afes.data.total} label="AFE pages" onChange={setOffset} /> : null}
      {deciding ? <Decide key={deciding.id} afe={deciding} onDone={() => setDeciding(null)} /> : null}
      <CreateAfe />
    </section>
  );
}
