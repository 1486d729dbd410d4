import { useEffect, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { ErrorNotice, Loading, PageHeader, Pager, SelectField, SortHeader, StatusBadge, TextField, type Sort } from "@/components/ui";
import { can, useMe } from "@/features/auth/api/session";

import { useFields, useLeases, useWells, type Well, type WellFilters, type WellStatus } from "../api/wells";
import { WellsMap } from "./WellsMap";

export const STATUSES: WellStatus[] = [
  "PLANNED", "PERMITTED", "DRILLING", "COMPLETED", "PRODUCING", "SHUT_IN", "ABANDONED", "PLUGGED", "CANCELLED",
];
const PAGE_SIZE = 25;
type SortKey = "name" | "api_number" | "status" | "well_type" | "lease" | "first_production_date";

export function sortWells(wells: readonly Well[], sort: Sort<SortKey>, leaseNames: Map<string, string>): Well[] {
  const value = (well: Well): string => {
    if (sort.key === "lease") return leaseNames.get(well.lease_id ?? "") ?? "";
    return String(well[sort.key] ?? "");
  };
  const sign = sort.direction === "ascending" ? 1 : -1;
  return [...wells].sort((a, b) => sign * value(a).localeCompare(value(b), undefined, { numeric: true }) || a.name.localeCompare(b.name));
}

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Wells with filters (in the URL, so back and reload keep them), sort, pages and a map. */
export function WellsPage() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get("q") ?? "");
  const q = useDebounced(text.trim(), 250);
  const filters: WellFilters = {
    status: (params.get("status") as WellStatus | null) ?? undefined,
    lease_id: params.get("lease") ?? undefined,
    field_id: params.get("field") ?? undefined,
    q: q || undefined,
  };
  const sort: Sort<SortKey> = {
    key: (params.get("sort") as SortKey | null) ?? "name",
    direction: params.get("dir") === "descending" ? "descending" : "ascending",
  };
  const offset = Number(params.get("offset") ?? 0) || 0;
  const wells = useWells(filters);
  const leases = useLeases();
  const fields = useFields();
  const me = useMe();
  const leaseNames = useMemo(() => new Map((leases.data ?? []).map((l) => [l.id, l.name])), [leases.data]);
  const fieldNames = useMemo(() => new Map((fields.data ?? []).map((f) => [f.id, f.name])), [fields.data]);
  const sorted = useMemo(() => sortWells(wells.data ?? [], sort, leaseNames), [wells.data, sort.key, sort.direction, leaseNames]);
  const page = sorted.slice(offset, offset + PAGE_SIZE);

  function update(changes: Record<string, string | undefined>) {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!("offset" in changes)) next.delete("offset");
    setParams(next, { replace: true });
  }

  useEffect(() => {
    if ((params.get("q") ?? "") !== q) update({ q: q || undefined });
  }, [q]);

  return (
    <>
      <PageHeader title="Wells" actions={can(me.data, "wells:write") ? <Link className="btn" to="/wells/new">New well</Link> : null} />
      <section className="card" aria-label="Filters">
        <div className="form-grid">
          <TextField label="Search" type="search" placeholder="Name or API number" value={text} onChange={(e) => setText(e.target.value)} />
          <SelectField label="Status" value={filters.status ?? ""} placeholder="Any status"
            options={STATUSES.map((s) => ({ value: s, label: s.replace("_", " ").toLowerCase() }))}
            onChange={(e) => update({ status: e.target.value || undefined })} />
          <SelectField label="Lease" value={filters.lease_id ?? ""} placeholder="Any lease"
            options={(leases.data ?? []).map((l) => ({ value: l.id, label: l.name }))}
            onChange={(e) => update({ lease: e.target.value || undefined })} />
          <SelectField label="Field" value={filters.field_id ?? ""} placeholder="Any field"
            options={(fields.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
            onChange={(e) => update({ field: e.target.value || undefined })} />
        </div>
      </section>
      <ErrorNotice error={wells.error} />
      {wells.data && wells.data.length > 0 ? (
        <section aria-label="Map">
          <WellsMap wells={wells.data} />
        </section>
      ) : null}
        <section className="card" aria-labelledby="wells-table-title">
          <header>
            <h2 id="wells-table-title">{wells.data ? `${wells.data.length} wells` : "Wells"}</h2>
            {wells.isFetching ? <span className="muted small" role="status">Updating…</span> : null}
          </header>
          {wells.isLoading ? <Loading label="Loading wells…" /> : null}
          {wells.data && wells.data.length === 0 ? <p>No well matches these filters.</p> : null}
          {page.length > 0 ? (
            <div className="table-wrap" role="region" aria-label="Wells table" tabIndex={0}>
              <table className="data">
                <caption className="visually-hidden">Wells, sorted by {sort.key.replace("_", " ")} {sort.direction}</caption>
                <thead>
                  <tr>
                    <SortHeader label="Name" column="name" sort={sort} onSort={(s) => update({ sort: s.key, dir: s.direction })} />
                    <SortHeader label="API number" column="api_number" sort={sort} onSort={(s) => update({ sort: s.key, dir: s.direction })} />
                    <SortHeader label="Status" column="status" sort={sort} onSort={(s) => update({ sort: s.key, dir: s.direction })} />
                    <SortHeader label="Type" column="well_type" sort={sort} onSort={(s) => update({ sort: s.key, dir: s.direction })} />
                    <SortHeader label="Lease" column="lease" sort={sort} onSort={(s) => update({ sort: s.key, dir: s.direction })} />
                    <th scope="col">Field</th>
                    <SortHeader label="First production" column="first_production_date" sort={sort} onSort={(s) => update({ sort: s.key, dir: s.direction })} />
                  </tr>
                </thead>
                <tbody>
                  {page.map((well) => (
                    <tr key={well.id}>
                      <td><Link to={`/wells/${well.id}`}>{well.name}</Link></td>
                      <td className="mono">{well.api_number_formatted ?? "—"}</td>
                      <td><StatusBadge value={well.status} /></td>
                      <td>{well.well_type.replace("_", " ").toLowerCase()}</td>
                      <td>{leaseNames.get(well.lease_id ?? "") ?? "—"}</td>
                      <td>{fieldNames.get(well.field_id ?? "") ?? "—"}</td>
                      <td>{well.first_production_date ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <Pager offset={offset} limit={PAGE_SIZE} total={sorted.length} label="Well pages"
            onChange={(next) => update({ offset: next ? String(next) : undefined })} />
        </section>
    </>
  );
}
