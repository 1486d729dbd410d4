import { useSearchParams } from "react-router-dom";

import { useWellNames } from "@/api/wellNames";
import { Checkbox, ErrorNotice, SelectField } from "@/components/ui";

import { useAssign, useUsers, useWellAssignments } from "../api/admin";

/** Which field operators work a well (they see and sync only their wells). */
export function AssignmentsSection({ canWrite }: { canWrite: boolean }) {
  const [params, setParams] = useSearchParams();
  const wellId = params.get("well") ?? "";
  const names = useWellNames();
  const users = useUsers();
  const assignments = useWellAssignments(wellId);
  const assign = useAssign(wellId);
  const assigned = new Set((assignments.data ?? []).map((a) => a.user_id));
  const operators = (users.data ?? []).filter((u) => u.role === "FIELD_OPERATOR" && u.status === "ACTIVE");
  const wells = [...(names.data ?? new Map<string, string>()).entries()].sort((a, b) => a[1].localeCompare(b[1]));
  return (
    <section className="card" id="assignments" aria-labelledby="assign-title">
      <h2 id="assign-title">Assignments</h2>
      <SelectField label="Well" value={wellId} placeholder="Choose a well" options={wells.map(([id, name]) => ({ value: id, label: name }))}
        onChange={(e) => setParams((p) => { const n = new URLSearchParams(p); n.set("well", e.target.value); return n; }, { replace: true })} />
      <ErrorNotice error={assignments.error ?? assign.error} />
      {wellId && operators.length === 0 ? <p>No active field operators yet: add one under Users.</p> : null}
      {wellId && assignments.data ? (
        <fieldset disabled={!canWrite || assign.isPending}>
          <legend>Field operators on {names.data?.get(wellId) ?? "this well"}</legend>
          {operators.map((u) => (
            <Checkbox key={u.id} label={`${u.full_name} (${u.email})`} checked={assign.isPending && assign.variables?.userId === u.id ? assign.variables.assigned : assigned.has(u.id)}
              onChange={(e) => assign.mutate({ userId: u.id, assigned: e.target.checked })} />
          ))}
        </fieldset>
      ) : null}
    </section>
  );
}
