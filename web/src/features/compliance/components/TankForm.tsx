import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { Button, Notice, SelectField, TextAreaField, TextField } from "@/components/ui";

import { useAddTank, useLeases } from "../api/compliance";

/** Strapping rows typed one a line, "height in inches, volume in bbl"; the first bad line is named. */
export function parseStrapping(text: string): { rows: { height_inches: string; volume_bbl: string }[]; error: string | null } {
  const rows: { height_inches: string; volume_bbl: string }[] = [];
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  for (const [index, line] of lines.entries()) {
    const parts = line.split(/[\s,;\t]+/).filter(Boolean);
    const [height, bbl] = parts;
    if (parts.length !== 2 || !height || !bbl || Number.isNaN(Number(height)) || Number.isNaN(Number(bbl))) {
      return { rows, error: `line ${index + 1}: write the height in inches and the volume in bbl, e.g. "12, 20.04"` };
    }
    rows.push({ height_inches: height, volume_bbl: bbl });
  }
  if (rows.length < 2) return { rows, error: "at least two lines: the table from the bottom to the top of the tank" };
  return { rows, error: null };
}

/** A new tank of a lease with its strapping table (the API straps gauges to bbl with it). */
export function TankForm() {
  const leases = useLeases();
  const add = useAddTank();
  const [form, setForm] = useState({ lease_id: "", name: "", product: "oil" as "oil" | "water", capacity_bbl: "", strapping: "" });
  const [strappingError, setStrappingError] = useState<string | null>(null);
  const { byField, other } = splitFieldErrors(add.error, ["lease_id", "name", "product", "capacity_bbl", "strapping"]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = parseStrapping(form.strapping);
    setStrappingError(parsed.error);
    if (parsed.error) return;
    add.mutate(
      { lease_id: form.lease_id, name: form.name, product: form.product, capacity_bbl: form.capacity_bbl || null, strapping: parsed.rows },
      { onSuccess: () => setForm({ ...form, name: "", strapping: "" }) },
    );
  }

  return (
    <section className="card">
      <form className="stack" onSubmit={submit} noValidate aria-labelledby="new-tank-title">
        <h2 id="new-tank-title">Add a tank</h2>
        <div className="form-grid">
          <SelectField label="Tank's lease" value={form.lease_id} placeholder="Choose a lease" error={byField.lease_id}
            options={(leases.data?.items ?? []).map((lease) => ({ value: lease.id, label: `${lease.lease_number} ${lease.name}` }))}
            onChange={(e) => setForm({ ...form, lease_id: e.target.value })} />
          <TextField label="Tank name" value={form.name} error={byField.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          <SelectField label="Product" value={form.product} error={byField.product} options={[{ value: "oil", label: "Oil" }, { value: "water", label: "Water" }]}
            onChange={(e) => setForm({ ...form, product: e.target.value as "oil" | "water" })} />
          <TextField label="Capacity (bbl)" inputMode="decimal" value={form.capacity_bbl} error={byField.capacity_bbl}
            onChange={(e) => setForm({ ...form, capacity_bbl: e.target.value })} />
        </div>
        <TextAreaField label="Strapping table" value={form.strapping} className="mono" rows={6}
          hint="One line per step: height in inches, volume in bbl (e.g. 0, 0 then 240, 400)"
          error={strappingError ?? byField.strapping} onChange={(e) => setForm({ ...form, strapping: e.target.value })} />
        {other ? <Notice tone="error">{other}</Notice> : null}
        {add.data ? <Notice tone="success">Tank {add.data.name} added.</Notice> : null}
        <div><Button type="submit" busy={add.isPending}>Add tank</Button></div>
      </form>
    </section>
  );
}
