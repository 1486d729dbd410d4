import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";

import { splitFieldErrors } from "@/api/problem";
import { useWellNames } from "@/api/wellNames";
import { Button, ErrorNotice, Loading, Notice, PageHeader, StatusBadge, TextAreaField, TextField } from "@/components/ui";
import { useMe } from "@/features/auth/api/session";
import { formatDateTime, formatNumber, humanize } from "@/lib/format";

import {
  ACTING_ROLES, TRANSITIONS, TRANSITION_LABELS, useAssignWorkOrder, useChangeWorkOrderStatus, useWorkOrder,
  type HistoryEntry, type WorkOrder, type WorkOrderStatus,
} from "../api/workOrders";

function localToIso(value: string): string | null {
  if (!value) return null;
  const moment = new Date(value);
  return Number.isNaN(moment.getTime()) ? value : moment.toISOString();
}

function StatusChange({ order }: { order: WorkOrder }) {
  const change = useChangeWorkOrderStatus(order.id);
  const [note, setNote] = useState("");
  const [scheduledFor, setScheduledFor] = useState("");
  const next = TRANSITIONS[order.status as WorkOrderStatus] ?? [];
  const { byField, other } = splitFieldErrors(change.error, ["note", "scheduled_for", "status"]);

  function move(status: WorkOrderStatus) {
    change.mutate(
      { status, note, scheduled_for: status === "scheduled" ? localToIso(scheduledFor) : null },
      { onSuccess: () => { setNote(""); setScheduledFor(""); } },
    );
  }

  if (next.length === 0) return <p className="muted">This work order is {humanize(order.status).toLowerCase()}: it does not change any more.</p>;
  return (
    <div className="stack" role="group" aria-labelledby="status-change-title">
      <h3 id="status-change-title">Move it on</h3>
      <div className="form-grid">
        <TextAreaField label="Note for the history" value={note} error={byField.note} hint="Kept with starting, finishing or cancelling the work"
          onChange={(e) => setNote(e.target.value)} />
        {next.includes("scheduled") ? (
          <TextField label="Scheduled for" type="datetime-local" value={scheduledFor} hint="Needed to schedule" error={byField.scheduled_for}
            onChange={(e) => setScheduledFor(e.target.value)} />
        ) : null}
      </div>
      {other ?? byField.status ? <Notice tone="error">{other ?? byField.status}</Notice> : null}
      <div className="actions-inline">
        {next.map((status) => (
          <Button key={status} variant={status === "cancelled" ? "danger" : status === "done" ? "primary" : "secondary"} busy={change.isPending} onClick={() => move(status)}>
            {TRANSITION_LABELS[status]}
          </Button>
        ))}
      </div>
    </div>
  );
}

function Assign({ order }: { order: WorkOrder }) {
  const assign = useAssignWorkOrder(order.id);
  const [assignee, setAssignee] = useState(order.assignee ?? "");
  const { byField, other } = splitFieldErrors(assign.error, ["assignee"]);
  function submit(event: FormEvent) {
    event.preventDefault();
    assign.mutate(assignee.trim());
  }
  return (
    <form className="row" onSubmit={submit} noValidate aria-label="Assign the work order">
      <TextField label="Assignee" value={assignee} error={byField.assignee} onChange={(e) => setAssignee(e.target.value)} />
      <Button type="submit" variant="secondary" busy={assign.isPending}>Assign</Button>
      {other ? <Notice tone="error">{other}</Notice> : null}
    </form>
  );
}

/** One work order: its facts, status changes the state machine allows, assignee, costs and history. */
export default function WorkOrderPage() {
  const { workOrderId = "" } = useParams();
  const order = useWorkOrder(workOrderId);
  const names = useWellNames();
  const me = useMe();
  const canAct = ACTING_ROLES.includes(me.data?.role ?? "");
  if (order.isLoading) return <Loading label="Loading the work order…" />;
  if (!order.data) return <ErrorNotice error={order.error ?? new Error("There is no such work order.")} />;
  const wo = order.data;
  const history = wo.history as unknown as HistoryEntry[];
  return (
    <>
      <PageHeader title={wo.title} actions={<Link to={`/work-orders?well=${wo.well_id}`}>The well's work orders</Link>}>
        <p className="muted">Work order <StatusBadge value={wo.status} /> · {humanize(wo.priority)} priority</p>
      </PageHeader>
      <div className="grid-2">
        <section className="card" aria-labelledby="wo-facts">
          <h2 id="wo-facts">Details</h2>
          <dl className="props">
            <dt>Well</dt><dd><Link to={`/wells/${wo.well_id}`}>{names.data?.get(wo.well_id) ?? "well"}</Link></dd>
            <dt>Source</dt><dd>{humanize(wo.source.kind)}</dd>
            <dt>Due</dt><dd>{wo.due_date ?? "—"}</dd>
            <dt>Scheduled for</dt><dd>{formatDateTime(wo.scheduled_for)}</dd>
            <dt>Assignee</dt><dd>{wo.assignee ?? "—"}</dd>
            <dt>Created</dt><dd>{formatDateTime(wo.created_at)}</dd>
            <dt>Closed</dt><dd>{formatDateTime(wo.closed_at)}</dd>
            <dt>Downtime</dt><dd>{formatNumber(Number(wo.downtime_hours))} h</dd>
            <dt>Total cost</dt><dd>{formatNumber(Number(wo.total_cost), 2)}</dd>
            <dt>Parts</dt><dd>{wo.parts.length}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="wo-actions">
          <h2 id="wo-actions">Status</h2>
          {canAct ? (
            <div className="stack">
              <StatusChange order={wo} />
              {wo.status !== "done" && wo.status !== "cancelled" ? <Assign key={wo.assignee ?? ""} order={wo} /> : null}
            </div>
          ) : <p className="muted">Your role reads work orders; field operators, managers and admins move them on.</p>}
        </section>
      </div>
      <section className="card" aria-labelledby="wo-history">
        <h2 id="wo-history">History</h2>
        {history.length === 0 ? <p>No changes yet.</p> : (
          <ol className="timeline">
            {history.map((entry, index) => (
              <li key={index}>
                <time dateTime={entry.at ?? undefined}>{formatDateTime(entry.at)}</time> <StatusBadge value={entry.status} />
                {entry.by ? <span className="muted small"> by {entry.by}</span> : null}
                {entry.note ? <div>{entry.note}</div> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
