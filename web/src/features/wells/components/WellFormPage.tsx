import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";

import { splitFieldErrors } from "@/api/problem";
import { Button, Checkbox, ErrorNotice, Loading, Notice, PageHeader, SelectField, TextField } from "@/components/ui";
import { useDraft } from "@/lib/useDraft";

import { useFields, useLeases, useSaveWell, useWell, type Well, type WellCreate, type WellType } from "../api/wells";

const TYPES: WellType[] = ["OIL", "GAS", "OIL_GAS", "INJECTION", "DISPOSAL", "WATER_SUPPLY", "OBSERVATION", "DRY_HOLE"];
const TEXT_FIELDS = ["name", "api_number", "well_number", "lease_id", "field_id", "well_type", "spud_date", "completion_date",
  "first_production_date", "surface_latitude", "surface_longitude", "total_depth_ft", "is_horizontal"] as const;
type FormKey = (typeof TEXT_FIELDS)[number];
export type WellForm = Record<Exclude<FormKey, "is_horizontal">, string> & { is_horizontal: boolean };

const NUMBERS = new Set<FormKey>(["surface_latitude", "surface_longitude", "total_depth_ft"]);

export function formOf(well: Well | undefined): WellForm {
  const text = (value: unknown) => (value === null || value === undefined ? "" : String(value));
  return {
    name: text(well?.name), api_number: text(well?.api_number), well_number: text(well?.well_number),
    lease_id: text(well?.lease_id), field_id: text(well?.field_id), well_type: text(well?.well_type ?? "OIL"),
    spud_date: text(well?.spud_date), completion_date: text(well?.completion_date),
    first_production_date: text(well?.first_production_date), surface_latitude: text(well?.surface_latitude),
    surface_longitude: text(well?.surface_longitude), total_depth_ft: text(well?.total_depth_ft),
    is_horizontal: Boolean(well?.is_horizontal),
  };
}

/** The body to send: blank means null on edit and absent on create; numbers as numbers. */
export function bodyOf(form: WellForm, original: Well | undefined): Record<string, unknown> {
  const before = formOf(original);
  const body: Record<string, unknown> = {};
  for (const key of TEXT_FIELDS) {
    if (original && form[key] === before[key]) continue;
    const raw = form[key];
    if (typeof raw === "boolean") body[key] = raw;
    else if (raw.trim() === "") {
      if (original) body[key] = null;
    } else body[key] = NUMBERS.has(key) ? Number(raw) : raw.trim();
  }
  return body;
}

function Editor({ well }: { well: Well | undefined }) {
  const navigate = useNavigate();
  const [form, setForm, clearDraft] = useDraft<WellForm>(`well:${well?.id ?? "new"}`, formOf(well));
  const save = useSaveWell(well?.id);
  const leases = useLeases();
  const fields = useFields();
  const [saved, setSaved] = useState(false);
  const { byField, other } = splitFieldErrors(save.error, TEXT_FIELDS);

  function set<K extends keyof WellForm>(key: K, value: WellForm[K]) {
    setForm((prev) => ({ ...prev, [key]: value }));
    setSaved(false);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = bodyOf(form, well);
    save.mutate(body as WellCreate, {
      onSuccess: (result) => {
        clearDraft();
        setSaved(true);
        navigate(`/wells/${result.id}`);
      },
    });
  }

  const text = (key: Exclude<FormKey, "is_horizontal" | "lease_id" | "field_id" | "well_type">, label: string, extra: Record<string, unknown> = {}) => (
    <TextField label={label} name={key} value={form[key]} error={byField[key]} onChange={(e) => set(key, e.target.value)} {...extra} />
  );

  return (
    <form className="card" onSubmit={submit} noValidate aria-label={well ? "Edit well" : "New well"}>
      {other ? <Notice tone="error" title="Not saved.">{other}</Notice> : null}
      {Object.keys(byField).length ? <Notice tone="error">Not saved: fix the fields marked below. Your changes are kept.</Notice> : null}
      {saved ? <Notice tone="success">Saved.</Notice> : null}
      <div className="form-grid">
        {text("name", "Name", { required: true })}
        {text("api_number", "API number", { hint: "10, 12 or 14 digits; dashes allowed", inputMode: "numeric" })}
        {text("well_number", "Well number")}
        <SelectField label="Type" name="well_type" value={form.well_type} error={byField.well_type}
          options={TYPES.map((t) => ({ value: t, label: t.replace("_", " ").toLowerCase() }))} onChange={(e) => set("well_type", e.target.value)} />
        <SelectField label="Lease" name="lease_id" value={form.lease_id} error={byField.lease_id} placeholder="No lease"
          options={(leases.data ?? []).map((l) => ({ value: l.id, label: l.name }))} onChange={(e) => set("lease_id", e.target.value)} />
        <SelectField label="Field" name="field_id" value={form.field_id} error={byField.field_id} placeholder="No field"
          options={(fields.data ?? []).map((f) => ({ value: f.id, label: f.name }))} onChange={(e) => set("field_id", e.target.value)} />
        {text("spud_date", "Spud date", { type: "date" })}
        {text("completion_date", "Completion date", { type: "date" })}
        {text("first_production_date", "First production", { type: "date" })}
        {text("surface_latitude", "Surface latitude", { inputMode: "decimal", hint: "−90 to 90" })}
        {text("surface_longitude", "Surface longitude", { inputMode: "decimal", hint: "−180 to 180" })}
        {text("total_depth_ft", "Total depth (ft)", { inputMode: "decimal" })}
      </div>
      <Checkbox label="Horizontal well" checked={form.is_horizontal} onChange={(e) => set("is_horizontal", e.target.checked)} />
      <div className="form-actions">
        <Button type="submit" busy={save.isPending}>{well ? "Save changes" : "Create well"}</Button>
        <Link className="btn secondary" to={well ? `/wells/${well.id}` : "/wells"} onClick={() => clearDraft()}>Cancel</Link>
      </div>
    </form>
  );
}

export default function WellFormPage() {
  const { wellId } = useParams();
  const well = useWell(wellId);
  if (wellId && well.isLoading) return <Loading />;
  if (wellId && well.error) return <ErrorNotice error={well.error} />;
  return (
    <>
      <PageHeader title={wellId ? `Edit ${well.data?.name ?? "well"}` : "New well"} />
      <Editor key={wellId ?? "new"} well={well.data} />
    </>
  );
}
