import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { splitFieldErrors } from "@/api/problem";
import { useWellNames } from "@/api/wellNames";
import { Badge, Button, ErrorNotice, Loading, Notice, PageHeader, Pager, SelectField, StatusBadge, TextField } from "@/components/ui";
import { useMe } from "@/features/auth/api/session";
import { formatDateTime, humanize } from "@/lib/format";

import {
  ACTING_ROLES, PRIORITIES, WORK_ORDER_STATUSES, useCreateWorkOrder, useWorkOrders, type Priority, type WorkOrderStatus,
} from "../api/workOrders";

const LIMIT = 50;
const PRIORITY_TONES = { low: "blue", medium: "neutral", high: "amber", urgent: "red" } as const;

function wellOptions(names: Map<string, string> | undefined) {
  return [...(names ?? new Map<string, string>()).entries()].sort((a, b) => a[1].localeCompare(b[1])).map(([id, name]) => ({ value: id, label: name }));
}

function CreateWorkOrder({ wellId, names }: { wellId: string | undefined; names: Map<string, string> | undefined }) {
  const [form, setForm] = useState({ well_id: wellId ?? "", title: "", priority: "medium" as Priority, due_date: "", assignee: "" });
  const create = useCreateWorkOrder();
  const { byField, other } = splitFieldErrors(create.error, ["well_id", "title", "priority", "due_date", "assignee"]);
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { well_id: form.well_id, title: form.title, priority: form.priority, due_date: form.due_date || null, assignee: form.assignee || null },
      { onSuccess: () => setForm({ ...form, title: "", due_date: "", assignee: "" }) },
    );
  }
  return (
    <section className="card">
      <form className="stack" onSubmit={submit} noValidate aria-labelledby="new-wo-title">
        <h2 id="new-wo-title">Create a work order</h2>
        <div className="form-grid">
          <SelectField label="Work order's well" value={form.well_id} placeholder="Choose a well" options={wellOptions(names)} error={byField.well_id}
            onChange={(e) => setForm({ ...form, well_id: e.target.value })} />
          <TextField label="Title" value={form.title} error={byField.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
          <SelectField label="Priority" value={form.priority} options={PRIORITIES.map((p) => ({ value: p, label: humanize(p) }))} error={byField.priority}
            onChange={(e) => setForm({ ...form, priority: e.target.value as Priority })} />
          <TextField label="Due date" type="date" value={form.due_date} error={byField.due_date} onChange={(e) => setForm({ ...form, due_date: e.target.value })} />
          <TextField label="Assignee" value={form.assignee} error={byField.assignee} onChange={(e) => setForm({ ...form, assignee: e.target.value })} />
        </div>
        {other ? <Notice tone="error">{other}</Notice> : null}
        {create.data ? <Notice tone="success">Work order “{create.data.title}” created.</Notice> : null}
        <div><Button type="submit" busy={create.isPending}>Create work order</Button></div>
      </form>
    </section>
  );
}

/** Work orders of one well or all, by status; create one. */
export default function WorkOrdersPage() {
  const [params, setParams] = useSearchParams();
  const wellId = params.get("well") ?? undefined;
  const status = (params.get("status") as WorkOrderStatus | null) ?? undefined;
  const offset = Number(params.get("offset") ?? 0) || 0;
  const orders = useWorkOrders({ well_id: wellId, status, limit: LIMIT, offset });
  const names = useWellNames();
  const me = useMe();
  const canWrite = ACTING_ROLES.includes(me.data?.role ?? "");

  function update(key: string, value: string | undefined) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== "offset") next.delete("offset");
    setParams(next, { replace: true });
  }

  return (
    <>
      <PageHeader title="Work orders" />
      <section className="card" aria-label="Filters">
        <div className="form-grid">
          <SelectField label="Well" value={wellId ?? ""} placeholder="All wells" options={wellOptions(names.data)}
            onChange={(e) => update("well", e.target.value || undefined)} />
          <SelectField label="Status" value={status ?? ""} placeholder="Any status" options={WORK_ORDER_STATUSES.map((s) => ({ value: s, label: humanize(s) }))}
            onChange={(e) => update("status", e.target.value || undefined)} />
        </div>
      </section>
      <ErrorNotice error={orders.error} />
      {orders.isLoading ? <Loading label="Loading work orders…" /> : null}
      {orders.data ? (
        <section className="card" aria-labelledby="wo-title">
          <h2 id="wo-title">{orders.data.total} work orders</h2>
          {orders.data.items.length === 0 ? <p>No work orders match.</p> : (
            <div className="table-wrap" role="region" aria-label="Work orders table" tabIndex={0}>
              <table className="data">
                <thead>
                  <tr><th scope="col">Title</th><th scope="col">Well</th><th scope="col">Priority</th><th scope="col">Status</th><th scope="col">Source</th><th scope="col">Due</th><th scope="col">Assignee</th><th scope="col">Created</th></tr>
                </thead>
                <tbody>
                  {orders.data.items.map((order) => (
                    <tr key={order.id}>
                      <td><Link to={`/work-orders/${order.id}`}>{order.title}</Link></td>
                      <td><Link to={`/wells/${order.well_id}`}>{names.data?.get(order.well_id) ?? "well"}</Link></td>
                      <td><Badge tone={PRIORITY_TONES[order.priority as Priority] ?? "neutral"}>{order.priority}</Badge></td>
                      <td><StatusBadge value={order.status} /></td>
                      <td>{humanize(order.source.kind)}</td>
                      <td>{order.due_date ?? "—"}</td>
                      <td>{order.assignee ?? "—"}</td>
                      <td>{formatDateTime(order.created_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager offset={offset} limit={LIMIT} total={orders.data.total} label="Work order pages" onChange={(o) => update("offset", o ? String(o) : undefined)} />
        </section>
      ) : null}
      {canWrite ? <CreateWorkOrder key={wellId ?? ""} wellId={wellId} names={names.data} /> : null}
    </>
  );
}
