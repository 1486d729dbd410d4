import { TARGET_FIELDS, type EntityName } from "@/api/targetFields";
import { Button, Checkbox, TextAreaField, TextField } from "@/components/ui";

/** One entity's mapping as the form edits it (lists as text, transforms as JSON). */
export interface EntityForm {
  source_schema: string;
  source_table: string;
  key_columns: string;
  cursor_column: string;
  detect_deletions: boolean;
  look_back_minutes: string;
  column_mapping: [string, string][];
  transforms: string;
}

/** The error of the setting at `path` (`entities.production.column_mapping.oil_bbl`). */
type Errors = Record<string, string>;

export function EntityEditor({ entity, form, onChange, errors }: {
  entity: EntityName;
  form: EntityForm;
  onChange: (form: EntityForm) => void;
  errors: Errors;
}) {
  const at = (name: string) => errors[`entities.${entity}.${name}`];
  const set = <K extends keyof EntityForm>(key: K, value: EntityForm[K]) => onChange({ ...form, [key]: value });
  const used = new Set(form.column_mapping.map(([field]) => field));
  const free = TARGET_FIELDS[entity].filter((f) => !used.has(f));

  function setRow(index: number, column: string) {
    set("column_mapping", form.column_mapping.map((row, i) => (i === index ? [row[0], column] : row)));
  }

  return (
    <fieldset>
      <legend>{entity}</legend>
      <div className="form-grid">
        <TextField label="Source table" value={form.source_table} error={at("source_table")} onChange={(e) => set("source_table", e.target.value)} />
        <TextField label="Source schema" value={form.source_schema} error={at("source_schema")} hint="Optional" onChange={(e) => set("source_schema", e.target.value)} />
        <TextField label="Key columns" value={form.key_columns} error={at("key_columns")} hint="Comma-separated" onChange={(e) => set("key_columns", e.target.value)} />
        <TextField label="Cursor column" value={form.cursor_column} error={at("cursor_column")} hint="For incremental runs" onChange={(e) => set("cursor_column", e.target.value)} />
        <TextField label="Look back (minutes)" inputMode="numeric" value={form.look_back_minutes} error={at("look_back_minutes")} onChange={(e) => set("look_back_minutes", e.target.value)} />
      </div>
      <Checkbox label="Detect deletions" checked={form.detect_deletions} onChange={(e) => set("detect_deletions", e.target.checked)} />
      <h3 style={{ marginTop: 16 }}>Column mapping</h3>
      {at("column_mapping") ? <p className="error" role="alert" style={{ color: "var(--c-danger)" }}>{at("column_mapping")}</p> : null}
      <div className="table-wrap" role="region" aria-label="Column mapping table" tabIndex={0}>
        <table className="data">
          <thead><tr><th scope="col">WellOS field</th><th scope="col">Source column</th><th scope="col"><span className="visually-hidden">Remove</span></th></tr></thead>
          <tbody>
            {form.column_mapping.map(([field, column], index) => (
              <tr key={field}>
                <th scope="row">{field}</th>
                <td>
                  <TextField label={<span className="visually-hidden">{`${entity} source column for ${field}`}</span>} value={column}
                    error={at(`column_mapping.${field}`)} onChange={(e) => setRow(index, e.target.value)} />
                </td>
                <td>
                  <Button variant="ghost" size="small" aria-label={`Remove ${field}`}
                    onClick={() => set("column_mapping", form.column_mapping.filter((_, i) => i !== index))}>Remove</Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {free.length > 0 ? (
        <div className="row" style={{ marginTop: 8 }}>
          <label className="visually-hidden" htmlFor={`add-${entity}`}>Add a {entity} field</label>
          <select id={`add-${entity}`} className="btn secondary small" value="" onChange={(e) => e.target.value && set("column_mapping", [...form.column_mapping, [e.target.value, ""]])}>
            <option value="">Add a field…</option>
            {free.map((f) => <option key={f} value={f}>{f}</option>)}
          </select>
        </div>
      ) : null}
      <TextAreaField label="Transforms (JSON)" className="mono" value={form.transforms} error={at("transforms")}
        hint='e.g. {"status": [{"type": "MAP", "mapping": {"Active": "PRODUCING"}}]}' onChange={(e) => set("transforms", e.target.value)} />
    </fieldset>
  );
}
