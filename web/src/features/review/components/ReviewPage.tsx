import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";

import { splitFieldErrors } from "@/api/problem";
import { useWellNames } from "@/api/wellNames";
import { Button, ErrorNotice, Loading, Notice, PageHeader, Pager, SelectField, StatusBadge, TextAreaField } from "@/components/ui";
import { formatDateTime, humanize } from "@/lib/format";

import { useConflict, useConflicts, useResolveConflict, type ConflictDetail, type ConflictStatus } from "../api/conflicts";

const LIMIT = 25;

function Payload({ payload }: { payload: Record<string, unknown> }) {
  return (
    <dl className="props small">
      {Object.entries(payload).map(([key, value]) => (
        <div key={key} style={{ display: "contents" }}>
          <dt>{key.replace(/_/g, " ")}</dt>
          <dd>{typeof value === "object" ? <pre>{JSON.stringify(value, null, 1)}</pre> : String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The competing claims side by side; pick the one that stands and say why. */
export function ConflictReview({ detail }: { detail: ConflictDetail }) {
  const resolve = useResolveConflict(detail.id);
  const [choice, setChoice] = useState<string>(detail.winner_event_id ?? "");
  const [reason, setReason] = useState("");
  const { byField, other } = splitFieldErrors(resolve.error, ["choose", "reason"]);
  const open = detail.status === "open";

  function submit(event: FormEvent) {
    event.preventDefault();
    resolve.mutate({ choose: choice, reason });
  }

  return (
    <form onSubmit={submit} className="stack">
      <fieldset disabled={!open || resolve.isPending}>
        <legend>Claims ({detail.events.length}): {humanize(detail.event_type)}</legend>
        {byField.choose ? <p className="error" style={{ color: "var(--c-danger)" }}>{byField.choose}</p> : null}
        <div className="claims">
          {detail.events.map((event, index) => {
            const chosen = (open ? choice : detail.winner_event_id) === event.id;
            return (
              <div key={event.id} className={`claim ${chosen ? "chosen" : ""}`}>
                <div className="checkbox">
                  <input type="radio" name="choose" id={`claim-${event.id}`} value={event.id} checked={chosen}
                    onChange={() => setChoice(event.id)} required />
                  <label htmlFor={`claim-${event.id}`}>
                    <strong>Claim {index + 1}</strong>: {event.recorded_by_email}
                  </label>
                </div>
                <p className="small muted">
                  {formatDateTime(event.occurred_at)} on {event.device_id} (#{event.device_seq}), received {formatDateTime(event.received_at)}
                </p>
                <Payload payload={event.payload} />
              </div>
            );
          })}
        </div>
      </fieldset>
      {open ? (
        <>
          <TextAreaField label="Reason" value={reason} error={byField.reason} required maxLength={1000}
            hint="Goes to the audit log with your name" onChange={(e) => setReason(e.target.value)} />
          {other ? <Notice tone="error">{other}</Notice> : null}
          <div className="row">
            <Button type="submit" busy={resolve.isPending} disabled={!choice || !reason.trim()}>Resolve with the chosen claim</Button>
          </div>
        </>
      ) : (
        <Notice tone="success">
          Resolved {formatDateTime(detail.resolved_at)} by {detail.resolved_by ?? "the rule"}
          {detail.resolution && typeof detail.resolution.reason === "string" ? `: ${detail.resolution.reason}` : ""}
        </Notice>
      )}
    </form>
  );
}

function ConflictView({ conflictId }: { conflictId: string }) {
  const conflict = useConflict(conflictId);
  const names = useWellNames();
  if (conflict.isLoading) return <Loading />;
  if (!conflict.data) return <ErrorNotice error={conflict.error} />;
  const detail = conflict.data;
  return (
    <>
      <PageHeader title={`Conflict on ${names.data?.get(detail.well_id) ?? "a well"}`} actions={<Link className="btn secondary" to="/review">Back to the queue</Link>}>
        <StatusBadge value={detail.status} /> <span className="muted">rule: {humanize(detail.rule)}</span>{" "}
        <Link to={`/wells/${detail.well_id}`}>Open the well</Link>
      </PageHeader>
      <section className="card"><ConflictReview key={detail.id + detail.status} detail={detail} /></section>
    </>
  );
}

function Queue() {
  const [params, setParams] = useSearchParams();
  const status = (params.get("status") ?? "open") as ConflictStatus | "all";
  const offset = Number(params.get("offset") ?? 0) || 0;
  const conflicts = useConflicts(status === "all" ? undefined : status, offset, LIMIT);
  const names = useWellNames();
  const navigate = useNavigate();
  return (
    <>
      <PageHeader title="Review queue" />
      <section className="card" aria-label="Filters">
        <SelectField label="Status" value={status} options={["open", "resolved", "auto_resolved", "all"].map((s) => ({ value: s, label: humanize(s) }))}
          onChange={(e) => setParams({ status: e.target.value }, { replace: true })} />
      </section>
      <ErrorNotice error={conflicts.error} />
      {conflicts.isLoading ? <Loading /> : null}
      {conflicts.data ? (
        <section className="card" aria-labelledby="queue-title">
          <header><h2 id="queue-title">{conflicts.data.total} conflicts</h2></header>
          {conflicts.data.items.length === 0 ? <p>Nothing waits for review.</p> : (
            <div className="table-wrap" role="region" aria-label="Conflicts table" tabIndex={0}>
              <table className="data">
                <thead><tr><th scope="col">What</th><th scope="col">Well</th><th scope="col">Claims</th><th scope="col">Status</th><th scope="col">Since</th></tr></thead>
                <tbody>
                  {conflicts.data.items.map((c) => (
                    <tr key={c.id}>
                      <td><Link to={`/review/${c.id}`}>{humanize(c.event_type)}</Link></td>
                      <td>{names.data?.get(c.well_id) ?? "—"}</td>
                      <td>{c.event_ids.length}</td>
                      <td><StatusBadge value={c.status} /></td>
                      <td>{formatDateTime(c.created_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager offset={offset} limit={LIMIT} total={conflicts.data.total} label="Conflict pages"
            onChange={(o) => navigate(`/review?status=${status}&offset=${o}`, { replace: true })} />
        </section>
      ) : null}
    </>
  );
}

export default function ReviewPage() {
  const { conflictId } = useParams();
  return conflictId ? <ConflictView conflictId={conflictId} /> : <Queue />;
}
