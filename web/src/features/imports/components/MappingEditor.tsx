import { TARGET_FIELDS, type EntityName } from "@/api/targetFields";
import { SelectField } from "@/components/ui";

/** For each column of the file, the WellOS field it fills (or none). */
export function MappingEditor({ kind, columns, mapping, onChange, errors }: {
  kind: EntityName;
  columns: readonly { name: string; samples: unknown[] }[];
  mapping: Record<string, string>;
  onChange: (mapping: Record<string, string>) => void;
  errors: Record<string, string>;
}) {
  const fieldOf = new Map(Object.entries(mapping).map(([field, column]) => [column, field]));
  const targets = TARGET_FIELDS[kind];

  function choose(column: string, field: string) {
    const next: Record<string, string> = {};
    for (const [f, c] of Object.entries(mapping)) if (c !== column && f !== field) next[f] = c;
    if (field) next[field] = column;
    onChange(next);
  }

  return (
    <div className="table-wrap" role="region" aria-label="Column mapping table" tabIndex={0}>
      <table className="data">
        <thead><tr><th scope="col">Column in the file</th><th scope="col">Sample values</th><th scope="col">Imported as</th></tr></thead>
        <tbody>
          {columns.map((column) => {
            const field = fieldOf.get(column.name) ?? "";
            const error = field ? errors[`column_mapping.${field}`] ?? errors[field] : undefined;
            return (
              <tr key={column.name}>
                <th scope="row">{column.name}</th>
                <td className="small muted">{column.samples.slice(0, 3).map(String).join(", ")}</td>
                <td>
                  <SelectField label={<span className="visually-hidden">WellOS field for {column.name}</span>} value={field} error={error}
                    placeholder="— not imported —" options={targets.map((t) => ({ value: t, label: t }))}
                    onChange={(e) => choose(column.name, e.target.value)} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
